import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';

/* The built binaries, run as a user runs them: directly (shebang) and as `node FILE`. */
const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rsd binary', () => {
  const tree = new TmpTree();
  afterAll(() => tree.cleanup());

  it('runs directly and as node FILE', () => {
    expect(run(RSD, ['--help']).code).toBe(0);
    expect(run('node', [RSD, '--help']).out).toMatch(/verify/);
    expect(run(RSDCTL, ['--help']).code).toBe(0);
  });

  it('verify prints file:line diagnostics and exits 0 for a unit that loads', () => {
    const f = tree.write('ok/a.service', '[Unit]\nDescription=a\nBogus=1\n[Service]\nExecStart=/bin/true\n');
    const r = run(RSD, ['verify', f]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${f}:3: Unknown key 'Bogus' in section [Unit], ignoring.`);
  });

  it('verify exits 1 and names the unit when it cannot load', () => {
    const f = tree.write('bad/b.service', '[Service]\nType=simple\n');
    const r = run(RSD, ['verify', f]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/b\.service: Service has no ExecStart=/);
    expect(r.err).toContain('Unit b.service has a bad unit file setting.');
  });

  it('verify --unenforced lists the settings rsd does not act on yet', () => {
    const f = tree.write(
      'ue/c.service',
      '[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\n[Install]\nWantedBy=multi-user.target\n',
    );
    const r = run(RSD, ['verify', '--unenforced', f]);
    expect(r.err).toContain(`${f}:3: SystemCallFilter= is parsed but not enforced by rsd.`);
    // [Install] is for enable/disable, not the running manager: not listed (as in rsdctl status).
    expect(r.err).not.toContain('WantedBy=');
  });

  it('verify without units is a usage error', () => {
    expect(run(RSD, ['verify']).code).toBe(2);
  });

  it('verify --all over --unit-dir reports every unit of the directory', () => {
    tree.write('all/x.service', '[Service]\nExecStart=/bin/true\n');
    tree.write('all/y.service', '[Service]\nExecStart=/nonexistent/rsd-y\n');
    const r = run(RSD, ['verify', '--all', '--unit-dir', tree.path('all')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('y.service: Command /nonexistent/rsd-y is not executable');
    expect(r.err).not.toContain('x.service');
  });

  it('plan prints the jobs a boot of default.target would run, in dependency order', () => {
    const r = run(RSD, ['plan', '--unit-dir', join(ROOT, 'test_units')]);
    expect(r.code).toBe(0);
    const names = r.out.split('\n').map((l) => l.split(/\s+/)[0]);
    for (const u of ['hello.service', 'ticker.service', 'echo.socket', 'multi-user.target', 'basic.target']) {
      expect(names).toContain(u);
    }
    expect(names.indexOf('basic.target')).toBeLessThan(names.indexOf('multi-user.target'));
    expect(names.indexOf('hello.service')).toBeLessThan(names.indexOf('ticker.service'));
  });

  it('reads rsd.conf and reports a bad setting without failing', () => {
    const conf = tree.write('rsd.conf', `[Manager]\nUnitPath=${join(ROOT, 'test_units')}\nLogLevel=loud\n`);
    const r = run(RSD, ['plan', '--config', conf]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('LogLevel= must be one of');
    expect(r.out).toContain('ticker.service');
  });
});
