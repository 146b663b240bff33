/** What `spawnProcess` takes and returns. */
import type { ExecFailure } from './exec-failure';
import type { MountOp } from './sandbox-mounts';

/** fd 0/1/2 of the child: null = /dev/null, a number = a copy of that fd of ours, 'inherit' = ours. */

/** A unit's cgroup directory, and its hierarchy's version: only v2 lets a child be born in it. */
export interface CgroupTarget {
  readonly path: string;
  readonly version: 1 | 2;
}

export type StdioSource = null | number | 'inherit';

/** The resource names systemd's Limit*= settings map to (RLIMIT_<NAME>). */
export type RlimitName =
  | 'CPU'
  | 'FSIZE'
  | 'DATA'
  | 'STACK'
  | 'CORE'
  | 'RSS'
  | 'NOFILE'
  | 'AS'
  | 'NPROC'
  | 'MEMLOCK'
  | 'LOCKS'
  | 'SIGPENDING'
  | 'MSGQUEUE'
  | 'NICE'
  | 'RTPRIO'
  | 'RTTIME';

export type RlimitValue = number | 'infinity';

export interface Rlimit {
  soft: RlimitValue;
  hard: RlimitValue;
}

/**
 * Settings posix_spawn cannot apply; any of them routes the spawn through native/build/rsd-exec-helper.
 * Users and groups are numeric: resolving names is the caller's job (it must happen before the spawn).
 */
export interface ExecOptions {
  uid?: number;
  gid?: number;
  /** Supplementary groups. With uid or gid set and this absent, the child has none. */
  groups?: readonly number[];
  /** e.g. 0o022 */
  umask?: number;
  rlimits?: Readonly<Partial<Record<RlimitName, Rlimit>>>;
  /** -20..19 */
  nice?: number;
  /** -1000..1000 */
  oomScoreAdjust?: number;
  /** The unit's cgroup: the child is born in it (v2) or joins it before exec (writes its pid to cgroup.procs). */
  cgroup?: CgroupTarget;
  /** Relative to `rootDirectory` if set. `missingOk` is WorkingDirectory=-DIR. */
  workingDirectory?: { path: string; missingOk: boolean };
  rootDirectory?: string;
  /** WatchdogSec=: WATCHDOG_PID is set to the child's own pid (unknown until the process exists). */
  watchdogPid?: true;
  /** PrivateNetwork=: a network namespace of its own, with only the loopback device, up. */
  privateNetwork?: boolean;
  /** With privateNetwork: the unit's socket pair that shares one namespace among its processes. */
  networkNamespaceStorage?: readonly [number, number];
  /** A mount namespace of its own with these mounts, applied in order (sandbox-mounts.ts). */
  mounts?: readonly MountOp[];
  /** CapabilityBoundingSet=: the capabilities the bounding set keeps (bit N = capability N). */
  capabilityBoundingSet?: bigint;
  /** AmbientCapabilities=: raised as ambient (kept across a change to a non-root User=). */
  ambientCapabilities?: bigint;
  /** NoNewPrivileges=: PR_SET_NO_NEW_PRIVS right before execve. */
  noNewPrivileges?: boolean;
}

export interface SpawnSpec {
  /** Absolute path of the program (no PATH search). */
  path: string;
  argv0: string;
  /** argv[1...] */
  args: readonly string[];
  /** "K=V" strings: the whole environment, nothing is inherited. */
  env: readonly string[];
  stdio: readonly [StdioSource, StdioSource, StdioSource];
  /** Our fds that become the child's 3, 4, 5... (socket activation, fd store). */
  extraFds?: readonly number[];
  /**
   * Socket activation: sets LISTEN_PID (the child's own pid), LISTEN_FDS (= extraFds.length) and, with
   * names, LISTEN_FDNAMES. Needs the helper, since the pid is unknown until the process exists.
   */
  listen?: { names?: readonly string[] };
  /** New session and process group, as systemd does for every service. Default true. */
  setsid?: boolean;
  /** IgnoreSIGPIPE= (systemd's default: yes): SIGPIPE ignored instead of at its default action. */
  ignoreSigpipe?: boolean;
  exec?: ExecOptions;
  /**
   * Asked when a queued spawn (a burst's wait for a worker thread) is about to happen: true when the caller
   * no longer wants the process (a stop overtook the start). The spawn is then not made.
   */
  abandoned?: () => boolean;
}

/** How far a spawned process got; settles once, never rejects. */
export type ExecOutcome =
  /** the program is running (execve succeeded) */
  | { kind: 'executed' }
  /** the process failed before or at execve and exits with failure.exitCode */
  | { kind: 'failed'; failure: ExecFailure }
  /** the helper died without saying why (e.g. killed by a signal); the reaper has its exit status */
  | { kind: 'lost' };

export type SpawnResult =
  | {
      kind: 'spawned';
      pid: number;
      /** 'helper': the process runs rsd-exec-helper first, and `exec` settles when it execs or fails. */
      via: 'direct' | 'helper';
      exec: Promise<ExecOutcome>;
    }
  /** Failed synchronously: no process exists (glibc reaped it if it got that far). */
  | { kind: 'failed'; failure: ExecFailure }
  /** Not made: `abandoned()` said so when its turn came. */
  | { kind: 'abandoned' };
