import type { Socket } from 'node:net';
import { LazyPipeSocket } from '../../src/exec/lazy-pipe-socket';
import { close, F_GETFD, fcntlGet, O_CLOEXEC, pipe2, write } from '../../src/native/libc';

/** A real pipe; the test writes to its write end as a service would. */
function pipe(): { read: number; write: number } {
  const p = pipe2(O_CLOEXEC);
  if (!p.ok) throw new Error(`pipe2: errno ${p.errno}`);
  return p.value;
}

/** Everything the socket reads until the write end closes. */
function readAll(s: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString()));
    s.on('error', reject);
  });
}

const opened = (l: LazyPipeSocket): Promise<Socket> => new Promise((resolve) => l.whenOpen(resolve));

it('what a process wrote before anyone asked is all read, in order', async () => {
  const p = pipe();
  const lazy = new LazyPipeSocket(p.read);
  write(p.write, Buffer.from('first line\n'));
  write(p.write, Buffer.from('second line\n'));
  // The pipe became readable before anyone asked for the socket.
  await new Promise((r) => setTimeout(r, 50));
  const text = readAll(await opened(lazy));
  close(p.write);
  expect(await text).toBe('first line\nsecond line\n');
});

it('output that comes long after the start opens the socket then', async () => {
  const p = pipe();
  const lazy = new LazyPipeSocket(p.read);
  const socket = opened(lazy);
  const before = await Promise.race([socket, new Promise((r) => setTimeout(() => r('not yet'), 50))]);
  expect(before).toBe('not yet');
  write(p.write, Buffer.from('late\n'));
  const text = readAll(await socket);
  close(p.write);
  expect(await text).toBe('late\n');
});

it('a pipe that ends without a word is closed, and never becomes a socket', async () => {
  const p = pipe();
  const lazy = new LazyPipeSocket(p.read);
  let socket: Socket | null = null;
  lazy.whenOpen((s) => (socket = s));
  close(p.write);
  // The read end is closed once the hangup is seen (EBADF from then on).
  for (let i = 0; i < 200 && fcntlGet(p.read, F_GETFD).ok; i++) await new Promise((r) => setTimeout(r, 10));
  expect(fcntlGet(p.read, F_GETFD)).toEqual({ ok: false, errno: 9 });
  expect(socket).toBeNull();
});

it('output left in a pipe whose writer is gone is still read', async () => {
  const p = pipe();
  const lazy = new LazyPipeSocket(p.read);
  write(p.write, Buffer.from('last words\n'));
  close(p.write);
  expect(await readAll(await opened(lazy))).toBe('last words\n');
});
