/**
 * Starts a service process: straight into the program when nothing needs doing in between (the fast path),
 * or into rsd-exec-helper when credentials, limits, directories or a sandbox need code to run in the child
 * before execve. Where librsd-spawn.so works (src/native/spawn-into-cgroup.ts), the child is born in its
 * unit's cgroup and LISTEN_PID is set in it, so a plain service, socket-activated or not, needs one exec;
 * elsewhere glibc's posix_spawn starts it and the helper joins the cgroup.
 *
 * How failures are reported:
 * - Direct path: the spawn settles only after the child has exec'd (CLONE_VFORK), so a failed exec (ENOENT,
 *   EACCES...) or a failed fd action comes back as `{kind: 'failed'}`; that child is already reaped, so
 *   there is no pid and nobody watches it.
 * - Helper path: the helper is exec'd, then works in the child; its steps can fail later. `spawnProcess`
 *   settles with `{kind: 'spawned'}` and a pid, and `exec` settles once the status pipe hits EOF:
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
  type FileAction,
  type PosixSpawnRequest,
  type Sys,
} from '../native/libc';
import {
  LISTEN_PID_PLACEHOLDER,
  spawnIntoCgroup,
  spawnIntoCgroupAvailable,
  spawnsOnWorkers,
  type SpawnThread,
} from '../native/spawn-into-cgroup';
import { currentReaper } from './reaper';
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
 * Spawns `spec`. Rejects only for a malformed spec (RangeError) or a missing helper binary; everything the
 * system can refuse comes back as a typed result. Watch the pid with the reaper when this settles: an exit
 * that comes first is held for that watch (Reaper.holdExitsUntil).
 */
export function spawnProcess(spec: SpawnSpec): Promise<SpawnResult> {
  const spawned = chooseWay(spec);
  return currentReaper()?.holdExitsUntil(spawned) ?? spawned;
}

function chooseWay(spec: SpawnSpec): Promise<SpawnResult> {
  if (!spawnIntoCgroupAvailable()) return spawnWith(spec, posixSpawnHere, false);
  const thread = inBurst() ? 'worker' : 'here';
  const cgroup = spec.exec?.cgroup;
  // A v1 cgroup is joined by the helper, in the child. Born in a v2 one, the child has nothing to join:
  // often nothing is left for the helper to do at all.
  const { cgroup: _bornIn, ...rest } = spec.exec ?? {};
  const spawned =
    cgroup?.version !== 2
      ? viaLibrary(spec, spec, null, thread)
      : viaLibrary({ ...spec, exec: rest }, spec, cgroup.path, thread);
  // A spawn on this thread has happened by now (it may take milliseconds on a loaded machine): the window
  // counts from its end, so the next start of the same burst still finds it.
  lastSpawn = process.hrtime.bigint();
  return spawned;
}

const posixSpawnHere = (req: PosixSpawnRequest): Promise<Sys<number>> => Promise.resolve(posixSpawn(req));

/** Spawns `spec` through librsd-spawn.so, or `fallback` the usual way where the library refuses this spawn. */
async function viaLibrary(
  spec: SpawnSpec,
  fallback: SpawnSpec,
  cgroup: string | null,
  thread: SpawnThread,
): Promise<SpawnResult> {
  let refused = false;
  let abandoned = false;
  const r = await spawnWith(
    spec,
    async (req) => {
      const s = await spawnIntoCgroup(req, cgroup, thread, spec.abandoned);
      if ('unsupported' in s) refused = true;
      if ('abandoned' in s) abandoned = true;
      return s;
    },
    true,
  );
  if (abandoned) return { kind: 'abandoned' };
  return refused ? spawnWith(fallback, posixSpawnHere, false) : r;
}

/**
 * A spawn that follows another within this window, or comes while workers still spawn, is part of a burst
 * (boot, isolate, a restart of many): it goes to a worker thread, where two spawns run beside each other and
 * beside the event loop. A lone spawn (socket activation, a restart) stays on the calling thread, where it
 * is four times quicker here.
 */
const BURST_WINDOW_NS = 3_000_000n;
let lastSpawn = 0n;

function inBurst(): boolean {
  const now = process.hrtime.bigint();
  const burst = now - lastSpawn < BURST_WINDOW_NS || spawnsOnWorkers() > 0;
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
async function spawnWith(
  spec: SpawnSpec,
  launch: (req: PosixSpawnRequest) => Promise<Sys<number>>,
  childSetsListenPid: boolean,
): Promise<SpawnResult> {
  const extraFds = spec.extraFds ?? [];
  const layout: FdSource[] = [
    ...spec.stdio.map((s, fd) => stdioSource(s, fd)),
    ...extraFds.map((fd): FdSource => ({ kind: 'fd', fd })),
  ];
  const setsid = spec.setsid ?? true;

  if (!needsHelper(spec.exec, childSetsListenPid ? undefined : spec.listen)) {
    const r = await launch({
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

  const r = await launch({
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
