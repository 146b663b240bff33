import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSearchPath } from '../../src/load/search-path';
import { UnitFileIndex } from '../../src/load/unit-file-index';
import { UnitLoader, type LoadedUnit } from '../../src/load/unit-loader';
import type { ServiceConfig, SocketConfig } from '../../src/unit/table';

/*
 * The real unit files of this machine (systemd 252, Debian 12), read through rsd. Expected values are written
 * from the man pages' definitions of each setting, not from rsd's own output.
 */
const BUILTIN = join(__dirname, '..', '..', 'units');
const TREE = '/lib/systemd/system';

function loader(): UnitLoader {
  return new UnitLoader(UnitFileIndex.scan(buildSearchPath({ unitDirs: [TREE], builtinDir: BUILTIN })));
}

function mustLoad(u: LoadedUnit) {
  if (u.loadState !== 'loaded') throw new Error(`${u.id}: ${u.loadState}: ${u.reason}`);
  return u;
}

describe(`every unit under ${TREE}`, () => {
  const all = loader().loadAll();

  it('loads without throwing, and there are many', () => {
    expect(all.length).toBeGreaterThan(150);
  });

  it('gives no "Unknown key" warning: every key systemd knows, rsd knows', () => {
    const unknown = all.flatMap((u) => u.diagnostics).filter((d) => /Unknown (key|section)/.test(d.message));
    expect(unknown).toEqual([]);
  });

  it('fails to load only where systemd-analyze verify also refuses the unit', () => {
    const refused = all.filter((u) => u.loadState === 'bad-setting' || u.loadState === 'error');
    for (const u of refused) {
      const path = u.source?.fragmentPath ?? `${TREE}/${u.id}`;
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
      expect({
        unit: u.id,
        systemdRefusesToo: /bad unit file setting|failed to load|fatal error/.test(r.stderr),
      }).toEqual({
        unit: u.id,
        systemdRefusesToo: true,
      });
    }
  });

  it('reports masked units as masked', () => {
    const masked = all.filter((u) => u.loadState === 'masked').map((u) => u.id);
    expect(masked).toEqual(expect.arrayContaining(['hwclock.service', 'cryptdisks.service']));
  });
});

describe('sample values agree with the man pages', () => {
  const l = loader();

  it('systemd-journald.service', () => {
    const u = mustLoad(l.load('systemd-journald.service'));
    const c = u.config as ServiceConfig;
    expect(c.Service.Type).toBe('notify');
    expect(c.Service.Restart).toBe('always');
    expect(c.Service.RestartSec).toBe(0);
    expect(c.Service.WatchdogSec).toBe(3 * 60 * 1_000_000);
    expect(c.Service.FileDescriptorStoreMax).toBe(4224);
    expect(c.Service.Sockets).toEqual([
      'systemd-journald.socket',
      'systemd-journald-dev-log.socket',
      'systemd-journald-audit.socket',
    ]);
    expect(c.Exec.LimitNOFILE).toEqual({ soft: 524288, hard: 524288 });
    expect(c.Exec.OOMScoreAdjust).toBe(-250);
    expect(c.Exec.RuntimeDirectory).toEqual(['systemd/journal']);
    expect(c.Exec.RuntimeDirectoryPreserve).toBe('yes');
    expect(c.Exec.StandardOutput).toEqual({ kind: 'null' });
    expect(c.Exec.NoNewPrivileges).toBe(true);
    expect(c.Unit.DefaultDependencies).toBe(false);
    expect(c.Unit.Requires).toContain('systemd-journald.socket');
    expect(c.Unit.Before).toEqual(['sysinit.target']);
    expect(c.Service.ExecStart.map((e) => e.argv)).toEqual([['/lib/systemd/systemd-journald']]);
  });

  it('systemd-journald.socket', () => {
    const c = mustLoad(l.load('systemd-journald.socket')).config as SocketConfig;
    expect(c.Socket.Listen).toEqual([
      { type: 'datagram', address: { family: 'unix', path: '/run/systemd/journal/socket' } },
      { type: 'stream', address: { family: 'unix', path: '/run/systemd/journal/stdout' } },
    ]);
    expect(c.Socket.ReceiveBuffer).toBe(8 * 1024 * 1024);
    expect(c.Socket.SocketMode).toBe(0o666);
    expect(c.Socket.PassCredentials).toBe(true);
    expect(c.Socket.Service).toBe('systemd-journald.service');
  });

  it('getty@tty3.service: a template instance with %I', () => {
    const u = mustLoad(l.load('getty@tty3.service'));
    expect(u.id).toBe('getty@tty3.service');
    const c = u.config as ServiceConfig;
    expect(c.Unit.Description).toBe('Getty on tty3');
    expect(c.Exec.TTYPath).toBe('/dev/tty3');
    expect(c.Exec.UtmpIdentifier).toBe('tty3');
    expect(c.Service.Type).toBe('idle');
    expect(c.Kill.SendSIGHUP).toBe(true);
    expect(c.Exec.IgnoreSIGPIPE).toBe(false);
    expect(c.Install.DefaultInstance).toBe('tty1');
    expect(c.Unit.Conditions).toEqual([
      { check: 'PathExists', trigger: false, negate: false, parameter: '/dev/tty0' },
    ]);
    const start = c.Service.ExecStart[0]!;
    expect(start.flags.ignoreFailure).toBe(true);
    expect(start.path).toBe('/sbin/agetty');
    // Single quotes group a word; C escapes apply inside them too, so `\\u` is a backslash and a u.
    expect(start.argv).toEqual(['/sbin/agetty', '-o', '-p -- \\u', '--noclear', '-', '$TERM']);
    expect(c.Exec.UnsetEnvironment).toContain('LC_CTYPE');
  });

  it('rc-local.service with its drop-in', () => {
    const u = mustLoad(l.load('rc-local.service'));
    const c = u.config as ServiceConfig;
    expect(u.source?.dropInPaths.map((p) => p.replace(/.*\//, ''))).toEqual(['debian.conf']);
    expect(c.Unit.After).toEqual(expect.arrayContaining(['network.target', 'network-online.target']));
    expect(c.Exec.StandardOutput).toEqual({ kind: 'journal+console' });
    expect(c.Service.Type).toBe('forking');
    expect(c.Service.TimeoutStartSec).toBe(Infinity);
    expect(c.Service.TimeoutStopSec).toBe(Infinity);
    expect(c.Service.RemainAfterExit).toBe(true);
    expect(c.Service.GuessMainPID).toBe(false);
  });

  it('an alias symlink is the same unit as its target', () => {
    const u = mustLoad(l.load('dbus-org.freedesktop.hostname1.service'));
    expect(u.id).toBe('systemd-hostnamed.service');
  });
});
