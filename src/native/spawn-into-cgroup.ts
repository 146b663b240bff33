/**
 * koffi binding to native/build/librsd-spawn.so: posix_spawn's work with the child created inside a cgroup
 * (clone3 CLONE_INTO_CGROUP), so it never has to migrate there (see native/spawn-into-cgroup.c for why).
 * Where the library or the kernel feature is missing, `available` turns false and callers use posix_spawn.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { close, open, type FileAction, type PosixSpawnRequest, type Sys } from './libc';

const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;
export const LISTEN_PID_PLACEHOLDER = 'LISTEN_PID=';
const OPS = { dup2: 0, open: 1, closefrom: 2, close: 3 } as const;

type SpawnFn = (
  path: string,
  argv: (string | null)[],
  envp: (string | null)[],
  ops: Int32Array,
  nops: number,
  paths: (string | null)[],
  flags: number,
  cgroupFd: number,
  pidEnv: number,
  err: number[],
) => number;

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
        'int rsd_spawn(const char *path, const char **argv, const char **envp, const int *ops, int nops, const char **paths, int flags, int cgroup_fd, int pid_env, _Out_ int *err)',
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
export type CgroupSpawnResult = Sys<number> | { ok: false; unsupported: true; errno: number };

/**
 * `cgroupDir` null: an ordinary spawn (where libc's posix_spawn cannot close stray fds: musl). An env entry
 * exactly `LISTEN_PID=` becomes `LISTEN_PID=<the child's pid>`, set in the child before exec.
 */
export function spawnIntoCgroup(req: PosixSpawnRequest, cgroupDir: string | null): CgroupSpawnResult {
  const spawn = library();
  if (spawn === null) return { ok: false, unsupported: true, errno: 38 };
  const dir: Sys<number> =
    cgroupDir === null ? { ok: true, value: -1 } : open(cgroupDir, O_DIRECTORY | O_CLOEXEC);
  // No such cgroup (yet): posix_spawn and the helper's join will report it as the cgroup step.
  if (!dir.ok) return { ok: false, unsupported: true, errno: dir.errno };
  const ops = new Int32Array(4 * req.actions.length);
  const paths: (string | null)[] = [];
  req.actions.forEach((a: FileAction, i) => {
    const o = ops.subarray(4 * i, 4 * i + 4);
    o[0] = OPS[a.op];
    if (a.op === 'dup2') [o[1], o[2]] = [a.from, a.to];
    else if (a.op === 'closefrom') o[1] = a.lowest;
    else if (a.op === 'open') {
      [o[1], o[2], o[3]] = [a.fd, paths.length, a.flags];
      paths.push(a.path);
    } else o[1] = a.fd;
  });
  const err = [0];
  try {
    const r = spawn(
      req.path,
      [...req.argv, null],
      [...req.env, null],
      ops,
      req.actions.length,
      [...paths, null],
      (req.setsid ? 1 : 0) | (req.ignoreSigpipe ? 2 : 0), // RSD_SPAWN_SETSID | RSD_SPAWN_IGNORE_SIGPIPE
      dir.value,
      req.env.indexOf(LISTEN_PID_PLACEHOLDER),
      err,
    );
    if (r > 0) return { ok: true, value: r };
    if (r === -2) {
      fn = null;
      return { ok: false, unsupported: true, errno: err[0] ?? 0 };
    }
    return { ok: false, errno: err[0] ?? 0 };
  } finally {
    if (dir.value >= 0) close(dir.value);
  }
}
