import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { fileContent, Rsd } from '../boot/harness';

/* The real rsdctl against a real rsd: verbs, output formats and systemctl's exit codes. */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');

let tree: TmpTree;
let rsd: Rsd;

function ctl(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('node', [RSDCTL, '--socket', rsd.socket, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  tree = new TmpTree();
  const u = (name: string, text: string) => tree.write(`units/${name}`, text);
  u('test.target', '[Unit]\nDescription=Test target\nWants=web.service once.service\n');
  u(
    'web.service',
    `[Unit]\nDescription=Web server\n[Service]\nExecStart=/bin/sh -c 'echo $$$$ > ${tree.path('web.pid')}; exec sleep 1000'\nExecReload=/bin/sh -c 'echo reloaded >> ${tree.path('reload.log')}'\n`,
  );
  u(
    'once.service',
    '[Unit]\nDescription=One shot\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
  );
  u('bad.service', '[Unit]\nDescription=Always fails\n[Service]\nExecStart=/bin/false\n');
  u('idle.service', '[Unit]\nDescription=Not started\n[Service]\nExecStart=/bin/sleep 1000\n');
  rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
  await rsd.waitFor(/Startup finished/);
  await rsd.waitFor(/Listening for control requests/);
});

afterAll(async () => {
  await rsd.stop().catch(() => undefined);
  rsd.kill();
  tree.cleanup();
});

describe('rsdctl', () => {
  it('is-active: prints the state, exits 0 when active and 3 otherwise; -q prints nothing', () => {
    expect(ctl('is-active', 'web')).toMatchObject({ code: 0, out: 'active\n' });
    expect(ctl('is-active', 'idle.service')).toMatchObject({ code: 3, out: 'inactive\n' });
    expect(ctl('is-active', '-q', 'web.service')).toMatchObject({ code: 0, out: '' });
    expect(ctl('is-active', 'idle', 'web').code).toBe(0);
  });

  it('status: systemctl layout; exits 0 active, 3 inactive, 4 unknown', () => {
    const s = ctl('status', 'web.service');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^● web\.service - Web server\n/);
    expect(s.out).toMatch(/Loaded: loaded \(.*web\.service; static\)/);
    expect(s.out).toMatch(/Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(s.out).toMatch(/Main PID: \d+/);
    expect(s.out).toMatch(/CGroup: .*web\.service\n.*sleep 1000/);
    // The unit's last journal lines, as systemctl status shows them (journalctl's short format).
    expect(s.out).toMatch(/\n\n\w{3} \d\d \d\d:\d\d:\d\d \S+ rsd\[\d+\]: Starting Web server\.\.\.\n/);
    expect(ctl('status', 'idle').code).toBe(3);
    const missing = ctl('status', 'no-such-unit.service');
    expect(missing.code).toBe(4);
    expect(missing.err).toContain('Unit no-such-unit.service could not be found.');
  });

  it('show: systemd property names, -p filters, --value prints values only', async () => {
    const pid = (await fileContent(tree.path('web.pid'))).trim();
    const all = ctl('show', 'web.service').out;
    expect(all).toContain('Id=web.service\n');
    expect(all).toContain('ActiveState=active\n');
    expect(all).toContain('SubState=running\n');
    expect(all).toContain('LoadState=loaded\n');
    expect(all).toContain(`MainPID=${pid}\n`);
    expect(all).toMatch(/After=.*sysinit\.target/);
    expect(all).toContain('TimeoutStartUSec=1min 30s\n');
    expect(ctl('show', 'web', '-p', 'ActiveState,SubState').out).toBe(
      'ActiveState=active\nSubState=running\n',
    );
    expect(ctl('show', 'web', '-p', 'MainPID', '--value').out).toBe(`${pid}\n`);
  });

  it('stop and start wait for the job; a failing start exits 1 and says so; is-failed sees it', () => {
    expect(ctl('stop', 'web').code).toBe(0);
    expect(ctl('is-active', 'web').code).toBe(3);
    expect(ctl('start', 'web').code).toBe(0);
    expect(ctl('is-active', 'web').code).toBe(0);
    const bad = ctl('start', 'bad');
    // Type=simple: the start succeeds, then the process fails.
    expect(bad.code).toBe(0);
    const oneshotBad = tree.write('units/badonce.service', '[Service]\nType=oneshot\nExecStart=/bin/false\n');
    void oneshotBad;
    expect(ctl('daemon-reload').code).toBe(0);
    const r = ctl('start', 'badonce');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Job for badonce\.service failed/);
    expect(ctl('is-failed', 'badonce').code).toBe(0);
    expect(ctl('is-failed', 'web').code).toBe(1);
    expect(ctl('reset-failed', 'badonce').code).toBe(0);
    expect(ctl('is-failed', 'badonce').code).toBe(1);
  });

  it('restart gives a new main process; reload runs ExecReload= and keeps it', async () => {
    const before = (await fileContent(tree.path('web.pid'))).trim();
    writeFileSync(tree.path('web.pid'), '');
    expect(ctl('restart', 'web').code).toBe(0);
    const after = (await fileContent(tree.path('web.pid'))).trim();
    expect(after).not.toBe(before);
    expect(ctl('reload', 'web').code).toBe(0);
    expect(readFileSync(tree.path('reload.log'), 'utf8')).toBe('reloaded\n');
    expect(ctl('show', 'web', '-p', 'MainPID', '--value').out.trim()).toBe(after);
  });

  it('list-units prints systemctl columns and a legend; --no-legend drops it', () => {
    const out = ctl('list-units').out;
    expect(out.split('\n')[0]).toMatch(/^\s+UNIT\s+LOAD\s+ACTIVE\s+SUB\s+DESCRIPTION$/);
    expect(out).toMatch(/web\.service\s+loaded active running Web server/);
    expect(out).toMatch(/\d+ loaded units listed\./);
    expect(ctl('list-units', '--no-legend', '--type', 'service').out).not.toMatch(/UNIT|listed|target/);
  });

  it('daemon-reload applies changed settings to the next start without restarting what runs', () => {
    const pid = ctl('show', 'web', '-p', 'MainPID', '--value').out.trim();
    const text = readFileSync(tree.path('units/web.service'), 'utf8').replace(
      'Description=Web server',
      'Description=Web server v2',
    );
    writeFileSync(tree.path('units/web.service'), text);
    expect(ctl('daemon-reload').code).toBe(0);
    expect(ctl('show', 'web', '-p', 'Description', '--value').out).toBe('Web server v2\n');
    expect(ctl('show', 'web', '-p', 'MainPID', '--value').out.trim()).toBe(pid);
  });

  it('kill signals without stopping the unit; Restart=no then leaves it failed or inactive', () => {
    expect(ctl('kill', '-s', 'SIGKILL', 'web').code).toBe(0);
    // The main process was SIGKILLed: the unit is no longer active.
    for (let i = 0; i < 200 && ctl('is-active', 'web').code === 0; i++) execFileSync('sleep', ['0.05']);
    expect(ctl('is-active', 'web').out.trim()).toBe('failed');
    expect(ctl('start', 'web').code).toBe(0);
  });

  it('cat, list-dependencies, get-default, list-jobs', () => {
    expect(ctl('cat', 'once').out).toMatch(/^# .*once\.service\n\[Unit\]\nDescription=One shot/);
    expect(ctl('list-dependencies', 'test.target').out).toMatch(/^test\.target\n(.*\n)*.*web\.service/);
    expect(ctl('get-default').out).toBe('multi-user.target\n');
    expect(ctl('list-jobs').out).toBe('No jobs running.\n');
  });

  it('run starts a transient service like systemd-run, keeping its words and environment literal', async () => {
    const out = tree.path('run.out');
    const r = ctl(
      'run',
      '--unit',
      'job1',
      '-E',
      'FOO=bar baz',
      '-p',
      'Type=oneshot',
      '-p',
      'RemainAfterExit=yes',
      '/bin/sh',
      '-c',
      `printf '%s|%s' "$FOO" "$1" > ${out}`,
      'sh',
      '%n $X',
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe('Running as unit: job1.service\n');
    expect(readFileSync(out, 'utf8')).toBe('bar baz|%n $X');
    expect(ctl('is-active', 'job1').out).toBe('active\n');
    const anon = ctl('run', '/bin/sleep', '1000');
    expect(anon.err).toMatch(/^Running as unit: run-r[0-9a-f]+\.service\n$/);
    const name = anon.err.trim().split(' ').pop()!;
    expect(ctl('is-active', name).code).toBe(0);
    expect(ctl('stop', name).code).toBe(0);
  });

  it('serves two clients at once: a slow job does not block a status query', async () => {
    tree.write('units/slowstart.service', '[Service]\nType=oneshot\nExecStart=/bin/sleep 1\n');
    expect(ctl('daemon-reload').code).toBe(0);
    const slow = new Promise<number | null>((resolve) => {
      const p = spawn('node', [RSDCTL, '--socket', rsd.socket, 'start', 'slowstart'], { stdio: 'ignore' });
      p.on('exit', (code) => resolve(code));
    });
    await rsd.waitFor(/Starting slowstart\.service/);
    const jobs = ctl('list-jobs');
    expect(jobs.out).toMatch(/slowstart\.service\s+start\s+running/);
    expect(await slow).toBe(0);
  });

  it('says where it tried when rsd is not there', () => {
    const r = spawnSync('node', [RSDCTL, '--socket', '/nonexistent/rsd.sock', 'is-active', 'x'], {
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Failed to connect to rsd at /nonexistent/rsd.sock: is rsd running?');
  });
});
