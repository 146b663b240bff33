/**
 * Starts a service process: posix_spawn straight into the program when nothing needs doing in between
 * (the fast path), or into rsd-exec-helper when credentials, limits, cgroup, directories or socket
 * activation need code to run in the child before execve.
 *
 * How failures are reported:
 * - Direct path: glibc's posix_spawn returns only after the child has exec'd (CLONE_VFORK), so a failed
 *   exec (ENOENT, EACCES...) or a failed fd action comes back synchronously as `{kind: 'failed'}`; glibc
 *   has already reaped that child, so there is no pid and the reaper never hears of it.
 * - Helper path: the helper is exec'd synchronously, then works in the child; its steps can fail later.
 *   `spawnProcess` returns `{kind: 'spawned'}` with a pid, and `exec` settles once the status pipe hits EOF:
 *   'executed', or 'failed' with the step, errno and systemd exit code (the process then exits with that
 *   code, which the reaper reports as usual), or 'lost' if the helper died silently.
 * The pipe is needed because an exit status alone cannot tell "the helper failed at execve with 203" from
 * "the service ran and chose to exit 203", nor give the errno.
 */
import {
  close,
  F_SETFL,
  fcntlSet,
  O_CLOEXEC,
  O_NONBLOCK,
  pipe2,
  posixSpawn,
  spawnCanCloseFrom,
  type FileAction,
  type PosixSpawnRequest,
  type Sys,
} from '../native/libc';
import {
  LISTEN_PID_PLACEHOLDER,
  spawnIntoCgroup,
  spawnIntoCgroupAvailable,
} from '../native/spawn-into-cgroup';
import { execFailure, type ExecStep } from './exec-failure';
import { fdLayoutActions, type FdSource } from './fd-layout';
import { helperArgv, needsHelper } from './helper-argv';
import { execHelperPath } from './helper-path';
import { watchExecStatus } from './exec-status';
import type { SpawnResult, SpawnSpec, StdioSource } from './spawn-spec';

export type { ExecOutcome, ExecOptions, SpawnResult, SpawnSpec, StdioSource } from './spawn-spec';
export type { ExecFailure, ExecStep } from './exec-failure';

const EBADF = 9;
const EMFILE = 24;
const EAGAIN = 11;
const ENOMEM = 12;

function stdioSource(s: StdioSource, fd: number): FdSource {
  if (s === null) return { kind: 'null' };
  return { kind: 'fd', fd: s === 'inherit' ? fd : s };
}

/** Which step a synchronous posix_spawn error belongs to; everything else comes from execve. */
function stepOfSpawnError(errno: number): ExecStep {
  if (errno === EBADF || errno === EMFILE) return 'fds';
  if (errno === EAGAIN || errno === ENOMEM) return 'fork';
  return 'exec';
}

function failed(step: ExecStep, errno: number): SpawnResult {
  return { kind: 'failed', failure: execFailure(step, errno) };
}

const EXECUTED = Promise.resolve({ kind: 'executed' } as const);

/**
 * Spawns `spec`. Throws only for a malformed spec (RangeError) or a missing helper binary; everything the
 * system can refuse comes back as a typed result. Register the pid with the reaper in the same tick.
 */
export function spawnProcess(spec: SpawnSpec): SpawnResult {
  const cgroup = spec.exec?.cgroup;
  const native = spawnIntoCgroupAvailable();
  if (cgroup === undefined && native && !spawnCanCloseFrom()) return viaLibrary(spec, spec, null);
  if (cgroup === undefined || !native || inBurst()) return spawnWith(spec, posixSpawn, false);
  // Born in its cgroup, the child has nothing to join: often nothing is left for the helper to do at all.
  const { cgroup: _joined, ...rest } = spec.exec ?? {};
  return viaLibrary({ ...spec, exec: rest }, spec, cgroup);
}

/** Spawns `spec` through librsd-spawn.so, or `fallback` the usual way where the library refuses this spawn. */
function viaLibrary(spec: SpawnSpec, fallback: SpawnSpec, cgroup: string | null): SpawnResult {
  let refused = false;
  const r = spawnWith(
    spec,
    (req) => {
      const s = spawnIntoCgroup(req, cgroup);
      if ('unsupported' in s) refused = true;
      return s;
    },
    true,
  );
  return refused ? spawnWith(fallback, posixSpawn, false) : r;
}

/**
 * Two ways into a unit's cgroup, each best at one thing. clone3(CLONE_INTO_CGROUP) spares a lone start the
 * kernel's RCU wait of a migration (8-11 ms here: the socket-activation case), but the new cgroup's css_set
 * is built on the manager's thread while it waits for the exec (~0.6 ms). In a burst of starts (boot)
 * migrations overlap and share their grace periods, and the helper does the work in the children, in
 * parallel: so a spawn that follows another within this window takes the migrating path.
 */
const BURST_WINDOW_NS = 3_000_000n;
let lastSpawn = 0n;

function inBurst(): boolean {
  const now = process.hrtime.bigint();
  const burst = now - lastSpawn < BURST_WINDOW_NS;
  lastSpawn = now;
  return burst;
}

/** The socket-activation variables, with LISTEN_PID left for the child to fill in (librsd-spawn.so). */
function listenEnv(env: readonly string[], count: number, names: readonly string[] | undefined): string[] {
  const out = env.filter((e) => !/^LISTEN_(PID|FDS|FDNAMES)=/.test(e));
  out.push(`LISTEN_FDS=${count}`);
  if (names) out.push(`LISTEN_FDNAMES=${names.join(':')}`);
  out.push(LISTEN_PID_PLACEHOLDER);
  return out;
}

/**
 * `childSetsListenPid`: the launcher fills in LISTEN_PID in the child (librsd-spawn.so), so socket
 * activation alone needs no helper.
 */
function spawnWith(
  spec: SpawnSpec,
  launch: (req: PosixSpawnRequest) => Sys<number>,
  childSetsListenPid: boolean,
): SpawnResult {
  const extraFds = spec.extraFds ?? [];
  const layout: FdSource[] = [
    ...spec.stdio.map((s, fd) => stdioSource(s, fd)),
    ...extraFds.map((fd): FdSource => ({ kind: 'fd', fd })),
  ];
  const setsid = spec.setsid ?? true;

  if (!needsHelper(spec.exec, childSetsListenPid ? undefined : spec.listen)) {
    const r = launch({
      path: spec.path,
      argv: [spec.argv0, ...spec.args],
      env: spec.listen ? listenEnv(spec.env, extraFds.length, spec.listen.names) : spec.env,
      actions: fdLayoutActions(layout),
      setsid,
      ignoreSigpipe: spec.ignoreSigpipe === true,
    });
    if (!r.ok) return failed(stepOfSpawnError(r.errno), r.errno);
    return { kind: 'spawned', pid: r.value, via: 'direct', exec: EXECUTED };
  }

  const helper = execHelperPath();
  const statusFd = layout.length;
  // After the status fd: the unit's network namespace storage, when it has one.
  const storage = spec.exec?.privateNetwork ? spec.exec.networkNamespaceStorage : undefined;
  const args = helperArgv({
    exec: spec.exec ?? {},
    setsid,
    ignoreSigpipe: spec.ignoreSigpipe === true,
    statusFd,
    ...(storage ? { networkStorageFd: statusFd + 1 } : {}),
    ...(spec.listen ? { listen: { count: extraFds.length, names: spec.listen.names } } : {}),
    path: spec.path,
    argv0: spec.argv0,
    args: spec.args,
  });

  // Close-on-exec in the manager so no other child inherits it; the dup2 into the child clears the flag,
  // and the helper sets it again so the service itself does not inherit it either.
  const pipe = pipe2(O_CLOEXEC);
  if (!pipe.ok) return failed('fork', pipe.errno);
  fcntlSet(pipe.value.read, F_SETFL, O_NONBLOCK);
  const actions: FileAction[] = fdLayoutActions([
    ...layout,
    { kind: 'fd', fd: pipe.value.write },
    ...(storage ?? []).map((fd): FdSource => ({ kind: 'fd', fd })),
  ]);

  const r = launch({
    path: helper,
    argv: ['rsd-exec-helper', ...args],
    env: spec.env,
    actions,
    // The helper does setsid itself, so a failure gets its own step and exit code (220).
    setsid: false,
  });
  // Our copy of the write end must go, or the status pipe would never reach EOF.
  close(pipe.value.write);
  if (!r.ok) {
    close(pipe.value.read);
    return failed(stepOfSpawnError(r.errno), r.errno);
  }
  return { kind: 'spawned', pid: r.value, via: 'helper', exec: watchExecStatus(pipe.value.read) };
}
