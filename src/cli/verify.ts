import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { buildSearchPath } from '../load/search-path';
import { UnitFileIndex } from '../load/unit-file-index';
import { UnitLoader, type LoadedUnit } from '../load/unit-loader';
import { formatDiagnostic } from '../unit/diagnostic';
import type { UnitConfig } from '../unit/table';
import type { ExecCommand } from '../unit/values/command-line';

export interface VerifyOptions {
  /** Unit names, or paths to unit files (anything with a `/`). */
  readonly targets: readonly string[];
  readonly all: boolean;
  /** `--unit-dir`: replaces systemd's unit directories. */
  readonly unitDirs: readonly string[];
  readonly builtinDir: string;
  /** List the settings rsd parses but does not act on yet. */
  readonly unenforced: boolean;
}

export interface VerifyResult {
  readonly lines: string[];
  readonly exitCode: 0 | 1;
}

/** The fixed search path systemd 252 resolves a bare ExecStart= name against. */
const EXEC_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function executableProblem(cmd: ExecCommand): string | null {
  if (cmd.flags.ignoreFailure) return null;
  if (cmd.path.startsWith('/')) {
    return isExecutableFile(cmd.path)
      ? null
      : `Command ${cmd.path} is not executable: No such file or directory`;
  }
  return EXEC_SEARCH_PATH.some((d) => isExecutableFile(`${d}/${cmd.path}`))
    ? null
    : `Command ${cmd.path} is not executable: No such file or directory`;
}

function execCommandsOf(config: UnitConfig): ExecCommand[] {
  switch (config.type) {
    case 'service': {
      const s = config.Service;
      return [
        s.ExecCondition,
        s.ExecStartPre,
        s.ExecStart,
        s.ExecStartPost,
        s.ExecReload,
        s.ExecStop,
        s.ExecStopPost,
      ].flat();
    }
    case 'socket': {
      const s = config.Socket;
      return [s.ExecStartPre, s.ExecStartPost, s.ExecStopPre, s.ExecStopPost].flat();
    }
    default:
      return [];
  }
}

/** The service a socket starts: Service=, else the socket's own name (its template with Accept=yes). */
function socketService(id: string, config: Extract<UnitConfig, { type: 'socket' }>): string {
  if (config.Socket.Service !== '') return config.Socket.Service;
  const stem = id.slice(0, -'.socket'.length);
  return config.Socket.Accept ? `${stem}@.service` : `${stem}.service`;
}

/**
 * `rsd verify`: loads units the way the manager will and reports what systemd-analyze verify reports: load
 * failures, missing hard dependencies, commands that cannot run, sockets without a service.
 */
export function verify(opts: VerifyOptions): VerifyResult {
  const fileDirs = opts.targets.filter((t) => t.includes('/')).map((t) => dirname(resolve(t)));
  const searchPath = buildSearchPath({
    unitDirs: opts.unitDirs.length > 0 ? [...opts.unitDirs] : undefined,
    builtinDir: opts.builtinDir,
    extraDirs: [...new Set(fileDirs)],
  });
  const loader = new UnitLoader(UnitFileIndex.scan(searchPath));
  const lines: string[] = [];
  let failed = false;
  const printed = new Set<string>();
  /** --unenforced: for each setting rsd does not act on, the units that use it. */
  const unenforcedUnits = new Map<string, Set<string>>();

  const report = (unit: LoadedUnit): void => {
    if (printed.has(unit.id)) return;
    printed.add(unit.id);
    for (const d of unit.diagnostics) lines.push(formatDiagnostic(d));
  };

  const names = opts.all
    ? loader.loadAll().map((u) => u.id)
    : opts.targets.map((t) => (t.includes('/') ? basename(t) : t));
  for (const name of names) {
    const unit = loader.load(name);
    report(unit);
    if (unit.loadState !== 'loaded') {
      failed = true;
      lines.push(
        unit.loadState === 'bad-setting' ? `Unit ${unit.id} has a bad unit file setting.` : unit.reason,
      );
      continue;
    }
    for (const cmd of execCommandsOf(unit.config)) {
      const problem = executableProblem(cmd);
      if (problem) {
        failed = true;
        lines.push(`${unit.id}: ${problem}`);
      }
    }
    const missing = missingRequirement(loader, unit.id);
    if (missing) {
      failed = true;
      lines.push(`${unit.id}: Failed to create ${unit.id}/start: ${missing}`);
    }
    if (unit.config.type === 'socket') {
      const service = socketService(unit.id, unit.config);
      const loaded = loader.load(service);
      if (loaded.loadState !== 'loaded') {
        failed = true;
        lines.push(`${unit.id}: service ${service} not loaded, socket cannot be started.`);
      }
    }
    if (opts.unenforced) {
      for (const s of unit.applied.list()) {
        // [Install] is enable/disable's business, not the running manager's (as in rsdctl status).
        if (s.support !== 'accepted' || s.section === 'Install') continue;
        lines.push(`${s.file}:${s.line}: ${s.key}= is parsed but not enforced by rsd.`);
        const users = unenforcedUnits.get(s.key) ?? new Set<string>();
        unenforcedUnits.set(s.key, users.add(unit.id));
      }
    }
  }
  if (unenforcedUnits.size > 0) {
    const counts = [...unenforcedUnits].map(([key, units]) => [key, units.size] as const);
    counts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push('Parsed but not enforced by rsd (units using each):');
    for (const [key, n] of counts) lines.push(`  ${key}= ${n}`);
  }
  return { lines, exitCode: failed ? 1 : 0 };
}

/**
 * Follows Requires=, Requisite= and BindsTo= from a unit, as the start job's transaction would, and names the
 * first unit that cannot be loaded. Wants= may point at nothing.
 */
function missingRequirement(loader: UnitLoader, root: string): string | null {
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const unit = loader.load(queue.shift()!);
    if (unit.loadState !== 'loaded') continue;
    const u = unit.config.Unit;
    for (const dep of [...u.Requires, ...u.Requisite, ...u.BindsTo]) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      // Device units come from udev, not from files: systemd-analyze verify never finds one missing.
      if (dep.endsWith('.device')) continue;
      const loaded = loader.load(dep);
      if (loaded.loadState === 'not-found') return `Unit ${dep} not found.`;
      if (loaded.loadState === 'masked') return `Unit ${dep} is masked.`;
      if (loaded.loadState !== 'loaded') return `Unit ${dep} failed to load properly.`;
      queue.push(dep);
    }
  }
  return null;
}
