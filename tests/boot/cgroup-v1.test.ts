import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { alive, fileContent, perTestRsd } from './harness';

/*
 * Without a writable cgroup v2, rsd tracks units in a cgroup v1 hierarchy (systemd's name=systemd here).
 * Each test runs rsd in a private mount namespace with every cgroup2 mount unmounted, as on a v1-only host.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const NO_CGROUP2 = `for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do umount "$m"; done`;

const v1Mount = readFileSync('/proc/mounts', 'utf8')
  .split('\n')
  .map((l) => l.split(' '))
  .find((f) => f[2] === 'cgroup' && f[3]?.split(',').includes('name=systemd'))?.[1];
const ownV1 = /^\d+:name=systemd:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
const maybe = v1Mount ? describe : describe.skip;
if (!v1Mount) console.warn('no name=systemd cgroup v1 hierarchy on this machine: skipping the v1 tests');

const s = perTestRsd();
const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8' });

/** The v1 cgroup directory of the unit that `pid` is in, or null. */
function v1CgroupOf(pid: number): string | null {
  const line = /^\d+:name=systemd:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  return line ? `${v1Mount}${line[1]}` : null;
}

/** Whatever a failed test left in rsd's v1 subtree: killed and removed. */
function cleanV1(subtreeDir: string): void {
  if (!existsSync(subtreeDir)) return;
  for (const e of readdirSync(subtreeDir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const dir = join(subtreeDir, e.name);
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
      spawnSync('kill', ['-9', pid]);
    try {
      rmdirSync(dir);
    } catch {
      // busy for a moment after the kill
    }
  }
  try {
    rmdirSync(subtreeDir);
  } catch {
    // as above
  }
}

maybe('on a cgroup v1 hierarchy', () => {
  let subtreeDir = '';
  afterEach(() => {
    if (subtreeDir) cleanV1(subtreeDir);
  });

  it('says which hierarchy it uses, puts a double-forked grandchild in the unit cgroup, and kills it on stop', async () => {
    const pidFile = s.tree.path('grandchild.pid');
    const rsd = s.boot(
      {
        'test.target': '[Unit]\nWants=forker.service\n',
        'forker.service': `[Service]\nExecStart=/bin/sh -c '(setsid sh -c "echo \\$\\$ > ${pidFile}; exec sleep 1000" &) ; exec sleep 1000'\n`,
      },
      { mountNamespace: NO_CGROUP2 },
    );
    const line = await rsd.waitFor(/Using the cgroup v1 hierarchy name=systemd at (\S+) /);
    subtreeDir = /at (\S+) /.exec(line)![1]!;
    expect(subtreeDir.startsWith(`${v1Mount}${ownV1 === '/' ? '' : ownV1}/`)).toBe(true);
    await rsd.waitFor(/Startup finished/);

    const grandchild = Number((await fileContent(pidFile)).trim());
    const unitDir = join(subtreeDir, 'forker.service');
    expect(v1CgroupOf(grandchild)).toBe(unitDir);
    expect(ctl('show', 'forker.service', '-p', 'ControlGroup', '--value').stdout.trim()).toBe(unitDir);

    // The stop must reach the grandchild (not rsd's child, and in a session of its own) and see the
    // cgroup empty without cgroup.events: the unit reaches inactive, and its directory goes.
    expect(ctl('stop', 'forker.service').status).toBe(0);
    expect(ctl('is-active', 'forker.service').stdout.trim()).toBe('inactive');
    expect(alive(grandchild)).toBe(false);
    expect(existsSync(unitDir)).toBe(false);
    expect(await rsd.stop()).toBe(0);
    expect(existsSync(subtreeDir)).toBe(false);
  });

  it('SIGKILLs what ignores SIGTERM in the cgroup after TimeoutStopSec=, forks included', async () => {
    const pidFile = s.tree.path('stubborn.pid');
    // A grandchild that ignores SIGTERM, and whose parent keeps forking more of them.
    const rsd = s.boot(
      {
        'test.target': '[Unit]\nWants=stubborn.service\n',
        'stubborn.service':
          `[Service]\nTimeoutStopSec=1\nExecStart=/bin/sh -c '(trap "" TERM; echo \\$\\$ > ${pidFile}; ` +
          `while :; do sleep 0.2 & wait; done) & exec sleep 1000'\n`,
      },
      { mountNamespace: NO_CGROUP2 },
    );
    const line = await rsd.waitFor(/Using the cgroup v1 hierarchy name=systemd at (\S+) /);
    subtreeDir = /at (\S+) /.exec(line)![1]!;
    const stubborn = Number((await fileContent(pidFile)).trim());
    expect(ctl('stop', 'stubborn.service').status).toBe(0);
    await rsd.waitFor(/stubborn\.service: State 'stop-sigterm' timed out\. Killing\./);
    // As systemd: a stop that had to kill ends the unit failed, with Result=timeout.
    expect(ctl('is-active', 'stubborn.service').stdout.trim()).toBe('failed');
    expect(ctl('show', 'stubborn.service', '-p', 'Result', '--value').stdout.trim()).toBe('timeout');
    expect(alive(stubborn)).toBe(false);
    expect(existsSync(join(subtreeDir, 'stubborn.service'))).toBe(false);
  });
});
