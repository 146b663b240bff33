/** Shared by the exec tests: building the native helper, running scripts, and looking for leftovers. */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildExit, Reaper } from '../../src/exec/reaper';
import { spawnProcess, type ExecOutcome, type SpawnSpec } from '../../src/exec/spawn';

const ROOT = join(__dirname, '..', '..');

/** native/build.sh is idempotent and quiet; sync child_process is safe next to a scope-'all' reaper. */
export function buildNative(): void {
  execFileSync(join(ROOT, 'native', 'build.sh'), { stdio: 'inherit' });
}

export function nativeBin(name: string): string {
  return join(ROOT, 'native', 'build', name);
}

export interface ScriptRun {
  pid: number;
  exec: ExecOutcome;
  exit: ChildExit;
  stdout: string;
}

/**
 * Runs `/bin/sh -c script` with stdout in a file, waits for its exit through the reaper, and returns what it
 * printed. `spec` overrides anything (stdio[1] is always the file).
 */
export async function runScript(
  reaper: Reaper,
  outFile: string,
  script: string,
  spec: Partial<SpawnSpec> = {},
): Promise<ScriptRun> {
  const fd = openSync(outFile, 'w');
  try {
    const r = await spawnProcess({
      path: '/bin/sh',
      argv0: 'sh',
      args: ['-c', script],
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      ...spec,
      stdio: spec.stdio ? [spec.stdio[0], fd, spec.stdio[2]] : [null, fd, 'inherit'],
    });
    if (r.kind !== 'spawned') throw new Error(`spawn failed: ${JSON.stringify(r)}`);
    const exit = new Promise<ChildExit>((resolve) => reaper.watch(r.pid, resolve));
    const [exec, ended] = await Promise.all([r.exec, exit]);
    return { pid: r.pid, exec, exit: ended, stdout: readFileSync(outFile, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Pids whose parent is this process, with their state letter (Z = zombie). */
export function childrenOfThisProcess(): { pid: number; state: string }[] {
  const out: { pid: number; state: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid) out.push({ pid: Number(name), state: fields[0] });
  }
  return out;
}
