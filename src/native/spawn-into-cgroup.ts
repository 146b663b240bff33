/**
 * koffi binding to native/build/librsd-spawn.so: posix_spawn's work with the child created inside a cgroup
 * (clone3 CLONE_INTO_CGROUP), so it never has to migrate there (see native/spawn-into-cgroup.c for why).
 * Where the library or the kernel feature is missing, `available` turns false and callers use posix_spawn.
 *
 * In a burst the call runs on a worker thread. A spawn costs about half a millisecond here, nearly all of it
 * the kernel's clone and the first half of the exec, during which the calling thread sleeps (CLONE_VFORK): on
 * the manager's thread that was most of a 1000-service boot. On workers, two spawns run beside each other and
 * beside the event loop, and the loop only converts the arguments and hears the result.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import type { FileAction, PosixSpawnRequest, Sys } from './libc';

const EAGAIN = 11;
const ENOSYS = 38;
const ECANCELED = 125;
export const LISTEN_PID_PLACEHOLDER = 'LISTEN_PID=';
const OPS = { dup2: 0, open: 1, closefrom: 2, close: 3 } as const;
/** Ints per action in the `ops` array (native/spawn-into-cgroup.c OP_INTS): op, a, b, flags, mode. */
const OP_INTS = 5;

type SpawnArgs = [
  path: string,
  argv: (string | null)[],
  envp: (string | null)[],
  ops: Int32Array,
  nops: number,
  paths: (string | null)[],
  flags: number,
  cgroupDir: string | null,
  pidEnv: number,
  err: number[],
];
interface SpawnFn {
  (...args: SpawnArgs): number;
  async(...args: [...SpawnArgs, (error: unknown, result: number) => void]): void;
}

let fn: SpawnFn | null | undefined;

function library(): SpawnFn | null {
  if (fn !== undefined) return fn;
  fn = null;
  for (const up of ['..', '../..']) {
    const path = join(__dirname, '..', up, 'native', 'build', 'librsd-spawn.so');
    try {
      accessSync(path, constants.R_OK);
    } catch {
      continue;
    }
    fn = koffi
      .load(path)
      .func(
        'int rsd_spawn(const char *path, const char **argv, const char **envp, const int *ops, int nops, const char **paths, int flags, const char *cgroup_dir, int pid_env, _Out_ int *err)',
      ) as SpawnFn;
    break;
  }
  return fn;
}

/** Whether spawning into a cgroup can be tried (the library is there and the kernel has not refused it). */
export function spawnIntoCgroupAvailable(): boolean {
  return library() !== null;
}

/**
 * The outcome: a pid; an errno from the child's fd actions or execve (already reaped); or `unsupported`
 * when this spawn cannot go into the cgroup (no cgroup directory; clone3 or CLONE_INTO_CGROUP refused, after
 * which this stays off for the process's life): the caller spawns the usual way.
 */
export type CgroupSpawnResult =
  | Sys<number>
  | { ok: false; unsupported: true; errno: number }
  /** A queued spawn whose caller no longer wanted it when its turn came. */
  | { ok: false; abandoned: true; errno: number };

/**
 * Spawns at most this many at once: one per core here keeps both busy, and the rest of libuv's workers (rsd
 * asks for six: src/cli/threadpool-size.ts) stay free for the file system calls that a boot also makes.
 */
const MAX_RUNNING = 2;
let running = 0;
const waiting: Array<() => void> = [];

/** Takes one of the MAX_RUNNING slots: now (null), or when a running spawn hands its slot over. */
function takeSlot(): Promise<void> | null {
  if (running < MAX_RUNNING) {
    running++;
    return null;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Spawns running on workers or waiting for one. */
export function spawnsOnWorkers(): number {
  return running + waiting.length;
}

function giveSlotBack(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/** Where the spawn runs: on the calling thread, or queued for a worker thread. */
export type SpawnThread = 'here' | 'worker';

/**
 * `cgroupDir` null: an ordinary spawn (where libc's posix_spawn cannot close stray fds: musl). An env entry
 * exactly `LISTEN_PID=` becomes `LISTEN_PID=<the child's pid>`, set in the child before exec. The caller's
 * fds in `req.actions` must stay open until this settles.
 *
 * 'worker' is for bursts: a lone spawn on a worker takes about 1.2 ms here against 0.3 ms on the calling
 * thread (the idle threads and cores must be woken on this virtual machine), while in a burst two workers
 * keep both cores busy and the loop free.
 */
export function spawnIntoCgroup(
  req: PosixSpawnRequest,
  cgroupDir: string | null,
  thread: SpawnThread,
  abandoned: () => boolean = () => false,
): Promise<CgroupSpawnResult> {
  if (thread === 'here') {
    const call = prepare(req, cgroupDir);
    return Promise.resolve('ok' in call ? call : call.finish(call.spawn(...call.args)));
  }
  const slot = takeSlot() ?? Promise.resolve();
  return slot
    .then((): Promise<CgroupSpawnResult> | CgroupSpawnResult =>
      abandoned() ? { ok: false, abandoned: true, errno: ECANCELED } : onWorker(prepare(req, cgroupDir)),
    )
    .finally(giveSlotBack);
}

/** A spawn ready to call: the library, its arguments, and what turns its return value into the outcome. */
interface PreparedSpawn {
  readonly spawn: SpawnFn;
  readonly args: SpawnArgs;
  /** null: koffi refused to queue the call (its own limit on calls in flight). */
  finish(r: number | null): CgroupSpawnResult;
}

function onWorker(call: PreparedSpawn | CgroupSpawnResult): Promise<CgroupSpawnResult> {
  if ('ok' in call) return Promise.resolve(call);
  return new Promise((resolve) => {
    try {
      call.spawn.async(...call.args, (error, r) =>
        resolve(call.finish(error === null || error === undefined ? r : null)),
      );
    } catch {
      resolve(call.finish(null));
    }
  });
}

/** The call's arguments, or the outcome already when there is nothing to call. */
function prepare(req: PosixSpawnRequest, cgroupDir: string | null): PreparedSpawn | CgroupSpawnResult {
  const spawn = library();
  if (spawn === null) return { ok: false, unsupported: true, errno: ENOSYS };
  const { ops, paths } = encodeActions(req.actions);
  const err = [0];
  const args: SpawnArgs = [
    req.path,
    [...req.argv, null],
    [...req.env, null],
    ops,
    req.actions.length,
    [...paths, null],
    (req.setsid ? 1 : 0) | (req.ignoreSigpipe ? 2 : 0), // RSD_SPAWN_SETSID | RSD_SPAWN_IGNORE_SIGPIPE
    cgroupDir,
    req.env.indexOf(LISTEN_PID_PLACEHOLDER),
    err,
  ];
  const finish = (r: number | null): CgroupSpawnResult => {
    if (r === null) return { ok: false, errno: EAGAIN };
    if (r > 0) return { ok: true, value: r };
    if (r === -2) {
      fn = null;
      return { ok: false, unsupported: true, errno: err[0] ?? 0 };
    }
    // No such cgroup (yet): posix_spawn and the helper's join will report it as the cgroup step.
    if (r === -3) return { ok: false, unsupported: true, errno: err[0] ?? 0 };
    return { ok: false, errno: err[0] ?? 0 };
  };
  return { spawn, args, finish };
}

function encodeActions(actions: readonly FileAction[]): { ops: Int32Array; paths: string[] } {
  const ops = new Int32Array(OP_INTS * actions.length);
  const paths: string[] = [];
  actions.forEach((a, i) => {
    const o = ops.subarray(OP_INTS * i, OP_INTS * i + OP_INTS);
    o[0] = OPS[a.op];
    if (a.op === 'dup2') [o[1], o[2]] = [a.from, a.to];
    else if (a.op === 'closefrom') o[1] = a.lowest;
    else if (a.op === 'open') {
      [o[1], o[2], o[3], o[4]] = [a.fd, paths.length, a.flags, a.mode];
      paths.push(a.path);
    } else o[1] = a.fd;
  });
  return { ops, paths };
}
