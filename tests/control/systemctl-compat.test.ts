import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { fileContent, Rsd } from '../boot/harness';

/*
 * rsdctl invoked as `systemctl` (a symlink), and the systemctl verbs, flags and formats that scripts use
 * beyond rsdctl's own: alternative job verbs, --job-mode, --plain, --failed, harmless flags, --version.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');

let tree: TmpTree;
let rsd: Rsd;
let systemctlPath: string;

function run(bin: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(bin, ['--socket', rsd.socket, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const ctl = (...args: string[]) => run(RSDCTL, args);
const systemctl = (...args: string[]) => run(systemctlPath, args);
const mainPid = (unit: string): string => ctl('show', unit, '-p', 'MainPID', '--value').out.trim();

beforeAll(async () => {
  tree = new TmpTree();
  systemctlPath = tree.path('bin/systemctl');
  tree.write('bin/.keep', '');
  symlinkSync(RSDCTL, systemctlPath);
  const u = (name: string, text: string) => tree.write(`units/${name}`, text);
  u('compat.target', '[Unit]\nWants=reloadable.service plain.service broken.service\n');
  u(
    'reloadable.service',
    `[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'echo reloaded >> ${tree.path('reload.log')}'\n`,
  );
  u(
    'plain.service',
    '[Unit]\nDescription=No reload\nWants=dep.service\n[Service]\nExecStart=/bin/sleep 1000\n',
  );
  u('dep.service', '[Service]\nExecStart=/bin/sleep 1000\n');
  u('broken.service', '[Service]\nType=oneshot\nExecStart=/bin/false\n');
  u('idle.service', '[Service]\nExecStart=/bin/sleep 1000\n');
  u('linked.service', '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=compat.target\n');
  u('unlinked.service', '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n');
  tree.write('units/compat.target.wants/.keep', '');
  symlinkSync('../linked.service', tree.path('units/compat.target.wants/linked.service'));
  rsd = Rsd.start(tree.path('units'), { unit: 'compat.target' });
  await rsd.waitFor(/Startup finished/);
  await rsd.waitFor(/Listening for control requests/);
});

afterAll(async () => {
  await rsd.stop().catch(() => undefined);
  rsd.kill();
  tree.cleanup();
});

describe('rsdctl as systemctl', () => {
  it("--version: systemd's version line when called systemctl, rsdctl's own otherwise", () => {
    const v = systemctl('--version');
    expect(v.code).toBe(0);
    expect(v.out.split('\n')[0]).toMatch(/^systemd 252 \(rsd \d+\.\d+\.\d+\)$/);
    expect(ctl('--version').out).toMatch(/^rsdctl \d+\.\d+\.\d+ \(systemd 252 compatible\)\n$/);
  });

  it('speaks as systemctl in its messages and help', () => {
    const r = systemctl('start', 'broken.service');
    expect(r.code).toBe(1);
    expect(r.err).toContain('See "systemctl status broken.service" for details.');
    expect(systemctl('--help').out).toMatch(/^systemctl \[options\] COMMAND/);
  });

  it('takes the flags maintainer scripts pass (--system, --no-ask-password, --quiet), refuses --user', () => {
    expect(systemctl('--quiet', '--system', 'is-active', 'plain.service')).toMatchObject({
      code: 0,
      out: '',
    });
    expect(systemctl('--system', '--no-ask-password', '--full', 'is-active', 'idle')).toMatchObject({
      code: 3,
      out: 'inactive\n',
    });
    const user = systemctl('--user', 'is-active', 'plain.service');
    expect(user.code).toBe(1);
    expect(user.err).toContain('--user is not supported');
  });
});

describe('job verbs', () => {
  it('reload-or-restart reloads a unit that can reload and restarts one that cannot', async () => {
    const before = { reloadable: mainPid('reloadable'), plain: mainPid('plain') };
    expect(ctl('reload-or-restart', 'reloadable', 'plain').code).toBe(0);
    expect(await fileContent(tree.path('reload.log'))).toBe('reloaded\n');
    expect(mainPid('reloadable')).toBe(before.reloadable);
    expect(mainPid('plain')).not.toBe(before.plain);
    expect(mainPid('plain')).toMatch(/^[1-9]\d*$/);
  });

  it('try-reload-or-restart, force-reload and condrestart leave a stopped unit stopped', () => {
    for (const verb of ['try-reload-or-restart', 'force-reload', 'condrestart', 'reload-or-try-restart']) {
      expect(ctl(verb, 'idle').code).toBe(0);
      expect(ctl('is-active', 'idle').out).toBe('inactive\n');
    }
    const pid = mainPid('plain');
    expect(ctl('force-reload', 'plain').code).toBe(0);
    expect(mainPid('plain')).not.toBe(pid);
  });

  it('--job-mode=ignore-dependencies starts a unit without what it wants; a bad mode is refused', () => {
    expect(ctl('stop', 'plain', 'dep').code).toBe(0);
    expect(ctl('start', '--job-mode=ignore-dependencies', 'plain').code).toBe(0);
    expect(ctl('is-active', 'plain').code).toBe(0);
    expect(ctl('is-active', 'dep').out).toBe('inactive\n');
    expect(ctl('start', 'plain').code).toBe(0);
    expect(ctl('start', '--job-mode=sideways', 'plain').code).toBe(1);
  });

  it('daemon-reexec re-reads the units like daemon-reload', () => {
    expect(ctl('daemon-reexec').code).toBe(0);
    expect(ctl('is-active', 'reloadable').code).toBe(0);
  });
});

describe('listing formats', () => {
  it('list-dependencies: the state dot first, then the tree; --plain: a flat list', () => {
    const tree = ctl('list-dependencies', 'plain.service').out.split('\n');
    expect(tree[0]).toBe('plain.service');
    // Services first, then targets; only targets are descended into (without --all).
    expect(tree[1]).toBe('● ├─dep.service');
    expect(tree[2]).toBe('● └─sysinit.target');
    expect(tree.slice(3).every((l) => /^● {3}[├└]─/.test(l) || l === '')).toBe(true);
    const all = ctl('list-dependencies', '--all', 'plain.service').out.split('\n');
    expect(all[2]).toBe('● │ └─sysinit.target');
    const plain = ctl('list-dependencies', '--plain', 'plain.service').out.split('\n');
    expect(plain[0]).toBe('plain.service');
    expect(plain).toContain('  dep.service');
    expect(plain.every((l) => !/[●├└│]/.test(l))).toBe(true);
  });

  it('list-units --plain drops the dot column; --failed lists failed units only', () => {
    const plain = ctl('list-units', '--plain').out.split('\n');
    expect(plain[0]).toMatch(/^UNIT\s+LOAD\s+ACTIVE\s+SUB\s+DESCRIPTION$/);
    expect(plain.some((l) => l.startsWith('broken.service '))).toBe(true);
    const failed = ctl('list-units', '--failed', '--no-legend').out.trim().split('\n');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^● broken\.service\s+loaded\s+failed\s+failed/);
  });
});

describe('UnitFileState', () => {
  it('is judged against the unit directories rsd was given, as is-enabled would judge them', () => {
    const state = (unit: string) => ctl('show', unit, '-p', 'UnitFileState', '--value').out.trim();
    expect(state('linked.service')).toBe('enabled');
    expect(state('unlinked.service')).toBe('disabled');
    expect(state('idle.service')).toBe('static');
    expect(ctl('status', 'linked').out).toMatch(/Loaded: loaded \(.*linked\.service; enabled\)/);
  });

  it('is "transient" for a unit made by run', () => {
    const r = ctl('run', '-u', 'made-here', '/bin/sleep', '1000');
    expect(r.code).toBe(0);
    expect(ctl('show', 'made-here', '-p', 'UnitFileState', '--value').out).toBe('transient\n');
    expect(ctl('stop', 'made-here').code).toBe(0);
  });
});

describe('is-system-running', () => {
  it('says degraded while a unit is failed, running once reset-failed clears it; offline without rsd', () => {
    expect(ctl('is-system-running')).toMatchObject({ code: 1, out: 'degraded\n' });
    expect(ctl('reset-failed').code).toBe(0);
    expect(ctl('is-system-running')).toMatchObject({ code: 0, out: 'running\n' });
    const r = spawnSync(RSDCTL, ['--socket', '/nonexistent/rsd.sock', 'is-system-running'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('offline\n');
  });
});

describe('status', () => {
  it("names the main process's command, as systemctl does", () => {
    expect(ctl('status', 'reloadable').out).toMatch(/Main PID: \d+ \(sleep\)\n/);
  });
});

describe('command-line parsing', () => {
  it('-p before the unit name, repeated or comma-separated, as systemctl takes it', () => {
    expect(ctl('show', '-p', 'ActiveState', 'plain.service').out).toBe('ActiveState=active\n');
    expect(ctl('show', '-p', 'ActiveState', '-p', 'SubState', 'plain.service').out).toBe(
      'ActiveState=active\nSubState=running\n',
    );
    expect(ctl('show', '-p', 'ActiveState,SubState', 'plain').out).toBe(
      'ActiveState=active\nSubState=running\n',
    );
  });

  it('an unknown option fails the command line and runs nothing', () => {
    const r = ctl('stop', '--sideways=yes', 'plain.service');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Unknown argument');
    expect(ctl('is-active', 'plain').out).toBe('active\n');
  });

  it('--no-block queues the job and returns', () => {
    expect(ctl('restart', '--no-block', 'plain.service')).toMatchObject({ code: 0, err: '' });
  });
});
