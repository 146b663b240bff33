import { writeSync } from 'node:fs';
import { FD_CLOEXEC, F_GETFD, F_SETFD, fcntlGet, fcntlSet } from '../native/libc';
import { flushConsole } from '../console-output';
import { execve } from '../native/system';
import { FAULT_ENV } from './fault';

/** The units that were up when rsd re-executed itself, comma-separated: the new rsd starts them again. */
export const REEXEC_ENV = 'RSD_REEXEC_UNITS';
/** What the first rsd mounted at early boot (colon-separated), for the last one to unmount at shutdown. */
export const REEXEC_MOUNTS_ENV = 'RSD_REEXEC_MOUNTS';

export interface ReexecState {
  readonly units: string[];
  readonly mounted: string[];
}

/** What a re-executed rsd was handed by its predecessor (and removes from its own environment). */
export function takeReexecState(): ReexecState | null {
  const v = process.env[REEXEC_ENV];
  if (v === undefined) return null;
  const m = process.env[REEXEC_MOUNTS_ENV] ?? '';
  delete process.env[REEXEC_ENV];
  delete process.env[REEXEC_MOUNTS_ENV];
  return { units: v.split(',').filter((u) => u !== ''), mounted: m.split(':').filter((p) => p !== '') };
}

/**
 * Replaces this process with a fresh rsd: the same node, flags and arguments, the same pid (still PID 1),
 * with the list of units to bring back. Injected faults are not passed on, so a test's fault cannot loop.
 * Never returns while execve can succeed; if it fails, the caller keeps the old process running.
 */
export function reexec(state: ReexecState, reason: string): number {
  const { units, mounted } = state;
  // What the log still holds goes out first; this is written straight to stderr, as execve runs no exit
  // handlers.
  flushConsole();
  writeSync(2, `rsd: ${reason}; re-executing ${process.execPath} (${units.length} units to bring back).\n`);
  const env = Object.entries(process.env)
    .filter(([k, v]) => v !== undefined && k !== FAULT_ENV && k !== REEXEC_ENV && k !== REEXEC_MOUNTS_ENV)
    .map(([k, v]) => `${k}=${v}`);
  env.push(`${REEXEC_ENV}=${units.join(',')}`, `${REEXEC_MOUNTS_ENV}=${mounted.join(':')}`);
  // The new image logs where this one did: Node marks its stdio close-on-exec.
  for (const fd of [0, 1, 2]) {
    const flags = fcntlGet(fd, F_GETFD);
    if (flags.ok) fcntlSet(fd, F_SETFD, flags.value & ~FD_CLOEXEC);
  }
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const r = execve(process.execPath, argv, env);
  writeSync(2, `rsd: execve failed (errno ${r.ok ? 0 : r.errno}); carrying on as we are.\n`);
  return r.ok ? 0 : r.errno;
}
