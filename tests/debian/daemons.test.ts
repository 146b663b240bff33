import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import { Bed, bedUnitDir, installDaemons } from './bed';
import { parseProbe, PROBE, PROBES, probeArgs } from './probe';

/*
 * Debian's own daemons, installed from its packages (scripts/install-debian-daemons.sh), booted by rsd as
 * PID 1 with their unmodified units, from the machine's unit directories and the enablement links the
 * packages made. The bed is a private PID, mount, UTS and network namespace (loopback only) with a tmpfs
 * on /run; the rest of the file system is the machine's.
 *
 * The boot target is rsd-debian-test.target, which Wants= the six services (and ssh.socket), not
 * multi-user.target: multi-user.target would also boot whatever else this machine has enabled (other
 * packages' services, getty), and its sysinit.target pulls in early-boot services (systemd-tmpfiles
 * --remove, sysctl, modprobe, journald) that would act on the host's real, shared file systems. Those are
 * masked in the bed's unit directory; sysinit.target itself is the machine's.
 */
const SYSTEM = ['/etc/systemd/system', '/lib/systemd/system'];
const TARGET = 'rsd-debian-test.target';
const SERVICES = [
  'nginx.service',
  'redis-server.service',
  'memcached.service',
  'ssh.service',
  'cron.service',
  'rsyslog.service',
];

const notInstalled = installDaemons();
if (notInstalled !== null) console.warn(`SKIPPED tests/debian/daemons.test.ts: ${notInstalled}`);
const maybe = notInstalled === null ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

maybe('Debian 12 daemons with their own units, rsd as PID 1', () => {
  let tree: TmpTree;
  let bed: Bed;
  /** ms from rsd's start to each daemon answering / each unit's "Started" line. */
  const answered = new Map<string, number | string>();
  const started = new Map<string, number>();

  beforeAll(async () => {
    tree = new TmpTree();
    const dir = bedUnitDir(tree, TARGET, [...SERVICES, 'ssh.socket'], SYSTEM);
    bed = new Bed([dir, ...SYSTEM], TARGET);
    // The probe enters the bed's network namespace as soon as rsd exists and polls all four ports at once.
    for (let i = 0; i < 200; i++) {
      try {
        bed.pid();
        break;
      } catch {
        await sleep(10);
      }
    }
    const probe = await bed.run(['node', '-e', PROBE, ...probeArgs(bed.startedAt, 40_000, PROBES)], 60_000);
    for (const [k, v] of parseProbe(probe.out)) answered.set(k, v);
    await bed.waitFor(/Startup finished in/, 40_000);
    for (const u of SERVICES) {
      const l = bed.lines.find((x) => x.text.includes(`${u}: Started `));
      if (l) started.set(u, l.at - bed.startedAt);
    }
    const first = bed.lines[0]!.at - bed.startedAt;
    const finished = (await bed.waitFor(/Startup finished in/)).at - bed.startedAt;
    const times = [
      `rsd's first log line +${first} ms`,
      `Startup finished +${finished} ms`,
      ...SERVICES.map((u) => `${u} started +${started.get(u)} ms`).concat(
        PROBES.map((p) => `${p.name} answered +${answered.get(p.name)} ms`),
      ),
    ];
    console.log(`Debian bed boot times (from rsd's start):\n${times.join('\n')}`);
  }, 120_000);

  afterAll(async () => {
    await bed?.teardown();
    tree?.cleanup();
  }, 30_000);

  it('every daemon serves: nginx HTTP on :80, redis PING, memcached stats, sshd banner on :22', () => {
    expect(Object.fromEntries(answered)).toEqual({
      nginx: expect.any(Number),
      redis: expect.any(Number),
      memcached: expect.any(Number),
      sshd: expect.any(Number),
    });
  });

  it('the boot reached the target with each unit active, and rsdctl status shows each one running', async () => {
    expect(bed.log).toMatch(new RegExp(`Startup finished in [\\d.]+ ms \\(${TARGET}: done\\)`));
    for (const u of [...SERVICES, 'ssh.socket', 'syslog.socket']) {
      const st = await bed.rsdctl('status', u);
      expect({ u, code: st.code }).toEqual({ u, code: 0 });
      expect(st.out).toMatch(/Active: active \((running|listening)\)/);
    }
    // What the units asked for under /run, made by rsd: RuntimeDirectory= with its mode and owner.
    const dirs = await bed.run(['stat', '-c', '%n %a %U:%G', '/run/redis', '/run/sshd']);
    expect(dirs.out.trim().split('\n')).toEqual(['/run/redis 2755 redis:redis', '/run/sshd 755 root:root']);
    const nginx = await bed.rsdctl('status', 'nginx.service');
    expect(nginx.out).toMatch(/Loaded: loaded \(\/lib\/systemd\/system\/nginx\.service; enabled/);
    expect(nginx.out).toMatch(/Main PID: \d+ \(nginx\)/);
    expect(nginx.out).toMatch(/nginx: worker process/);
  });

  it('rsyslog takes syslog.socket (/run/systemd/journal/syslog): a plain logger message reaches /var/log/syslog through the journal', async () => {
    const tag = `rsd-bed-${process.pid}-${Date.now()}`;
    // sd_booted() said yes, so rsyslog took the socket rsd made and did not bind /dev/log itself: /dev/log
    // is rsd's journal's, as it is journald's under systemd.
    const unix = (await bed.run(['cat', '/proc/net/unix'])).out;
    expect(unix).toMatch(/ \/run\/systemd\/journal\/syslog$/m);
    const devLog = / (\d+) \/dev\/log$/m.exec(unix)?.[1];
    if (devLog !== undefined) {
      const rsdFds = (await bed.run(['ls', '-l', '/proc/1/fd'])).out;
      expect(rsdFds).toContain(`socket:[${devLog}]`);
    }
    // A plain logger, as a daemon's syslog(3): /dev/log is rsd's journal, which forwards to rsyslog's socket
    // (ForwardToSyslog=, as journald on Debian); the journal adds the sender's pid to the tag.
    const r = await bed.run(['logger', '-t', tag, 'hello from the bed']);
    expect(r).toEqual({ code: 0, out: '' });
    const end = Date.now() + 10_000;
    let found = false;
    const line = new RegExp(`${tag}\\[\\d+\\]: hello from the bed`);
    while (!found && Date.now() < end) {
      found = line.test(readFileSync('/var/log/syslog', 'utf8'));
      if (!found) await sleep(50);
    }
    expect(found).toBe(true);
  });

  it('rsdctl reload nginx: the master stays, the workers are new', async () => {
    const master = await bed.prop('nginx.service', 'MainPID');
    const workers = async (): Promise<string> =>
      (await bed.run(['sh', '-c', `cat /proc/${master}/task/*/children`])).out
        .trim()
        .split(/\s+/)
        .sort()
        .join(' ');
    const before = await workers();
    expect(before).toMatch(/^\d+( \d+)*$/);
    const r = await bed.rsdctl('reload', 'nginx.service');
    expect(r).toEqual({ code: 0, out: '' });
    const end = Date.now() + 10_000;
    let after = await workers();
    const oldOnes = (list: string): boolean => before.split(' ').some((w) => list.split(' ').includes(w));
    // The old workers finish their requests and go; the new ones are already there.
    while ((oldOnes(after) || after === '') && Date.now() < end) {
      await sleep(50);
      after = await workers();
    }
    expect(await bed.prop('nginx.service', 'MainPID')).toBe(master);
    expect(after).toMatch(/^\d+( \d+)*$/);
    for (const w of before.split(' ')) expect(after.split(' ')).not.toContain(w);
    const probe = await bed.run(['node', '-e', PROBE, ...probeArgs(Date.now(), 10_000, [PROBES[0]!])]);
    expect(parseProbe(probe.out).get('nginx')).toEqual(expect.any(Number));
  });

  it('rsdctl restart redis-server: a new main pid, READY=1 again, and it answers PING', async () => {
    const before = await bed.prop('redis-server.service', 'MainPID');
    const r = await bed.rsdctl('restart', 'redis-server.service');
    expect(r).toEqual({ code: 0, out: '' });
    const after = await bed.prop('redis-server.service', 'MainPID');
    expect(after).not.toBe(before);
    expect(await bed.prop('redis-server.service', 'ActiveState')).toBe('active');
    // Type=notify: the restart job finished only once READY=1 came; the status text is redis's own.
    expect(await bed.prop('redis-server.service', 'StatusText')).toMatch(/Ready to accept connections/);
    const probe = await bed.run(['node', '-e', PROBE, ...probeArgs(Date.now(), 10_000, [PROBES[1]!])]);
    expect(parseProbe(probe.out).get('redis')).toEqual(expect.any(Number));
  });

  it('rsdctl stop ssh.service: ssh.socket keeps listening and a connection starts sshd again', async () => {
    // Debian 12's ssh.socket is Accept=no: one sshd for all connections, given the listening socket.
    const stop = await bed.rsdctl('stop', 'ssh.service');
    expect(stop).toEqual({ code: 0, out: '' });
    expect(await bed.prop('ssh.service', 'ActiveState')).toBe('inactive');
    expect(await bed.prop('ssh.socket', 'ActiveState')).toBe('active');
    const probe = await bed.run(['node', '-e', PROBE, ...probeArgs(Date.now(), 10_000, [PROBES[3]!])]);
    expect(parseProbe(probe.out).get('sshd')).toEqual(expect.any(Number));
    expect(await bed.prop('ssh.service', 'ActiveState')).toBe('active');
    expect(Number(await bed.prop('ssh.service', 'MainPID'))).toBeGreaterThan(0);
  });

  it('kill -9 of memcached: its Restart=always brings it back with a new pid', async () => {
    const before = await bed.prop('memcached.service', 'MainPID');
    const k = await bed.run(['kill', '-9', before]);
    expect(k.code).toBe(0);
    await bed.waitFor(/memcached\.service: Main process exited, code=killed, status=9\/KILL/, 10_000);
    const end = Date.now() + 10_000;
    let after = before;
    while ((after === before || after === '0') && Date.now() < end) {
      await sleep(50);
      after = await bed.prop('memcached.service', 'MainPID');
    }
    expect(after).not.toBe(before);
    expect(after).not.toBe('0');
    expect(await bed.prop('memcached.service', 'NRestarts')).toBe('1');
    const probe = await bed.run(['node', '-e', PROBE, ...probeArgs(Date.now(), 10_000, [PROBES[2]!])]);
    expect(parseProbe(probe.out).get('memcached')).toEqual(expect.any(Number));
  });

  it('SIGTERM: every unit stops in dependency order, nothing left running, rsd exits 0', async () => {
    const daemons = bed.others().filter((p) => /nginx|redis|memcached|sshd|cron|rsyslog/.test(p.comm));
    expect(daemons.length).toBeGreaterThanOrEqual(6);
    const from = bed.lines.length;
    const cgroupRoot = /Using cgroup v2 at (\S+) to track/.exec(bed.log)?.[1];
    expect(cgroupRoot).toBeDefined();
    expect(await bed.stop(40_000)).toBe(0);
    // A unit's cgroup goes only once no process is left in it: none is left when rsd has exited (the
    // kernel's kill of the namespace at rsd's exit leaves no trace in the cgroups, so this tells).
    const left = existsSync(cgroupRoot!)
      ? readdirSync(cgroupRoot!, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
      : [];
    expect(left).toEqual([]);
    const tail = bed.lines.slice(from).map((l) => l.text);
    const at = (re: RegExp): number => tail.findIndex((l) => re.test(l));
    for (const u of [...SERVICES, 'ssh.socket', 'syslog.socket'])
      expect({ u, stopped: at(new RegExp(`${u.replace('.', '\\.')}: Stopped `)) >= 0 }).toEqual({
        u,
        stopped: true,
      });
    // Reverse start order: a socket after its service, the targets after what was ordered after them.
    expect(at(/ssh\.socket: Stopped/)).toBeGreaterThan(at(/ssh\.service: Stopped/));
    expect(at(/syslog\.socket: Stopped/)).toBeGreaterThan(at(/rsyslog\.service: Stopped/));
    expect(at(/network-online\.target: Stopped/)).toBeGreaterThan(at(/nginx\.service: Stopped/));
    const lastService = Math.max(...SERVICES.map((u) => at(new RegExp(`${u.replace('.', '\\.')}: Stopped`))));
    expect(at(/sysinit\.target: Stopped/)).toBeGreaterThan(lastService);
    // Stopped by their ExecStop= or SIGTERM, not by a timeout's SIGKILL.
    expect(tail.filter((l) => /SIGKILL|timed out|Timed out/i.test(l))).toEqual([]);
    for (const d of daemons) expect({ d, alive: isAlive(d.pid) }).toEqual({ d, alive: false });
  }, 60_000);
});

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}
