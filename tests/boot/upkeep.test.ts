import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { alive, fileContent, perTestRsd } from './harness';

/* Upholds= and StopWhenUnneeded=, acted on while rsd runs (systemd.unit(5)). */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();
const boot = (files: Record<string, string>) => s.boot(files);

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8', timeout: 30_000 });

async function pidOf(path: string, not?: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = (await fileContent(path)).trim();
    if (text !== '' && text !== not) return Number(text);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no new pid in ${path}`);
}

describe('Upholds=', () => {
  it('starts an upheld unit again whenever it is found down, while the upholder is up', async () => {
    const pidFile = s.tree.path('held.pid');
    boot({
      'test.target': '[Unit]\nWants=keeper.service\n',
      'keeper.service': '[Unit]\nUpholds=held.service\n[Service]\nExecStart=/bin/sleep 1000\n',
      'held.service': `[Service]\nRestart=no\nExecStart=/bin/sh -c 'echo $$$$ > ${pidFile}; exec sleep 1000'\n`,
    });
    await s.rsd.waitFor(/Started held\.service/);
    const first = await pidOf(pidFile);
    process.kill(s.rsd.globalPid(first), 'SIGKILL');
    await s.rsd.waitFor(/held\.service: Upheld by keeper\.service but not active, starting\./);
    const second = await pidOf(pidFile, String(first));
    expect(second).not.toBe(first);
    expect(alive(s.rsd.globalPid(second))).toBe(true);
    // Once the upholder is down, nothing brings it back.
    expect(ctl('stop', 'keeper.service').status).toBe(0);
    expect(ctl('stop', 'held.service').status).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(ctl('is-active', 'held.service').stdout).toBe('inactive\n');
  });
});

describe('StopWhenUnneeded=', () => {
  it('stops a unit once no running unit wants it, and only then', async () => {
    boot({
      'test.target': '[Unit]\nWants=a.service b.service\n',
      'a.service': '[Unit]\nWants=shared.service\n[Service]\nExecStart=/bin/sleep 1000\n',
      'b.service': '[Unit]\nWants=shared.service\n[Service]\nExecStart=/bin/sleep 1000\n',
      'shared.service': '[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/bin/sleep 1000\n',
      'plain.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    });
    await s.rsd.waitFor(/Started shared\.service/);
    await s.rsd.waitFor(/Started b\.service/);
    expect(ctl('stop', 'a.service').status).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    // b.service still wants it.
    expect(ctl('is-active', 'shared.service').stdout).toBe('active\n');
    expect(ctl('stop', 'test.target', 'b.service').status).toBe(0);
    await s.rsd.waitFor(/shared\.service: Unit not needed anymore\. Stopping\./);
    await s.rsd.waitFor(/Stopped shared\.service/);
    expect(ctl('is-active', 'shared.service').stdout).toBe('inactive\n');
  });
});

describe('Type=idle', () => {
  it('holds the program back until no job is left waiting', async () => {
    const done = s.tree.path('slow.done');
    const out = s.tree.path('idle.out');
    boot({
      'test.target': '[Unit]\nWants=idle.service slow.service late.service\n',
      'slow.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 1; touch ${done}'\n`,
      'late.service': '[Unit]\nAfter=slow.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
      'idle.service': `[Service]\nType=idle\nExecStart=/bin/sh -c 'if [ -e ${done} ]; then echo after > ${out}; else echo before > ${out}; fi'\n`,
    });
    expect(await fileContent(out)).toBe('after\n');
  });

  it('waits at most 5 s', async () => {
    const done = s.tree.path('slow.done');
    const out = s.tree.path('idle.out');
    boot({
      'test.target': '[Unit]\nWants=idle.service slow.service late.service\n',
      'slow.service': `[Service]\nType=oneshot\nTimeoutStartSec=infinity\nExecStart=/bin/sh -c 'sleep 30; touch ${done}'\n`,
      'late.service': '[Unit]\nAfter=slow.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
      'idle.service': `[Service]\nType=idle\nExecStart=/bin/sh -c 'if [ -e ${done} ]; then echo after > ${out}; else echo before > ${out}; fi'\n`,
    });
    expect(await fileContent(out, 25_000)).toBe('before\n');
  });
});

describe('ordering checked when a job runs', () => {
  it('a waiting job also waits for a job of a later transaction it is ordered after', async () => {
    const log = s.tree.path('order.log');
    boot({
      'test.target': '[Unit]\n',
      'slow.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 1; echo slow >> ${log}'\n`,
      'a.service': `[Unit]\nAfter=slow.service b.service\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo a >> ${log}'\n`,
      'b.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 2; echo b >> ${log}'\n`,
    });
    await s.rsd.waitFor(/Listening for control requests/);
    expect(ctl('start', '--no-block', 'slow.service', 'a.service').status).toBe(0);
    // a.service's job now waits for slow.service's; b.service comes in a transaction of its own.
    expect(ctl('start', '--no-block', 'b.service').status).toBe(0);
    await s.rsd.waitFor(/Finished a\.service|Started a\.service/, 20_000);
    expect((await fileContent(log)).split('\n').filter(Boolean)).toEqual(['slow', 'b', 'a']);
  });
});
