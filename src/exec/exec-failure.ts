/**
 * Why a service process did not get to run its program: the step that failed, the errno, and the exit
 * code systemd uses for that step (systemd.exec(5), "PROCESS EXIT CODES"), which is also the status the
 * process exits with when the failure happened inside it.
 */
import { constants } from 'node:os';

/** Steps the exec helper reports (see native/exec-helper.c), plus the two posix_spawn itself can fail at. */
export type ExecStep =
  | 'args'
  | 'signals'
  | 'setsid'
  | 'cgroup'
  | 'oom-score-adjust'
  | 'nice'
  | 'rlimit'
  | 'network'
  | 'namespace'
  | 'chroot'
  | 'capabilities'
  | 'group'
  | 'user'
  | 'chdir'
  | 'no-new-privileges'
  | 'environment'
  | 'exec'
  /** a file action (dup2/open) failed in the child: EXIT_FDS */
  | 'fds'
  /** the process could not be created at all (EAGAIN, ENOMEM): no process, so no exit code */
  | 'fork';

export interface ExecFailure {
  step: ExecStep;
  errno: number;
  /** e.g. "ENOENT"; "E<n>" if Node does not know the number. */
  errnoName: string;
  /** systemd's exit code for the step, or null for 'fork' (no process ever existed). */
  exitCode: number | null;
}

export const EXIT_CODE_OF_STEP: Readonly<Record<ExecStep, number | null>> = {
  args: 255, // EXIT_EXCEPTION: rsd built a bad helper command line, a bug rather than a unit problem
  signals: 207, // EXIT_SIGNAL_MASK
  setsid: 220, // EXIT_SETSID
  cgroup: 219, // EXIT_CGROUP
  'oom-score-adjust': 206, // EXIT_OOM_ADJUST
  nice: 201, // EXIT_NICE
  rlimit: 205, // EXIT_LIMITS
  network: 225, // EXIT_NETWORK
  namespace: 226, // EXIT_NAMESPACE
  chroot: 210, // EXIT_CHROOT
  capabilities: 218, // EXIT_CAPABILITIES
  group: 216, // EXIT_GROUP
  user: 217, // EXIT_USER
  chdir: 200, // EXIT_CHDIR
  'no-new-privileges': 227, // EXIT_NO_NEW_PRIVILEGES
  environment: 204, // EXIT_MEMORY: setenv can only fail for lack of memory
  exec: 203, // EXIT_EXEC
  fds: 202, // EXIT_FDS
  fork: null,
};

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name] as const),
);

export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

export function execFailure(step: ExecStep, errno: number): ExecFailure {
  return { step, errno, errnoName: errnoName(errno), exitCode: EXIT_CODE_OF_STEP[step] };
}

export function isExecStep(s: string): s is ExecStep {
  return Object.prototype.hasOwnProperty.call(EXIT_CODE_OF_STEP, s);
}
