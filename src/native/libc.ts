/**
 * koffi bindings to the glibc calls rsd needs, loaded once on first use. Only `src/native/` may touch FFI;
 * everything here is a thin, typed wrapper whose failures come back as values (`-errno` or an errno
 * number), never as exceptions, so callers can turn them into typed results.
 *
 * errno: koffi saves errno right after each native call and exposes it as `koffi.errno()`. Reading it via
 * `__errno_location()` in a second FFI call would be wrong, because V8 and libuv may run syscalls in
 * between and overwrite it.
 *
 * Needs glibc 2.35+ for POSIX_SPAWN_SETSID and 2.34+ for posix_spawn_file_actions_addclosefrom_np; this
 * machine has 2.36 (`ldd --version`).
 */
import koffi from 'koffi';

/** A native call's result: the value on success, or the errno it failed with. */
export type Sys<T> = { ok: true; value: T } | { ok: false; errno: number };

// glibc x86_64 (and aarch64) object sizes, from <spawn.h> and <bits/types/__sigset_t.h>; the buffers are
// allocated a little larger than needed so a future glibc growing them cannot write past our memory.
const FILE_ACTIONS_SIZE = 80 + 48;
const SPAWNATTR_SIZE = 336 + 64;
const SIGSET_SIZE = 128;

export const POSIX_SPAWN_SETSIGDEF = 0x04;
export const POSIX_SPAWN_SETSIGMASK = 0x08;
export const POSIX_SPAWN_SETSID = 0x80;

export const O_RDONLY = 0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_NOCTTY = 0o400;

export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;

export const WNOHANG = 1;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;

interface Bindings {
  posix_spawn(
    pid: number[],
    path: string,
    fa: Buffer,
    attr: Buffer,
    argv: (string | null)[],
    envp: (string | null)[],
  ): number;
  posix_spawn_file_actions_init(fa: Buffer): number;
  posix_spawn_file_actions_destroy(fa: Buffer): number;
  posix_spawn_file_actions_adddup2(fa: Buffer, fd: number, newfd: number): number;
  posix_spawn_file_actions_addclose(fa: Buffer, fd: number): number;
  posix_spawn_file_actions_addclosefrom_np: ((fa: Buffer, from: number) => number) | null;
  posix_spawn_file_actions_addopen(fa: Buffer, fd: number, path: string, oflag: number, mode: number): number;
  posix_spawnattr_init(attr: Buffer): number;
  posix_spawnattr_setflags(attr: Buffer, flags: number): number;
  posix_spawnattr_setsigdefault(attr: Buffer, set: Buffer): number;
  posix_spawnattr_setsigmask(attr: Buffer, set: Buffer): number;
  sigfillset(set: Buffer): number;
  sigemptyset(set: Buffer): number;
  waitpid(pid: number, status: number[], options: number): number;
  kill(pid: number, sig: number): number;
  prctl(option: number, ...rest: unknown[]): number;
  pipe2(fds: number[], flags: number): number;
  close(fd: number): number;
  dup(fd: number): number;
  fcntl(fd: number, cmd: number, ...rest: unknown[]): number;
  getpid(): number;
  read(fd: number, buf: Buffer, count: number): number;
  write(fd: number, buf: Buffer, count: number): number;
  open(path: string, flags: number, ...rest: unknown[]): number;
  ioctl_int(fd: number, request: number, out: number[]): number;
}

let bound: Bindings | undefined;

function bindings(): Bindings {
  if (bound) return bound;
  const lib = koffi.load('libc.so.6');
  const f = (decl: string): unknown => lib.func(decl);
  // musl (the Alpine image) lacks it: spawns there go through librsd-spawn.so, which closes fds itself.
  const optional = (decl: string): unknown => {
    try {
      return lib.func(decl);
    } catch {
      return null;
    }
  };
  bound = {
    posix_spawn: f(
      'int posix_spawn(_Out_ int *pid, const char *path, void *fa, void *attr, const char **argv, const char **envp)',
    ),
    posix_spawn_file_actions_init: f('int posix_spawn_file_actions_init(void *fa)'),
    posix_spawn_file_actions_destroy: f('int posix_spawn_file_actions_destroy(void *fa)'),
    posix_spawn_file_actions_adddup2: f('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)'),
    posix_spawn_file_actions_addclose: f('int posix_spawn_file_actions_addclose(void *fa, int fd)'),
    posix_spawn_file_actions_addclosefrom_np: optional(
      'int posix_spawn_file_actions_addclosefrom_np(void *fa, int from)',
    ),
    posix_spawn_file_actions_addopen: f(
      'int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32_t mode)',
    ),
    posix_spawnattr_init: f('int posix_spawnattr_init(void *attr)'),
    posix_spawnattr_setflags: f('int posix_spawnattr_setflags(void *attr, short flags)'),
    posix_spawnattr_setsigdefault: f('int posix_spawnattr_setsigdefault(void *attr, void *set)'),
    posix_spawnattr_setsigmask: f('int posix_spawnattr_setsigmask(void *attr, void *set)'),
    sigfillset: f('int sigfillset(void *set)'),
    sigemptyset: f('int sigemptyset(void *set)'),
    waitpid: f('int waitpid(int pid, _Out_ int *status, int options)'),
    kill: f('int kill(int pid, int sig)'),
    prctl: f('int prctl(int option, ...)'),
    pipe2: f('int pipe2(_Out_ int *fds, int flags)'),
    close: f('int close(int fd)'),
    dup: f('int dup(int fd)'),
    fcntl: f('int fcntl(int fd, int cmd, ...)'),
    getpid: f('int getpid()'),
    read: f('intptr_t read(int fd, _Out_ uint8_t *buf, size_t count)'),
    write: f('intptr_t write(int fd, const uint8_t *buf, size_t count)'),
    open: f('int open(const char *path, int flags, ...)'),
    // Declared with its third argument, not as variadic: the int* FIONREAD writes (same calling convention
    // for integers and pointers on x86-64 and aarch64 Linux).
    ioctl_int: f('int ioctl(int fd, unsigned long request, _Out_ int *arg)'),
  } as Bindings;
  return bound;
}

/** Wraps a call that returns -1 and sets errno. */
function sys(result: number): Sys<number> {
  return result < 0 ? { ok: false, errno: koffi.errno() } : { ok: true, value: result };
}

// ---- posix_spawn ------------------------------------------------------------------------------------

/** One file action, applied in order in the child before execve. */
export type FileAction =
  | { op: 'dup2'; from: number; to: number }
  | { op: 'open'; fd: number; path: string; flags: number; mode: number }
  | { op: 'close'; fd: number }
  | { op: 'closefrom'; lowest: number };

/** posix_spawnattr flag sets are immutable once built, so each distinct one is built once and kept. */
const attrCache = new Map<string, Buffer>();

function spawnAttr(setsid: boolean, ignoreSigpipe: boolean): Buffer {
  const key = `${setsid}/${ignoreSigpipe}`;
  const cached = attrCache.get(key);
  if (cached) return cached;
  const b = bindings();
  const attr = Buffer.alloc(SPAWNATTR_SIZE);
  const all = Buffer.alloc(SIGSET_SIZE);
  const none = Buffer.alloc(SIGSET_SIZE);
  b.posix_spawnattr_init(attr);
  b.sigfillset(all);
  // glibc's sigfillset leaves out its reserved signals 32 and 33 (bits 31 and 32 of the little-endian mask),
  // and its posix_spawn then sets them to SIG_IGN in the child, which survives exec. Under systemd a
  // service gets SIG_DFL for them, so they go into the set by hand (sigaddset refuses them too).
  all[3] |= 0x80;
  all[4] |= 0x01;
  // IgnoreSIGPIPE=: SIGPIPE (bit 12) left out of the reset keeps the SIG_IGN Node set for it at start-up.
  if (ignoreSigpipe) all[1]! &= ~0x10;
  b.sigemptyset(none);
  // Node ignores SIGPIPE and SIGXFSZ and blocks nothing we want kept: every signal goes back to SIG_DFL and
  // the mask is emptied, as a service expects after exec from a fresh init.
  let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (setsid) flags |= POSIX_SPAWN_SETSID;
  b.posix_spawnattr_setflags(attr, flags);
  b.posix_spawnattr_setsigdefault(attr, all);
  b.posix_spawnattr_setsigmask(attr, none);
  attrCache.set(key, attr);
  return attr;
}

function addAction(fa: Buffer, a: FileAction): number {
  const b = bindings();
  switch (a.op) {
    case 'dup2':
      return b.posix_spawn_file_actions_adddup2(fa, a.from, a.to);
    case 'open':
      return b.posix_spawn_file_actions_addopen(fa, a.fd, a.path, a.flags, a.mode);
    case 'close':
      return b.posix_spawn_file_actions_addclose(fa, a.fd);
    case 'closefrom':
      return b.posix_spawn_file_actions_addclosefrom_np?.(fa, a.lowest) ?? ENOSYS;
  }
}

const ENOSYS = 38;

export interface PosixSpawnRequest {
  path: string;
  /** The full argv, argv[0] included. */
  argv: readonly string[];
  /** "K=V" strings. */
  env: readonly string[];
  actions: readonly FileAction[];
  /** POSIX_SPAWN_SETSID: the child starts a new session (and process group). */
  setsid: boolean;
  /** IgnoreSIGPIPE=: the child starts with SIGPIPE ignored instead of at its default action. */
  ignoreSigpipe?: boolean;
}

/**
 * posix_spawn() with signals reset to default and an empty mask. glibc creates the child with
 * CLONE_VFORK, so this returns only after the child has called execve: an exec failure (or a failed file
 * action) comes back here as an errno, and glibc has already reaped that child.
 */
export function posixSpawn(req: PosixSpawnRequest): Sys<number> {
  const b = bindings();
  const fa = Buffer.alloc(FILE_ACTIONS_SIZE);
  const init = b.posix_spawn_file_actions_init(fa);
  if (init !== 0) return { ok: false, errno: init };
  try {
    for (const a of req.actions) {
      const r = addAction(fa, a);
      if (r !== 0) return { ok: false, errno: r };
    }
    const pid = [0];
    const r = b.posix_spawn(
      pid,
      req.path,
      fa,
      spawnAttr(req.setsid, req.ignoreSigpipe === true),
      [...req.argv, null],
      [...req.env, null],
    );
    return r === 0 ? { ok: true, value: pid[0] } : { ok: false, errno: r };
  } finally {
    b.posix_spawn_file_actions_destroy(fa);
  }
}

// ---- processes ----------------------------------------------------------------------------------------

/** waitpid() result: nothing to reap yet (WNOHANG returned 0), or a pid and its raw wait status. */
export type WaitResult = { kind: 'none' } | { kind: 'reaped'; pid: number; status: number };

export function waitpid(pid: number, options: number): Sys<WaitResult> {
  const b = bindings();
  const status = [0];
  const r = b.waitpid(pid, status, options);
  if (r < 0) return { ok: false, errno: koffi.errno() };
  return { ok: true, value: r === 0 ? { kind: 'none' } : { kind: 'reaped', pid: r, status: status[0] } };
}

export function kill(pid: number, signal: number): Sys<number> {
  return sys(bindings().kill(pid, signal));
}

export function getpid(): number {
  return bindings().getpid();
}

/** Orphaned descendants are reparented to us instead of PID 1, so the reaper sees them exit. */
export function setChildSubreaper(on: boolean): Sys<number> {
  return sys(bindings().prctl(PR_SET_CHILD_SUBREAPER, 'unsigned long', on ? 1 : 0));
}

export function isChildSubreaper(): Sys<boolean> {
  const out = [0];
  const r = sys(bindings().prctl(PR_GET_CHILD_SUBREAPER, '_Out_ int *', out));
  return r.ok ? { ok: true, value: out[0] !== 0 } : r;
}

// ---- file descriptors ---------------------------------------------------------------------------------

export function pipe2(flags: number): Sys<{ read: number; write: number }> {
  const fds = [-1, -1];
  const r = sys(bindings().pipe2(fds, flags));
  return r.ok ? { ok: true, value: { read: fds[0], write: fds[1] } } : r;
}

export function close(fd: number): Sys<number> {
  return sys(bindings().close(fd));
}

export function dup(fd: number): Sys<number> {
  return sys(bindings().dup(fd));
}

export function fcntlGet(fd: number, cmd: typeof F_GETFD | typeof F_GETFL): Sys<number> {
  return sys(bindings().fcntl(fd, cmd));
}

export function fcntlSet(fd: number, cmd: typeof F_SETFD | typeof F_SETFL, value: number): Sys<number> {
  return sys(bindings().fcntl(fd, cmd, 'int', value));
}

/** open(2); returns the fd. `mode` matters only with O_CREAT. */
export function open(path: string, flags: number, mode = 0): Sys<number> {
  return sys(bindings().open(path, flags, 'uint32_t', mode));
}

const FIONREAD = 0x541b;

/** ioctl(FIONREAD): the bytes waiting to be read from a pipe or socket. */
export function bytesWaiting(fd: number): Sys<number> {
  const n = [0];
  const r = sys(bindings().ioctl_int(fd, FIONREAD, n));
  return r.ok ? { ok: true, value: n[0]! } : r;
}

/** read(2) into `buf`; returns the byte count (0 = EOF). */
export function read(fd: number, buf: Buffer): Sys<number> {
  return sys(bindings().read(fd, buf, buf.length));
}

export function write(fd: number, buf: Buffer): Sys<number> {
  return sys(bindings().write(fd, buf, buf.length));
}
