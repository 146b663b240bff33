import { close, O_CLOEXEC, O_NONBLOCK, pipe2, read, write } from '../../src/native/libc';
import { FdWatcher, type PollEvent } from '../../src/native/uv-poll';

function pipe(): { read: number; write: number } {
  const p = pipe2(O_CLOEXEC | O_NONBLOCK);
  if (!p.ok) throw new Error(`pipe2: errno ${p.errno}`);
  return p.value;
}

/** Resolves with the next event, draining whatever is readable so a level-triggered watcher goes quiet. */
function nextEvent(events: PollEvent[], fd: number): Promise<{ event: PollEvent; data: string }> {
  return new Promise((resolve) => {
    const waiting = setImmediate(function check() {
      const event = events.shift();
      if (!event) return void (waitingRef.t = setImmediate(check));
      const buf = Buffer.alloc(64);
      const n = read(fd, buf);
      resolve({ event, data: n.ok ? buf.subarray(0, n.value).toString() : `errno ${n.errno}` });
    });
    const waitingRef = { t: waiting };
  });
}

test('calls back on the main thread when a pipe becomes readable, and at hangup', async () => {
  const p = pipe();
  const got: string[] = [];
  const done = new Promise<void>((resolve) => {
    const buf = Buffer.alloc(64);
    const w = new FdWatcher(p.read, (ev) => {
      expect(ev.kind).toBe('readable');
      const n = read(p.read, buf);
      if (!n.ok) return;
      if (n.value === 0) {
        expect(ev).toEqual({ kind: 'readable', hangup: true });
        w.close();
        return resolve();
      }
      got.push(buf.subarray(0, n.value).toString());
      if (got.length === 1) write(p.write, Buffer.from('second'));
      else close(p.write);
    });
    expect(w.active).toBe(true);
  });
  write(p.write, Buffer.from('first'));
  await done;
  close(p.read);
  expect(got).toEqual(['first', 'second']);
});

test('a stopped watcher hears nothing until started again; close is final and idempotent', async () => {
  const p = pipe();
  const events: PollEvent[] = [];
  const w = new FdWatcher(p.read, (ev) => events.push(ev));
  w.stop();
  expect(w.active).toBe(false);
  write(p.write, Buffer.from('x'));
  // Several loop turns pass with data waiting: a stopped watcher must stay silent.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(events).toEqual([]);
  w.start();
  const { event, data } = await nextEvent(events, p.read);
  expect(event).toEqual({ kind: 'readable', hangup: false });
  expect(data).toBe('x');
  w.close();
  w.close();
  w.start();
  expect(w.active).toBe(false);
  close(p.read);
  close(p.write);
});

test('many watchers share one trampoline and each gets only its own events', async () => {
  const pipes = Array.from({ length: 50 }, pipe);
  const seen = new Map<number, string>();
  await Promise.all(
    pipes.map(
      (p, i) =>
        new Promise<void>((resolve) => {
          const buf = Buffer.alloc(16);
          const w = new FdWatcher(p.read, () => {
            const n = read(p.read, buf);
            if (!n.ok) return;
            seen.set(i, buf.subarray(0, n.value).toString());
            w.close();
            resolve();
          });
          write(p.write, Buffer.from(String(i)));
        }),
    ),
  );
  pipes.forEach((p, i) => {
    expect(seen.get(i)).toBe(String(i));
    close(p.read);
    close(p.write);
  });
});

test('an fd epoll cannot watch is refused with an error, not a crash', () => {
  expect(() => new FdWatcher(-1, () => undefined)).toThrow(/uv_poll_init/);
});
