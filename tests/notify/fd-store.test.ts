import { openSync, readlinkSync } from 'node:fs';
import { close, O_CLOEXEC, O_NONBLOCK, pipe2, write } from '../../src/native/libc';
import { FdStore } from '../../src/notify/fd-store';

/* The fd store with real pipes and files: what it keeps, what it closes, what a hang-up removes. */
function pipe(): { read: number; write: number } {
  const p = pipe2(O_CLOEXEC | O_NONBLOCK);
  if (!p.ok) throw new Error(`pipe2: errno ${p.errno}`);
  return p.value;
}

const isOpen = (fd: number): boolean => {
  try {
    readlinkSync(`/proc/self/fd/${fd}`);
    return true;
  } catch {
    return false;
  }
};

const until = async (what: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
};

test('keeps up to the maximum and says so for the rest, which the caller closes', () => {
  const lines: string[] = [];
  const store = new FdStore((m) => lines.push(m));
  const pipes = [pipe(), pipe(), pipe()];
  const kept = store.add(
    pipes.map((p) => p.read),
    'x',
    false,
    2,
  );
  expect(kept).toEqual([pipes[0]!.read, pipes[1]!.read]);
  expect(lines).toEqual(['FileDescriptorStoreMax=2 reached: 1 fds closed.']);
  expect(store.add([pipes[2]!.read], 'y', false, 2)).toEqual([]);
  expect(lines[1]).toBe('Attempted to store 1 fds, but FileDescriptorStoreMax=2 is reached; closing them.');
  store.clear();
  expect(isOpen(pipes[0]!.read)).toBe(false);
  for (const p of pipes) close(p.write);
  close(pipes[2]!.read);
});

test('drops a polled fd when its pipe hangs up, not while it is merely readable; FDPOLL=0 keeps it', async () => {
  const lines: string[] = [];
  const store = new FdStore((m) => lines.push(m));
  const polled = pipe();
  const unpolled = pipe();
  store.add([polled.read], 'polled', true, 10);
  store.add([unpolled.read], 'unpolled', false, 10);
  write(polled.write, Buffer.from('data'));
  await new Promise((r) => setTimeout(r, 50));
  expect(store.list().map((f) => f.name)).toEqual(['polled', 'unpolled']);
  close(polled.write);
  close(unpolled.write);
  await until(() => store.size === 1);
  expect(store.list()).toEqual([{ fd: unpolled.read, name: 'unpolled' }]);
  expect(isOpen(polled.read)).toBe(false);
  expect(lines).toEqual(["Stored fd 'polled' got POLLHUP or POLLERR; removing it from the store."]);
  store.clear();
});

test('keeps a regular file, which cannot be polled, and FDSTOREREMOVE drops by name', () => {
  const store = new FdStore(() => undefined);
  const file = openSync('/etc/hostname', 'r');
  const p = pipe();
  store.add([file], 'file', true, 10);
  store.add([p.read], 'pipe', true, 10);
  expect(store.size).toBe(2);
  store.remove('pipe');
  expect(store.list()).toEqual([{ fd: file, name: 'file' }]);
  expect(isOpen(p.read)).toBe(false);
  store.clear();
  expect(isOpen(file)).toBe(false);
  close(p.write);
});
