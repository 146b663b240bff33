import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { Rsd } from './harness';

/*
 * Sandboxing settings, seen from inside a real service: each probe tries what the setting should forbid
 * and prints what happened; the test reads the lines from rsd's log ("probe[PID]: ...").
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const USER = 'rsdsbxuser';

let tree: TmpTree;
let rsd: Rsd | null = null;
/** Host paths a test made outside its tree, removed after it. */
let leftovers: string[] = [];
beforeEach(() => {
  tree = new TmpTree();
  leftovers = [];
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  tree.cleanup();
  for (const p of leftovers) rmSync(p, { recursive: true, force: true });
});

const token = (): string => randomBytes(6).toString('hex');

/** Boots rsd with probe.service and any other units, all wanted by test.target. */
function boot(probe: string, others: Record<string, string> = {}): Rsd {
  tree.write('units/test.target', `[Unit]\nWants=probe.service ${Object.keys(others).join(' ')}\n`);
  // Output lines in rsd's log are "IDENTIFIER[PID]: ...": each unit's identifier is its own name.
  const tagged = (name: string, text: string): string =>
    text.replace('[Service]\n', `[Service]\nSyslogIdentifier=${name.replace(/\.service$/, '')}\n`);
  tree.write('units/probe.service', tagged('probe.service', probe));
  for (const [name, text] of Object.entries(others)) tree.write(`units/${name}`, tagged(name, text));
  return Rsd.start(tree.path('units'), { unit: 'test.target' });
}

/** What the probe printed, in order, once its start job is over. */
async function probeOutput(
  r: Rsd,
  done: RegExp = /probe\.service: (Started|Finished|Failed)/,
): Promise<string[]> {
  await r.waitFor(done);
  return r.lines.flatMap((l) => {
    const m = /probe\[\d+\]: (.*)$/.exec(l);
    return m ? [m[1]!] : [];
  });
}

function statusLine(name: string, status: string): string {
  return new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '';
}

const SH = (script: string): string => `/bin/sh -c '${script}'`;

describe('sandboxing', () => {
  beforeAll(() => {
    execFileSync('sh', [
      '-c',
      `id ${USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ${USER}`,
    ]);
  });
  afterAll(() => {
    execFileSync('sh', ['-c', `userdel ${USER} 2>/dev/null; true`]);
  });

  it('NoNewPrivileges= and CapabilityBoundingSet= (lines merged as systemd does) show in /proc/self/status', async () => {
    rsd = boot(
      [
        '[Service]',
        'Type=oneshot',
        'NoNewPrivileges=yes',
        'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL',
        'CapabilityBoundingSet=CAP_CHOWN',
        'CapabilityBoundingSet=~CAP_KILL cap_sys_admin',
        `ExecStart=${SH('grep -E "^(NoNewPrivs|CapBnd|CapEff)" /proc/self/status')}`,
        '',
      ].join('\n'),
      {
        // The same probe without the settings: nothing is taken away.
        'plain.service': `[Service]\nType=oneshot\nExecStart=${SH('grep -E "^(NoNewPrivs|CapBnd)" /proc/self/status')}\n`,
      },
    );
    const out = (await probeOutput(rsd)).join('\n');
    expect(statusLine('NoNewPrivs', out)).toBe('1');
    // CAP_CHOWN (0) and CAP_NET_BIND_SERVICE (10): 0x401; a root service's effective set follows.
    expect(statusLine('CapBnd', out)).toBe('0000000000000401');
    expect(statusLine('CapEff', out)).toBe('0000000000000401');
    await rsd.waitFor(/plain\[\d+\]: CapBnd/);
    const plain = rsd.lines.filter((l) => /plain\[\d+\]/.test(l)).join('\n');
    expect(plain).toMatch(/NoNewPrivs:\s+0/);
    const ours = statusLine('CapBnd', readFileSync('/proc/self/status', 'utf8'));
    expect(plain).toContain(`CapBnd:\t${ours}`);
    expect(await rsd.stop()).toBe(0);
  });

  it('AmbientCapabilities= with a non-root User=: CAP_NET_BIND_SERVICE lets it bind port 80', async () => {
    const bind80 = `/usr/bin/perl -MIO::Socket::INET -e 'IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 80, Listen => 1) or die "bind: $$!\\n"; print "bound 80\\n"'`;
    // PrivateNetwork= keeps port 80 of the host out of it.
    const unit = (extra: string) =>
      `[Service]\nType=oneshot\nUser=${USER}\nPrivateNetwork=yes\n${extra}ExecStart=${SH('grep -E "^Cap(Amb|Eff)" /proc/self/status; id -un')}\nExecStart=${bind80}\n`;
    rsd = boot(unit('AmbientCapabilities=CAP_NET_BIND_SERVICE\n'), { 'without.service': unit('') });
    const out = await probeOutput(rsd);
    expect(out).toEqual(
      expect.arrayContaining(['CapEff:\t0000000000000400', 'CapAmb:\t0000000000000400', USER, 'bound 80']),
    );
    // Without the setting the same user may not.
    await rsd.waitFor(/without\.service: Failed/);
    expect(rsd.log).toMatch(/without\[\d+\]: bind: Permission denied/);
    expect(rsd.log).toMatch(/without\[\d+\]: CapAmb:\t0000000000000000/);
    expect(await rsd.stop()).toBe(0);
  });

  it('ProtectSystem=yes: /usr is read-only, /var and /etc stay writable', async () => {
    const name = `rsd-sbx-${token()}`;
    leftovers.push(`/var/tmp/${name}`, `/etc/${name}`);
    rsd = boot(
      `[Service]\nType=oneshot\nProtectSystem=yes\nExecStart=${SH(
        `touch /usr/${name} 2>/dev/null && echo usr:rw || echo usr:ro; touch /var/tmp/${name} && echo var:rw; touch /etc/${name} && echo etc:rw`,
      )}\n`,
    );
    expect(await probeOutput(rsd)).toEqual(['usr:ro', 'var:rw', 'etc:rw']);
    expect(existsSync(`/usr/${name}`)).toBe(false);
    expect(existsSync(`/var/tmp/${name}`)).toBe(true);
    expect(await rsd.stop()).toBe(0);
  });

  it('ProtectSystem=full makes /etc read-only too; strict everything but /dev, /proc, /sys and the unit’s own directories', async () => {
    const name = `rsd-sbx-${token()}`;
    leftovers.push(`/var/lib/${name}`, `/run/${name}`, `/etc/${name}`);
    rsd = boot(
      [
        '[Service]',
        'Type=oneshot',
        'ProtectSystem=full',
        `ExecStart=${SH(`touch /etc/${name} 2>/dev/null && echo etc:rw || echo etc:ro`)}`,
        '',
      ].join('\n'),
      {
        'strict.service': [
          '[Service]',
          'Type=oneshot',
          'ProtectSystem=strict',
          `StateDirectory=${name}`,
          `RuntimeDirectory=${name}`,
          `ReadWritePaths=${tree.root}`,
          `ExecStart=${SH(
            `touch /var/tmp/${name} 2>/dev/null && echo var:rw || echo var:ro; touch /var/lib/${name}/x && echo state:rw; touch /run/${name}/x && echo runtime:rw; touch ${tree.root}/x && echo rwpath:rw; echo x > /dev/null && echo dev:rw; grep -c . /proc/self/status >/dev/null && echo proc:ok`,
          )}`,
          '',
        ].join('\n'),
      },
    );
    expect(await probeOutput(rsd)).toEqual(['etc:ro']);
    await rsd.waitFor(/strict\.service: (Started|Finished|Failed)/);
    const strict = rsd.lines.flatMap((l) => /strict\[\d+\]: (.*)$/.exec(l)?.slice(1) ?? []);
    expect(strict).toEqual(['var:ro', 'state:rw', 'runtime:rw', 'rwpath:rw', 'dev:rw', 'proc:ok']);
    expect(existsSync(`/etc/${name}`)).toBe(false);
    expect(existsSync(`/var/tmp/${name}`)).toBe(false);
    expect(await rsd.stop()).toBe(0);
  });

  it('ProtectHome=yes: /home, /root and /run/user are empty and inaccessible; read-only: visible, not writable', async () => {
    const name = `rsd-sbx-${token()}`;
    mkdirSync(`/home/${name}`, { recursive: true });
    leftovers.push(`/home/${name}`);
    const look = SH(
      `ls -A /home; ls -A /root | wc -l; stat -c %%a /home; touch /home/${name}/x 2>/dev/null && echo home:rw || echo home:ro`,
    );
    rsd = boot(`[Service]\nType=oneshot\nProtectHome=yes\nExecStart=${look}\n`, {
      'readonly.service': `[Service]\nType=oneshot\nProtectHome=read-only\nExecStart=${look}\n`,
    });
    expect(await probeOutput(rsd)).toEqual(['0', '0', 'home:ro']);
    // Its output is read apart from its exit: wait for its last line, not for the unit to finish.
    await rsd.waitFor(/readonly\[\d+\]: home:(ro|rw)$/);
    const ro = rsd.lines.flatMap((l) => /readonly\[\d+\]: (.*)$/.exec(l)?.slice(1) ?? []);
    expect(ro).toContain(name);
    expect(ro[ro.length - 1]).toBe('home:ro');
    expect(existsSync(`/home/${name}/x`)).toBe(false);
    expect(await rsd.stop()).toBe(0);
  });

  it('PrivateTmp=: one private /tmp for ExecStartPre, ExecStart and ExecStartPost, not the host’s, gone at stop', async () => {
    const name = `rsd-sbx-${token()}`;
    rsd = boot(
      [
        '[Service]',
        'Type=oneshot',
        'RemainAfterExit=yes',
        'PrivateTmp=yes',
        `ExecStartPre=${SH(`echo pre > /tmp/${name}; echo var > /var/tmp/${name}`)}`,
        `ExecStart=${SH(`echo main >> /tmp/${name}`)}`,
        `ExecStartPost=${SH(`echo $$(cat /tmp/${name} /var/tmp/${name}); ls -ld /tmp | cut -c1-10`)}`,
        '',
      ].join('\n'),
    );
    const out = await probeOutput(rsd);
    expect(out).toEqual(['pre main var', 'drwxrwxrwt']);
    expect(existsSync(`/tmp/${name}`)).toBe(false);
    expect(existsSync(`/var/tmp/${name}`)).toBe(false);
    const privateDirs = () => readdirSync('/tmp').filter((d) => d.startsWith('rsd-private-probe.service-'));
    // The host directory holding it exists while the unit runs (other tests' rsds use other unit names).
    expect(privateDirs().length).toBeGreaterThan(0);
    const ours = privateDirs().filter((d) => existsSync(join('/tmp', d, 'tmp', name)));
    expect(ours).toHaveLength(1);
    expect(await rsd.stop()).toBe(0);
    expect(existsSync(join('/tmp', ours[0]!))).toBe(false);
  });

  it('InaccessiblePaths= hides a directory and a file; "-" skips a missing path; ReadOnlyPaths= with a writable hole', async () => {
    tree.write('secret/data', 'the secret\n');
    tree.write('file-secret', 'file secret\n');
    tree.write('ro/data', 'readable\n');
    mkdirSync(tree.path('ro/rw'));
    rsd = boot(
      [
        '[Service]',
        'Type=oneshot',
        `InaccessiblePaths=${tree.path('secret')} ${tree.path('file-secret')} -/nonexistent-rsd-${token()}`,
        `ReadOnlyPaths=${tree.path('ro')}`,
        `ReadWritePaths=${tree.path('ro/rw')}`,
        `ExecStart=${SH(
          `ls -A ${tree.path('secret')} | wc -l; cat ${tree.path('file-secret')} | wc -c; stat -c %%a ${tree.path('secret')}; cat ${tree.path('ro/data')}; touch ${tree.path('ro/new')} 2>/dev/null && echo ro:rw || echo ro:ro; touch ${tree.path('ro/rw/new')} && echo hole:rw`,
        )}`,
        '',
      ].join('\n'),
    );
    expect(await probeOutput(rsd)).toEqual(['0', '0', '0', 'readable', 'ro:ro', 'hole:rw']);
    expect(readFileSync(tree.path('secret/data'), 'utf8')).toBe('the secret\n');
    expect(existsSync(tree.path('ro/rw/new'))).toBe(true);
    expect(await rsd.stop()).toBe(0);
  });

  it('a path that cannot be set up fails the unit with 226/NAMESPACE and says why', async () => {
    const missing = `/nonexistent-rsd-${token()}`;
    rsd = boot(`[Service]\nReadOnlyPaths=${missing}\nExecStart=/bin/sleep 1000\n`);
    await rsd.waitFor(/probe\.service: Failed with result 'exit-code'/);
    expect(rsd.log).toContain(`Failed to set up mount namespacing: ${missing}: No such file or directory`);
    expect(rsd.log).toMatch(/probe\.service: Main process exited, code=exited, status=226/);
    expect(await rsd.stop()).toBe(0);
  });

  it('PrivateNetwork=: only the loopback device, up, one namespace for all the unit’s processes', async () => {
    // The main process listens on 127.0.0.1 of the unit's namespace; ExecStartPost reaches it there.
    const server = tree.write(
      'server.pl',
      'use IO::Socket::INET; $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 7777, Listen => 1, ReuseAddr => 1) or die "listen: $!\\n"; $c = $s->accept; print $c "hello\\n"; close $c; sleep 1000;\n',
    );
    // Retried until the main process listens: start-up order is not a timing assertion.
    const client = tree.write(
      'client.pl',
      'use IO::Socket::INET; for (1..100) { $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => 7777) and last; select(undef, undef, undef, 0.1) } $c or die "connect: $!\\n"; print scalar <$c>;\n',
    );
    rsd = boot(
      [
        '[Service]',
        'PrivateNetwork=yes',
        `ExecStartPre=${SH('tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; /usr/sbin/ip -o link show lo | grep -o "<[^>]*>"; readlink /proc/self/ns/net')}`,
        `ExecStart=/usr/bin/perl ${server}`,
        `ExecStartPost=${SH('readlink /proc/self/ns/net; ls /proc/self/fd | wc -l')}`,
        `ExecStartPost=/usr/bin/perl ${client}`,
        '',
      ].join('\n'),
    );
    const out = await probeOutput(rsd);
    expect(out[0]).toBe('lo');
    expect(out[1]).toMatch(/[<,]UP[,>]/);
    const ns = out[2];
    expect(ns).toMatch(/^net:\[\d+\]$/);
    expect(ns).not.toBe(readlinkSync('/proc/self/ns/net'));
    // ExecStartPost: the same namespace, and only fds 0, 1, 2 and ls's own (the storage pair is not inherited).
    expect(out.slice(3)).toEqual([ns, '4', 'hello']);
    expect(await rsd.stop()).toBe(0);
  });

  it('OOMScoreAdjust= and UMask= reach the process', async () => {
    rsd = boot(
      `[Service]\nType=oneshot\nOOMScoreAdjust=123\nUMask=0027\nExecStart=${SH('cat /proc/self/oom_score_adj; umask')}\n`,
    );
    expect(await probeOutput(rsd)).toEqual(['123', '0027']);
    expect(await rsd.stop()).toBe(0);
  });

  it('settings rsd does not enforce never fail the unit; rsdctl status and rsd verify say "not enforced"', async () => {
    rsd = boot(
      `[Service]\nSystemCallFilter=@system-service\nRestrictAddressFamilies=AF_UNIX AF_INET\nMemoryDenyWriteExecute=yes\nProtectSystem=yes\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n`,
    );
    await rsd.waitFor(/probe\.service: Started/);
    await rsd.waitFor(/Listening for control requests/);
    const r = spawnSync('node', [RSDCTL, '--socket', rsd.socket, 'status', 'probe.service'], {
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/Active: active \(running\)/);
    const line = r.stdout.split('\n').find((l) => l.startsWith('Not enforced:'));
    expect(line).toBe('Not enforced: SystemCallFilter, RestrictAddressFamilies, MemoryDenyWriteExecute');
    const v = spawnSync(
      'node',
      [
        join(__dirname, '..', '..', 'dist', 'src', 'cli', 'rsd.js'),
        'verify',
        '--unenforced',
        tree.path('units/probe.service'),
      ],
      { encoding: 'utf8' },
    );
    const said = `${v.stdout}${v.stderr}`;
    expect(said).toMatch(/SystemCallFilter= is parsed but not enforced/);
    expect(said).not.toMatch(/ProtectSystem= is parsed but not enforced/);
    expect(said).toMatch(
      /^Parsed but not enforced by rsd \(units using each\):\n {2}MemoryDenyWriteExecute= 1\n/m,
    );
    expect(await rsd.stop()).toBe(0);
  });

  it('the "+" prefix runs a command outside the sandbox', async () => {
    const name = `rsd-sbx-${token()}`;
    writeFileSync(`/tmp/${name}`, 'host\n');
    leftovers.push(`/tmp/${name}`);
    rsd = boot(
      `[Service]\nType=oneshot\nPrivateTmp=yes\nNoNewPrivileges=yes\nExecStart=${SH(`cat /tmp/${name} 2>/dev/null || echo private; grep ^NoNewPrivs /proc/self/status`)}\nExecStart=+${SH(`cat /tmp/${name}; grep ^NoNewPrivs /proc/self/status`)}\n`,
    );
    const out = await probeOutput(rsd);
    expect(out.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'private',
      'NoNewPrivs: 1',
      'host',
      'NoNewPrivs: 0',
    ]);
    expect(await rsd.stop()).toBe(0);
  });
});
