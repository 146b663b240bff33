import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { fileContent, freshTreeEachTest, Rsd } from '../boot/harness';
import { parseRsdConfig } from '../../src/config/rsd-conf';
import { DEFAULT_BOOT_MOUNTS } from '../../src/pid1/boot-mount-table';
import { decideFinalAction } from '../../src/pid1/final-action';
import { parseHostnameFile } from '../../src/pid1/hostname';
import { RB_AUTOBOOT, RB_HALT_SYSTEM, RB_POWER_OFF, MS_NOSUID, MS_NODEV } from '../../src/native/system';
import { outsideContainer } from './pid1-helpers';

/*
 * Early boot as an init outside a container: the [Mounts] table of rsd.conf mounted where missing, the host
 * name from /etc/hostname; and how rsd tells a container from a machine.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

/** Mount point -> file system type, from a process's mountinfo (its mount namespace). */
function mountsOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    out.set(before.split(' ')[4]!, after.split(' ')[0]!);
  }
  return out;
}

describe('early boot as PID 1 outside a container', () => {
  it('mounts the configured file systems that are missing, skips the rest, and sets the host name from /etc/hostname', async () => {
    const m = (rel: string) => tree.path(`m/${rel}`);
    const conf = tree.write(
      'rsd.conf',
      '[Mounts]\n' +
        // /proc is mounted already (unshare --mount-proc): left as it is. The others are skipped.
        '/sys = skip\n/dev = skip\n/dev/shm = skip\n/dev/pts = skip\n/run = skip\n' +
        `${m('proc')} = proc proc nosuid,nodev,noexec\n` +
        `${m('run')} = tmpfs tmpfs nosuid,nodev,mode=0755,size=1m\n` +
        `${m('skipped')} = skip\n`,
    );
    tree.write('hostname', '# set by the test\nrsd-early-boot-test\n');
    tree.write('units/test.target', '[Unit]\n');
    const scratch = tree.path('scratch');
    mkdirSync(scratch);
    rsd = Rsd.start(tree.path('units'), {
      unit: 'test.target',
      pidNamespace: true,
      container: false,
      unshare: ['--uts'],
      config: conf,
      wrap: outsideContainer(scratch, `mount --bind ${tree.path('hostname')} $R/etc/hostname`),
    });
    await rsd.waitFor(/Startup finished/);
    const pid = rsd.pid();
    // rsd's mount namespace sees them from its root (the chroot), so compare by suffix.
    const mounts = [...mountsOf(pid)].map(([where, type]) => [where.slice(where.indexOf('/tmp/')), type]);
    const found = (where: string) => mounts.filter(([w]) => w === where).map(([, t]) => t);
    expect({ proc: found(m('proc')), run: found(m('run')), skipped: found(m('skipped')) }).toEqual({
      proc: ['proc'],
      run: ['tmpfs'],
      skipped: [],
    });
    expect(rsd.log).toMatch(/Mounted tmpfs on .*\/m\/run\./);
    expect(rsd.log).not.toMatch(/Mounted proc on \/proc\./);
    const name = execFileSync('nsenter', ['--target', String(pid), '--uts', 'hostname'], {
      encoding: 'utf8',
    });
    expect(name.trim()).toBe('rsd-early-boot-test');
    expect(rsd.log).toMatch(/Hostname set to <rsd-early-boot-test>\./);
  }, 60_000);

  it('in a container (container= set) mounts nothing and leaves the host name alone', async () => {
    const conf = tree.write('rsd.conf', `[Mounts]\n${tree.path('m/run')} = tmpfs tmpfs size=1m\n`);
    tree.write('units/test.target', '[Unit]\n');
    rsd = Rsd.start(tree.path('units'), {
      unit: 'test.target',
      pidNamespace: true,
      unshare: ['--uts'],
      config: conf,
    });
    await rsd.waitFor(/Startup finished/);
    expect(rsd.log).toMatch(/Running in a container \(rsd-test\)\./);
    expect(rsd.log).not.toMatch(/Mounted |Hostname set/);
    expect([...mountsOf(rsd.pid()).keys()]).not.toContain(tree.path('m/run'));
    expect(await rsd.stop(20_000)).toBe(0);
  }, 60_000);
});

describe('the container’s environment', () => {
  it('reaches a unit only through PassEnvironment=', async () => {
    const out = (n: string) => tree.path(`env-${n}`);
    const dump = (n: string) => `ExecStart=/bin/sh -c 'env > ${out(n)}; exec sleep 1000'\n`;
    tree.write('units/test.target', '[Unit]\nWants=asks.service plain.service\n');
    tree.write(
      'units/asks.service',
      `[Service]\nPassEnvironment=RSD_TEST_FROM_CONTAINER container\n${dump('asks')}`,
    );
    tree.write('units/plain.service', `[Service]\n${dump('plain')}`);
    rsd = Rsd.start(tree.path('units'), {
      unit: 'test.target',
      pidNamespace: true,
      env: { RSD_TEST_FROM_CONTAINER: 'hello', RSD_TEST_NOT_ASKED: 'no' },
    });
    await rsd.waitFor(/Startup finished/);
    const asks = await fileContent(out('asks'));
    const plain = await fileContent(out('plain'));
    expect(asks).toMatch(/^RSD_TEST_FROM_CONTAINER=hello$/m);
    expect(asks).toMatch(/^container=rsd-test$/m);
    expect(asks).not.toMatch(/RSD_TEST_NOT_ASKED/);
    expect(plain).not.toMatch(/RSD_TEST_FROM_CONTAINER|RSD_TEST_NOT_ASKED|^container=/m);
    expect(await rsd.stop(20_000)).toBe(0);
  }, 60_000);
});

describe('container detection (systemd-detect-virt -c)', () => {
  const detect = join(__dirname, '..', '..', 'dist', 'src', 'conditions', 'virtualization.js');
  const script = `require(${JSON.stringify(detect)}).detectVirtualization().then((f) => console.log(JSON.stringify(f.container)))`;

  it('as PID 1, from its own container= variable', () => {
    const out = execFileSync(
      'unshare',
      ['--pid', '--fork', '--mount-proc', 'env', 'container=lxc', 'node', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toBe('lxc');
  });

  it('not PID 1: from PID 1’s environment (/proc/1/environ), not its own', async () => {
    // PID 1 of the namespace carries container=systemd-nspawn; the detecting process says container=nope.
    const out = execFileSync(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        'env',
        'container=systemd-nspawn',
        'sh',
        '-c',
        `container=nope node -e '${script}'`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toBe('systemd-nspawn');
  });

  it('without any variable, from /.dockerenv (this machine has one)', () => {
    const env = { ...process.env };
    delete env.container;
    const out = execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'node', '-e', script], {
      encoding: 'utf8',
      env,
    });
    expect(JSON.parse(out)).toBe('docker');
  });
});

describe('what rsd does at the end', () => {
  it('exits when not PID 1 or in a container; otherwise reboot(2) with the command for halt, poweroff, reboot', () => {
    const machine = { pid1: true, container: null };
    expect(decideFinalAction({ pid1: false, container: null }, 'reboot', 4)).toEqual({
      kind: 'exit',
      code: 4,
    });
    expect(decideFinalAction({ pid1: true, container: 'docker' }, 'poweroff', 2)).toEqual({
      kind: 'exit',
      code: 2,
    });
    expect(decideFinalAction(machine, 'halt', 0)).toMatchObject({ kind: 'reboot', command: RB_HALT_SYSTEM });
    expect(decideFinalAction(machine, 'poweroff', 0)).toMatchObject({
      kind: 'reboot',
      command: RB_POWER_OFF,
    });
    expect(decideFinalAction(machine, 'reboot', 0)).toMatchObject({ kind: 'reboot', command: RB_AUTOBOOT });
    // systemctl(1): exit is for containers and user managers, "equivalent to poweroff otherwise".
    expect(decideFinalAction(machine, 'exit', 3)).toMatchObject({ kind: 'reboot', command: RB_POWER_OFF });
  });

  it('reboot(2) by PID 1 of a PID namespace ends the namespace: SIGHUP for restart, SIGINT for power-off', async () => {
    const sys = join(__dirname, '..', '..', 'dist', 'src', 'native', 'system.js');
    const run = (cmd: string) =>
      new Promise<NodeJS.Signals | null>((resolve) => {
        const p = spawn(
          'unshare',
          [
            '--pid',
            '--fork',
            'node',
            '-e',
            `const s = require(${JSON.stringify(sys)}); s.reboot(s.${cmd}); setTimeout(() => {}, 5000)`,
          ],
          { stdio: 'ignore' },
        );
        p.on('exit', (_code, signal) => resolve(signal));
      });
    expect(await run('RB_AUTOBOOT')).toBe('SIGHUP');
    expect(await run('RB_POWER_OFF')).toBe('SIGINT');
  }, 30_000);
});

describe('rsd.conf for an init', () => {
  it('[Mounts] replaces or skips a default mount in place and appends new ones; DefaultTimeoutStopSec= is a time span', () => {
    const { config, warnings } = parseRsdConfig(
      '[Manager]\nDefaultTimeoutStopSec=1min 30s\n[Mounts]\n/dev/shm = skip\n/run = tmpfs tmpfs nosuid,nodev,size=10m\n/srv = tmpfs tmpfs\n/bad = onlyone\n',
      'rsd.conf',
    );
    expect(config.defaultTimeoutStopMs).toBe(90_000);
    expect(config.mounts.map((x) => x.where)).toEqual(['/proc', '/sys', '/dev', '/dev/pts', '/run', '/srv']);
    expect(config.mounts.find((x) => x.where === '/run')).toEqual({
      where: '/run',
      what: 'tmpfs',
      type: 'tmpfs',
      flags: MS_NOSUID | MS_NODEV,
      data: 'size=10m',
    });
    expect(warnings).toEqual([
      'rsd.conf: [Mounts] /bad: expected "WHAT TYPE [OPTIONS]" or "skip", ignoring.',
    ]);
    expect(parseRsdConfig('', 'x').config.mounts).toEqual(DEFAULT_BOOT_MOUNTS);
    expect(parseRsdConfig('[Manager]\nDefaultTimeoutStopSec=soon\n', 'x').warnings[0]).toMatch(
      /DefaultTimeoutStopSec=/,
    );
  });

  it('hostname(5): the first line that is not a comment', () => {
    expect(parseHostnameFile('# c\n\n  box-1 \n')).toBe('box-1');
    expect(parseHostnameFile('bad name!\n')).toBeNull();
    expect(parseHostnameFile('')).toBeNull();
  });
});
