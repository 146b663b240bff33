import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { alive, fileContent, Rsd } from '../boot/harness';
import { cgroupDirOf, ctl, NO_BOOT_MOUNTS, outsideContainer } from './pid1-helpers';

/*
 * The end of rsd as an init: after the units, a sweep of every process left (SIGTERM, DefaultTimeoutStopSec=,
 * SIGKILL); then exit in a container, or reboot(2) outside one (which in a PID namespace ends the namespace
 * with SIGINT for halt/poweroff and SIGHUP for reboot, pid_namespaces(7)).
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
const strayCgroups: string[] = [];
beforeEach(() => {
  tree = new TmpTree();
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  for (const cg of strayCgroups.splice(0)) {
    try {
      rmdirSync(cg);
    } catch {
      // still busy: the test already failed on it
    }
  }
  tree.cleanup();
});

function units(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) tree.write(`units/${name}`, text);
  return tree.path('units');
}

/** A cgroup beside the test's own, outside any unit's: where the stray process hides. */
function strayCgroup(): string {
  const own = cgroupDirOf(process.pid);
  if (own === null) throw new Error('no cgroup2 hierarchy');
  const cg = join(own, `rsd-stray-${Math.random().toString(16).slice(2, 10)}`);
  mkdirSync(cg);
  strayCgroups.push(cg);
  return cg;
}

/**
 * A service whose double-forked grandchild ignores SIGTERM and moves itself out of the unit's cgroup:
 * stopping the unit cannot reach it, only the final sweep can.
 */
function strayService(cg: string, pidFile: string): string {
  const script = tree.write(
    'stray.sh',
    `#!/bin/sh\n( sh -c 'trap "" TERM; echo $$ > ${cg}/cgroup.procs; echo $$ > ${pidFile}; exec sleep 1000' & )\nexec sleep 1000\n`,
  );
  return `[Service]\nExecStart=/bin/sh ${script}\n`;
}

/** An empty directory for outsideContainer()'s private tmpfs. */
function scratch(name: string): string {
  const p = tree.path(name);
  mkdirSync(p, { recursive: true });
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exitWithin(r: Rsd, ms: number): Promise<number | null | 'timeout'> {
  const t = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), ms).unref());
  return Promise.race([r.exited, t]);
}

describe('final sweep', () => {
  it('as PID 1: a stray process outside every unit cgroup that ignores SIGTERM is SIGKILLed after DefaultTimeoutStopSec=, and rsd exits 0', async () => {
    const cg = strayCgroup();
    const pidFile = tree.path('stray.pid');
    const conf = tree.write('rsd.conf', '[Manager]\nDefaultTimeoutStopSec=2s\n');
    const dir = units({
      'test.target': '[Unit]\nWants=stray.service\n',
      'stray.service': strayService(cg, pidFile),
    });
    rsd = Rsd.start(dir, { unit: 'test.target', pidNamespace: true, config: conf });
    await rsd.waitFor(/Startup finished/);
    const stray = rsd.globalPid(Number(await fileContent(pidFile)));
    expect(stray).toBeGreaterThan(0);
    expect(readFileSync(join(cg, 'cgroup.procs'), 'utf8').trim()).toBe(String(stray));
    const t0 = Date.now();
    process.kill(rsd.pid(), 'SIGTERM');
    const code = await exitWithin(rsd, 30_000);
    expect({ code, log: code === 0 ? '' : rsd.log }).toEqual({ code: 0, log: '' });
    // It waited for the stray (DefaultTimeoutStopSec=2s), then killed it: well before 90 s.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(alive(stray)).toBe(false);
    const lines = rsd.lines;
    const stopped = lines.findIndex((l) => /Stopped stray\.service|stray\.service: Stopped/.test(l));
    const term = lines.findIndex((l) => /Sending SIGTERM to remaining processes/.test(l));
    const killed = lines.findIndex((l) => /Sending SIGKILL to remaining processes/.test(l));
    expect({ stopped: stopped >= 0, term: term > stopped, killed: killed > term }).toEqual({
      stopped: true,
      term: true,
      killed: true,
    });
    expect(lines[lines.length - 1]).toMatch(/All units stopped\. Exiting\./);
  }, 60_000);

  it('not PID 1: the sweep kills rsd’s own stray descendants and nothing else', async () => {
    const cg = strayCgroup();
    const pidFile = tree.path('stray.pid');
    const conf = tree.write('rsd.conf', '[Manager]\nDefaultTimeoutStopSec=1s\n');
    const dir = units({
      'test.target': '[Unit]\nWants=stray.service\n',
      'stray.service': strayService(cg, pidFile),
    });
    // A process of ours (not rsd's) in the same kind of cgroup: the sweep must leave it alone.
    const bystander = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      rsd = Rsd.start(dir, { unit: 'test.target', config: conf });
      await rsd.waitFor(/Startup finished/);
      const stray = Number(await fileContent(pidFile));
      expect(alive(stray)).toBe(true);
      expect(await rsd.stop(30_000)).toBe(0);
      expect(alive(stray)).toBe(false);
      expect(rsd.log).toMatch(/Sending SIGKILL to remaining processes \(1\)/);
      expect(alive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 60_000);
});

describe('reboot(2) as an init outside a container', () => {
  const cases: Array<[string, NodeJS.Signals, number]> = [
    ['SIGRTMIN+4 (poweroff)', 'SIGINT', 38],
    ['SIGRTMIN+5 (reboot)', 'SIGHUP', 39],
    ['SIGTERM (halt)', 'SIGINT', 15],
  ];
  it.each(cases)(
    '%s: rsd calls reboot(2) and the kernel ends its PID namespace with %s',
    async (_what, expected, sig) => {
      const conf = tree.write('rsd.conf', NO_BOOT_MOUNTS);
      const dir = units({
        'test.target': '[Unit]\nWants=a.service\n',
        'a.service': '[Service]\nExecStart=/bin/sleep 1000\n',
      });
      rsd = Rsd.start(dir, {
        unit: 'test.target',
        pidNamespace: true,
        container: false,
        unshare: ['--uts'],
        config: conf,
        wrap: outsideContainer(scratch('scratch')),
      });
      await rsd.waitFor(/Startup finished/);
      process.kill(rsd.pid(), sig);
      const code = await exitWithin(rsd, 30_000);
      // Only the kernel's reboot(2) in a PID namespace kills its init with this signal (rsd handles SIGINT
      // itself), and unshare passes the init's end on.
      expect({ code, signal: rsd.signal }).toEqual({ code: null, signal: expected });
      expect(rsd.log).toMatch(/a\.service: Stopped|Stopped a\.service/);
      expect(rsd.log).not.toMatch(/Exiting\./);
    },
    60_000,
  );

  it('rsdctl exit 3 outside a container is a poweroff; in one it is exit status 3', async () => {
    const conf = tree.write('rsd.conf', NO_BOOT_MOUNTS);
    const dir = units({ 'test.target': '[Unit]\n' });
    for (const container of [false, true]) {
      const r = Rsd.start(dir, {
        unit: 'test.target',
        pidNamespace: true,
        container,
        unshare: ['--uts'],
        config: conf,
        wrap: outsideContainer(scratch(`scratch-${container}`)),
      });
      rsd = r;
      await r.waitFor(/Listening for control requests/);
      expect(ctl(r.socket, 'exit', '3').code).toBe(0);
      const code = await exitWithin(r, 30_000);
      expect({ container, code, signal: r.signal }).toEqual(
        container ? { container, code: 3, signal: null } : { container, code: null, signal: 'SIGINT' },
      );
      r.kill();
      await sleep(10);
    }
  }, 60_000);
});
