import { perTestRsd } from './harness';

/* SIGUSR1 and SIGUSR2 (systemd: dump the manager's state) log every unit's state; rsd keeps running. */
const s = perTestRsd();

describe('dump signals', () => {
  it.each(['SIGUSR1', 'SIGUSR2'] as const)('%s logs each unit with its state and result', async (sig) => {
    s.boot({
      'test.target': '[Unit]\nWants=up.service\n',
      'up.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    });
    await s.rsd.waitFor(/Startup finished/);
    process.kill(s.rsd.pid(), sig);
    await s.rsd.waitFor(/up\.service: active \(running\) result=success/);
    await s.rsd.waitFor(/test\.target: active \(active\) result=success/);
  });
});
