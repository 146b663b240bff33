import { SignalWatcher } from '../../src/native/uv-signal';

const SIGUSR2 = 12;

test('a libuv signal handle hears the signal even though jest gives tests a copy of process', async () => {
  let count = 0;
  const heard = new Promise<void>((resolve) => {
    const w = new SignalWatcher(SIGUSR2, () => {
      count++;
      w.close();
      resolve();
    });
    w.ref();
  });
  process.kill(process.pid, 'SIGUSR2');
  await heard;
  expect(count).toBe(1);
});

test('two handles on the same signal both hear it', async () => {
  const a = new Promise<void>((resolve) => {
    const w = new SignalWatcher(SIGUSR2, () => (w.close(), resolve()));
  });
  const b = new Promise<void>((resolve) => {
    const w = new SignalWatcher(SIGUSR2, () => (w.close(), resolve()));
  });
  process.kill(process.pid, 'SIGUSR2');
  await Promise.all([a, b]);
});
