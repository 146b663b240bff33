import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ExecContext } from '../unit/table/exec-context';
import { parseEnvironmentFile } from '../unit/values/environment-file';
import { EXEC_DIRECTORY_KINDS } from './exec-directory-kinds';
import type { UserEntry } from './users';

/** systemd 252's default PATH for system services on a merged-/usr system. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

/**
 * 32 hex digits, as systemd's: sd_id128_randomize() makes a version 4 UUID too. randomUUID() draws from a
 * pool it refills for 128 ids at a time, where randomBytes() was a call into the system's generator per start.
 */
export function newInvocationId(): string {
  return randomUUID().replaceAll('-', '');
}

export interface EnvironmentInputs {
  readonly exec: ExecContext;
  /** The user the command runs as when User= is set: USER, LOGNAME, HOME and SHELL come from it. */
  readonly user: UserEntry | null;
  readonly invocationId: string;
  /** Variables the manager sets for this command: MAINPID, SERVICE_RESULT, LISTEN_*, NOTIFY_SOCKET, ... */
  readonly managerSet: Readonly<Record<string, string>>;
  /** rsd's own environment, for PassEnvironment=. */
  readonly managerEnv: Readonly<Record<string, string | undefined>>;
}

export type EnvironmentResult =
  | { readonly ok: true; readonly env: Map<string, string>; readonly warnings: string[] }
  | { readonly ok: false; readonly error: string };

/**
 * The environment of one command, merged in systemd's order (later wins): the default PATH, the variables
 * the manager sets, PassEnvironment=, Environment=, EnvironmentFile=; then UnsetEnvironment= removes.
 * EnvironmentFile= is read now, at each start, as systemd does.
 */
export function buildEnvironment(i: EnvironmentInputs): EnvironmentResult | Promise<EnvironmentResult> {
  const env = new Map<string, string>([['PATH', DEFAULT_PATH]]);
  env.set('INVOCATION_ID', i.invocationId);
  if (i.user) {
    env.set('USER', i.user.name);
    env.set('LOGNAME', i.user.name);
    env.set('HOME', i.user.home);
    env.set('SHELL', i.user.shell);
  }
  for (const k in i.managerSet) env.set(k, i.managerSet[k]!);
  // $RUNTIME_DIRECTORY and friends, the absolute paths joined with ':'. Indexed: this runs at every spawn,
  // mostly before V8 has optimized it.
  for (let d = 0; d < EXEC_DIRECTORY_KINDS.length; d++) {
    const kind = EXEC_DIRECTORY_KINDS[d]!;
    const dirs = i.exec[kind.setting];
    if (dirs.length > 0) env.set(kind.variable, dirs.map((dir) => `${kind.base}/${dir}`).join(':'));
  }
  for (const name of i.exec.PassEnvironment) {
    const v = i.managerEnv[name];
    if (v !== undefined) env.set(name, v);
  }
  for (const [k, v] of i.exec.Environment) env.set(k, v);
  // Only EnvironmentFile= needs reading: without it (most units) the environment is ready now.
  if (i.exec.EnvironmentFile.length === 0) {
    unset(env, i.exec.UnsetEnvironment);
    return { ok: true, env, warnings: [] };
  }
  return withFiles(env, i.exec);
}

async function withFiles(env: Map<string, string>, exec: ExecContext): Promise<EnvironmentResult> {
  const warnings: string[] = [];
  for (const file of exec.EnvironmentFile) {
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch (e) {
      if (file.optional) continue;
      return {
        ok: false,
        error: `Failed to load environment file ${file.path}: ${(e as NodeJS.ErrnoException).code}`,
      };
    }
    const parsed = parseEnvironmentFile(text);
    for (const err of parsed.errors) warnings.push(`${file.path}:${err.line}: ${err.message}`);
    for (const [k, v] of parsed.vars) env.set(k, v);
  }
  unset(env, exec.UnsetEnvironment);
  return { ok: true, env, warnings };
}

function unset(env: Map<string, string>, entries: readonly string[]): void {
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) env.delete(entry);
    else if (env.get(entry.slice(0, eq)) === entry.slice(eq + 1)) env.delete(entry.slice(0, eq));
  }
}
