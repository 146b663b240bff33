import { readlinkSync } from 'node:fs';
import {
  close,
  dup,
  F_GETFD,
  F_GETFL,
  fcntlGet,
  FD_CLOEXEC,
  getpid,
  isChildSubreaper,
  kill,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDONLY,
  open,
  pipe2,
  posixSpawn,
  read,
  waitpid,
  WNOHANG,
  write,
} from '../../src/native/libc';

const EBADF = 9;
const ESRCH = 3;
const ECHILD = 10;

test('errno comes back with the failure', () => {
  expect(close(987654)).toEqual({ ok: false, errno: EBADF });
  expect(kill(0x3fffffff, 0)).toEqual({ ok: false, errno: ESRCH });
  expect(waitpid(0x3fffffff, WNOHANG)).toEqual({ ok: false, errno: ECHILD });
});

test('pipe2 flags, dup, fcntl, read/write, open', () => {
  const p = pipe2(O_CLOEXEC | O_NONBLOCK);
  if (!p.ok) throw new Error(String(p.errno));
  expect(fcntlGet(p.value.read, F_GETFD)).toEqual({ ok: true, value: FD_CLOEXEC });
  const fl = fcntlGet(p.value.read, F_GETFL);
  expect(fl.ok && (fl.value & O_NONBLOCK) !== 0).toBe(true);
  const d = dup(p.value.write);
  if (!d.ok) throw new Error(String(d.errno));
  expect(write(d.value, Buffer.from('hey'))).toEqual({ ok: true, value: 3 });
  const buf = Buffer.alloc(8);
  expect(read(p.value.read, buf)).toEqual({ ok: true, value: 3 });
  expect(buf.subarray(0, 3).toString()).toBe('hey');
  expect(read(p.value.read, buf)).toEqual({ ok: false, errno: 11 }); // EAGAIN: empty, non-blocking
  const f = open('/dev/null', O_RDONLY | O_CLOEXEC);
  if (!f.ok) throw new Error(String(f.errno));
  expect(readlinkSync(`/proc/self/fd/${f.value}`)).toBe('/dev/null');
  for (const fd of [p.value.read, p.value.write, d.value, f.value]) expect(close(fd).ok).toBe(true);
});

test('getpid and the subreaper query', () => {
  expect(getpid()).toBe(process.pid);
  expect(isChildSubreaper().ok).toBe(true);
});

test('posix_spawn + waitpid: the child runs, its status comes back, exec errors are synchronous', () => {
  const r = posixSpawn({
    path: '/bin/sh',
    argv: ['sh', '-c', 'exit 9'],
    env: [],
    actions: [],
    setsid: false,
  });
  if (!r.ok) throw new Error(String(r.errno));
  // Blocking wait on our own pid: safe here, no reaper runs in this file.
  expect(waitpid(r.value, 0)).toEqual({ ok: true, value: { kind: 'reaped', pid: r.value, status: 9 << 8 } });
  expect(posixSpawn({ path: '/nonexistent', argv: ['x'], env: [], actions: [], setsid: false })).toEqual({
    ok: false,
    errno: 2,
  });
});
