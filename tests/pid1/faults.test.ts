import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import { fileContent, freshTreeEachTest, Rsd } from '../boot/harness';
import { ctl, nsPid } from './pid1-helpers';
import { takeReexecState } from '../../src/pid1/reexec';

/*
 * Never exit by accident: RSD_FAULT makes chosen internal operations throw. For each, rsd (PID 1 of a PID
 * namespace) keeps running and serving rsdctl, and the operation that raised fails visibly: a log line with
 * the stack, and its unit failed where there is one. A manager beyond repair re-executes itself in place.
 */
let tree: TmpTree;
freshTreeEachTest((t) => (tree = t));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bounded wait for `f` to hold (a unit reaching a state on its own). */
async function until(f: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (f()) return true;
    await sleep(100);
  }
  return f();
}

const OTHER = `[Service]\nExecStart=/bin/sleep 1000\n`;

async function boot(fault: string, extra: Record<string, string>, wants: string[] = []): Promise<Rsd> {
  tree.write('units/test.target', `[Unit]\nWants=other.service ${wants.join(' ')}\n`);
  tree.write('units/other.service', OTHER);
  for (const [name, text] of Object.entries(extra)) tree.write(`units/${name}`, text);
  const r = Rsd.start(tree.path('units'), {
    unit: 'test.target',
    pidNamespace: true,
    env: { RSD_FAULT: fault },
  });
  await r.waitFor(/Startup finished/);
  await r.waitFor(/Listening for control requests/);
  return r;
}

const state = (r: Rsd, unit: string): string => ctl(r.socket, 'is-active', unit).out.trim();

/** What every case ends with: rsd alive, answering is-active about another unit and list-units. */
function stillServing(r: Rsd): void {
  expect({ other: state(r, 'other.service'), list: ctl(r.socket, 'list-units').out }).toEqual({
    other: 'active',
    list: expect.stringContaining('other.service'),
  });
  expect(nsPid(r.pid())).toBe(1);
}

/** The injected fault was logged with its stack (the line after the message is a stack frame). */
async function loggedWithStack(r: Rsd, point: string): Promise<void> {
  await r.waitFor(new RegExp(`InjectedFault: injected fault at ${point}`));
  expect(r.log).toMatch(new RegExp(`InjectedFault: injected fault at ${point}[^\\n]*\\n\\s+at `));
}

describe('fault injection: rsd as PID 1 survives', () => {
  it.each(['load', 'transaction'])(
    '%s: starting the unit fails with an error, nothing else',
    async (point) => {
      const r = await boot(`${point}:victim.service`, { 'victim.service': OTHER });
      const start = ctl(r.socket, 'start', 'victim.service');
      expect({ code: start.code === 0, err: start.err }).toEqual({
        code: false,
        err: expect.stringMatching(/injected fault/),
      });
      expect(state(r, 'victim.service')).toBe('inactive');
      // A unit that could not be loaded says so (until daemon-reload), as one with a bad file does.
      if (point === 'load')
        expect(ctl(r.socket, 'show', 'victim.service', '-p', 'LoadState').out).toMatch(/error/);
      await loggedWithStack(r, point);
      stillServing(r);
    },
    60_000,
  );

  it('job: the start job fails and the unit is failed (resources)', async () => {
    const r = await boot('job:victim.service', { 'victim.service': OTHER });
    expect(ctl(r.socket, 'start', 'victim.service').code).not.toBe(0);
    expect(state(r, 'victim.service')).toBe('failed');
    expect(ctl(r.socket, 'show', 'victim.service', '-p', 'Result').out).toMatch(/resources/);
    await loggedWithStack(r, 'job');
    stillServing(r);
  }, 60_000);

  it('spawn: the unit whose program cannot be spawned fails', async () => {
    const r = await boot('spawn:/bin/true', {
      'victim.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
    });
    expect(ctl(r.socket, 'start', 'victim.service').code).not.toBe(0);
    expect(state(r, 'victim.service')).toBe('failed');
    await loggedWithStack(r, 'spawn');
    stillServing(r);
  }, 60_000);

  it('reaper callback: the exit is lost for that unit (its start times out and fails), rsd goes on', async () => {
    const r = await boot('reaper', {
      'victim.service': '[Service]\nType=oneshot\nTimeoutSec=1\nExecStart=/bin/true\n',
    });
    expect(ctl(r.socket, 'start', 'victim.service').code).not.toBe(0);
    // Its stop cannot see the exit either: TimeoutStopSec=, SIGKILL, another TimeoutStopSec=, failed.
    expect(await until(() => state(r, 'victim.service') === 'failed')).toBe(true);
    await loggedWithStack(r, 'reaper');
    await r.waitFor(/Internal error \(uncaught exception, continuing\)/);
    stillServing(r);
  }, 60_000);

  it('notify message: READY=1 is lost, the Type=notify unit times out and fails', async () => {
    const py = tree.write(
      'notify.py',
      "import os, socket, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.connect(os.environ['NOTIFY_SOCKET'])\ns.send(b'READY=1')\ntime.sleep(1000)\n",
    );
    const r = await boot('notify', {
      'victim.service': `[Service]\nType=notify\nTimeoutStartSec=2\nExecStart=/usr/bin/python3 ${py}\n`,
    });
    expect(ctl(r.socket, 'start', 'victim.service').code).not.toBe(0);
    expect(state(r, 'victim.service')).toBe('failed');
    await loggedWithStack(r, 'notify');
    await r.waitFor(/Internal error in notification from PID \d+/);
    stillServing(r);
  }, 60_000);

  it('socket activation: the socket fails (resources) instead of starting its service', async () => {
    const path = tree.path('victim.sock');
    const r = await boot(
      'socket-activation:victim.socket',
      {
        'victim.socket': `[Socket]\nListenStream=${path}\n`,
        'victim.service': '[Service]\nExecStart=/bin/sleep 1000\n',
      },
      ['victim.socket'],
    );
    expect(state(r, 'victim.socket')).toBe('active');
    const c = connect(path);
    c.on('error', () => undefined);
    expect(await until(() => state(r, 'victim.socket') === 'failed')).toBe(true);
    c.destroy();
    expect(state(r, 'victim.service')).toBe('inactive');
    await loggedWithStack(r, 'socket-activation');
    stillServing(r);
  }, 60_000);

  it('control method dispatch: that method answers an error, the others work', async () => {
    const r = await boot('control:ListJobs', {});
    const l = ctl(r.socket, 'list-jobs');
    expect({ ok: l.code === 0, err: l.err }).toEqual({
      ok: false,
      err: expect.stringMatching(/injected fault/),
    });
    await loggedWithStack(r, 'control');
    stillServing(r);
  }, 60_000);

  it('daemon-reload (rsdctl and SIGHUP): the reload fails, the old units stay loaded and running', async () => {
    const r = await boot('reload', {});
    expect(ctl(r.socket, 'daemon-reload').code).not.toBe(0);
    process.kill(r.pid(), 'SIGHUP');
    await r.waitFor(
      /Internal error \(uncaught exception, continuing\): InjectedFault: injected fault at reload/,
    );
    await loggedWithStack(r, 'reload');
    stillServing(r);
  }, 60_000);

  it('a timer firing (Restart= timer): the unit fails (resources) instead of restarting', async () => {
    const r = await boot(
      'timer:victim.service',
      { 'victim.service': "[Service]\nRestart=always\nRestartSec=200ms\nExecStart=/bin/sh -c 'exit 1'\n" },
      ['victim.service'],
    );
    expect(await until(() => state(r, 'victim.service') === 'failed')).toBe(true);
    expect(ctl(r.socket, 'show', 'victim.service', '-p', 'Result').out).toMatch(/resources/);
    await loggedWithStack(r, 'timer');
    stillServing(r);
  }, 60_000);
});

describe('beyond repair: rsd re-executes itself, still PID 1', () => {
  it('a failed invariant check re-executes rsd in place; it brings the units back and serves rsdctl', async () => {
    const pidFile = tree.path('other.pid');
    tree.write('units/test.target', '[Unit]\nWants=other.service\n');
    tree.write(
      'units/other.service',
      `[Service]\nExecStart=/bin/sh -c 'echo $$$$ >> ${pidFile}; exec sleep 1000'\n`,
    );
    const r = Rsd.start(tree.path('units'), {
      unit: 'test.target',
      pidNamespace: true,
      env: { RSD_FAULT: 'invariant' },
    });
    // rsd has logged: unshare has forked it, so pid() is rsd's own, not unshare's.
    await r.waitFor(/Fault injection armed/);
    const pid = r.pid();
    await r.waitFor(/beyond repair \(invariant check failed: injected fault at invariant\)/);
    await r.waitFor(/Re-executed; bringing back \d+ units\./);
    await r.waitFor(/Startup finished/);
    await r.waitFor(/Listening for control requests/);
    // The same process (pid unchanged, still PID 1 of its namespace), running a fresh image of rsd.
    expect(r.pid()).toBe(pid);
    expect(nsPid(pid)).toBe(1);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toMatch(/rsd\.js/);
    // The re-executed rsd runs without the injected fault: it does not loop.
    expect(r.lines.filter((l) => /beyond repair/.test(l)).length).toBe(1);
    stillServing(r);
    expect((await fileContent(pidFile)).trim().split('\n').length).toBeGreaterThanOrEqual(1);
    expect(await r.stop(30_000)).toBe(0);
  }, 60_000);

  it('exceptions escaping to the event loop again and again (a burst of failing reaper callbacks) end in a re-exec', async () => {
    tree.write('units/test.target', '[Unit]\nWants=other.service storm.service\n');
    tree.write('units/other.service', OTHER);
    // 40 orphans in a row, each reap throwing (RSD_FAULT=reaper): more than 10 escapes within a second.
    tree.write(
      'units/storm.service',
      "[Service]\nExecStart=/bin/sh -c 'sleep 1; for i in $(seq 40); do (true &) ; done; exec sleep 1000'\n",
    );
    const r = Rsd.start(tree.path('units'), {
      unit: 'test.target',
      pidNamespace: true,
      env: { RSD_FAULT: 'reaper' },
    });
    // rsd has logged: unshare has forked it, so pid() is rsd's own, not unshare's.
    await r.waitFor(/Fault injection armed/);
    const pid = r.pid();
    await r.waitFor(/beyond repair \(10 internal errors in a row\)/);
    await r.waitFor(/Re-executed; bringing back \d+ units\./);
    await r.waitFor(/Listening for control requests/);
    await until(() => state(r, 'other.service') === 'active');
    expect(r.pid()).toBe(pid);
    stillServing(r);
    expect(await r.stop(30_000)).toBe(0);
  }, 60_000);
});

describe('what a re-executed rsd is handed', () => {
  it('the units to bring back and what early boot mounted, taken out of the environment', () => {
    process.env.RSD_REEXEC_UNITS = 'a.service,b.socket';
    process.env.RSD_REEXEC_MOUNTS = '/proc:/run';
    expect(takeReexecState()).toEqual({ units: ['a.service', 'b.socket'], mounted: ['/proc', '/run'] });
    expect([process.env.RSD_REEXEC_UNITS, process.env.RSD_REEXEC_MOUNTS]).toEqual([undefined, undefined]);
    expect(takeReexecState()).toBeNull();
  });
});
