import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { buildMuslHelper, Container, containerTestsUnavailable, stopEvents } from './runc';

/*
 * rsd as PID 1 of a real OCI container (runc, the runtime under Docker and containerd), in a rootfs made by
 * scripts/container/make-rootfs.sh: what `docker run` of dockerfiles/Dockerfile's image does, without a
 * Docker engine. Signals come from `runc kill` (what `docker stop` does), rsdctl runs inside (`runc exec`).
 */
const unavailable = containerTestsUnavailable();
if (unavailable) console.warn(`SKIPPED tests/container: ${unavailable}`);
const describeRunc = unavailable ? describe.skip : describe;
const musl = unavailable ? { skip: unavailable } : buildMuslHelper();
if ('skip' in musl) console.warn(`SKIPPED the musl helper test: ${musl.skip}`);
const itMusl = 'skip' in musl ? it.skip : it;

const TEST_UNITS = join(__dirname, '..', '..', 'test_units');

let ct: Container | null = null;
afterEach(async () => {
  await ct?.cleanup();
  ct = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * dockerfiles/Dockerfile's STOPSIGNAL as Docker resolves it: SIGRTMIN+N is 34+N (Docker's own table, not the
 * libc's), other names as the kernel numbers them.
 */
function imageStopSignal(): { name: string; number: number } {
  const text = readFileSync(join(__dirname, '..', '..', 'dockerfiles', 'Dockerfile'), 'utf8');
  const name = /^STOPSIGNAL (\S+)$/m.exec(text)?.[1] ?? 'SIGTERM';
  const rt = /^SIGRTMIN\+(\d+)$/.exec(name);
  const number = rt ? 34 + Number(rt[1]) : osConstants.signals[name as NodeJS.Signals];
  if (number === undefined) throw new Error(`unknown STOPSIGNAL ${name}`);
  return { name, number };
}

/** Unit name -> the index of its first log line `name: <what>`, or -1. */
function firstIndex(lines: readonly string[], unit: string, what: 'Stopping' | 'Stopped'): number {
  return stopEvents(lines).find(([, u, w]) => u === unit && w === what)?.[0] ?? -1;
}

/** The state letters of every process in the container, from /proc/<pid>/stat, read from inside. */
async function processStates(c: Container): Promise<Map<number, string>> {
  const r = await c.exec(['sh', '-c', 'cat /proc/[0-9]*/stat 2>/dev/null; true']);
  const states = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+) \(.*\) (\S)/.exec(line);
    if (m) states.set(Number(m[1]), m[2]!);
  }
  return states;
}

describeRunc('rsd as PID 1 in a runc container', () => {
  it('boots test_units/, rsdctl inside reports them active, and runc kill TERM stops them in reverse order (exit 0)', async () => {
    ct = new Container(TEST_UNITS).start();
    await ct.waitFor(/Startup finished in .* \(default\.target: done\)/);
    // runc mounts the container's own cgroups read-only: no cgroup v2 or v1 directory can be made in them.
    expect(ct.log).toMatch(
      /Tracking unit processes by process group: cannot create \/sys\/fs\/cgroup\/\w+\/rsd\.units: E[A-Z]+/,
    );

    const pid1 = await ct.exec(['cat', '/proc/1/cmdline']);
    expect(pid1.stdout.split('\0').slice(0, 2)).toEqual(['node', '/usr/local/bin/rsd']);
    const active = await ct.exec([
      'rsdctl',
      'is-active',
      'hello.service',
      'ticker.service',
      'daemon.service',
      'worker@1.service',
      'worker@2.service',
      'echo.socket',
      'multi-user.target',
    ]);
    expect(active).toEqual({ code: 0, stdout: 'active\n'.repeat(7), stderr: '' });
    const skipped = await ct.exec(['rsdctl', 'is-active', 'skipped.service']);
    expect(skipped.code).toBe(3);
    const list = await ct.exec(['rsdctl', 'list-units', '--no-legend']);
    expect(list.stdout).toMatch(/daemon\.service +loaded active running/);

    ct.kill('TERM');
    expect(await ct.exited(30_000)).toBe(0);
    const lines = ct.lines;
    const term = lines.findIndex((l) => /Received SIGTERM, stopping all units\./.test(l));
    expect(term).toBeGreaterThan(0);
    // Reverse order: daemon and ticker (After=hello.service) are stopped before hello begins to stop,
    // multi-user.target (After= all of them) first of all.
    const helloStopping = firstIndex(lines, 'hello.service', 'Stopping');
    expect(helloStopping).toBeGreaterThan(term);
    for (const unit of ['daemon.service', 'ticker.service']) {
      const stopped = firstIndex(lines, unit, 'Stopped');
      expect({ unit, stopped: stopped > term && stopped < helloStopping }).toEqual({ unit, stopped: true });
    }
    expect(firstIndex(lines, 'multi-user.target', 'Stopped')).toBeLessThan(
      firstIndex(lines, 'daemon.service', 'Stopping'),
    );
    expect(lines[lines.length - 1]).toMatch(/All units stopped\. Exiting\./);
  }, 60_000);

  it('reaps an orphan storm of 10,000 double-forked children: no zombie left in the container', async () => {
    ct = new Container({
      'default.target': '[Unit]\nWants=storm.service\n',
      // Each (true &) is a subshell that forks a child and exits at once: the child is reparented to rsd.
      'storm.service':
        "[Service]\nExecStart=/bin/sh -c 'i=0; while [ $$i -lt 10000 ]; do (true &); i=$$((i+1)); done; " +
        "echo done > /run/storm.done; exec sleep 1000'\n",
    }).start();
    await ct.waitFor(/Startup finished/);
    const end = Date.now() + 90_000;
    while ((await ct.exec(['cat', '/run/storm.done'])).code !== 0) {
      if (Date.now() > end) throw new Error(`the storm did not finish; log:\n${ct.log}`);
      await sleep(250);
    }
    // Settle (bounded): the storm's last orphans may still be exiting.
    let states = await processStates(ct);
    const settle = Date.now() + 30_000;
    while ([...states.values()].includes('Z') && Date.now() < settle) {
      await sleep(200);
      states = await processStates(ct);
    }
    const zombies = [...states].filter(([, s]) => s === 'Z').map(([p]) => p);
    expect(zombies).toEqual([]);
    // Left: rsd, the service's sleep and the cat/sh of runc exec, nothing of the storm.
    expect(states.size).toBeLessThanOrEqual(4);
    // The storm really ran: 20,000 forks in a fresh PID namespace put new pids past 20,000.
    const pid = Number((await ct.exec(['sh', '-c', 'echo $$'])).stdout);
    expect(pid).toBeGreaterThan(20_000);

    ct.kill('TERM');
    expect(await ct.exited(30_000)).toBe(0);
  }, 150_000);

  it('runc kill TERM during boot (a slow ExecStartPre=) ends in an orderly shutdown in reverse order, exit 0', async () => {
    ct = new Container({
      'default.target': '[Unit]\nWants=first.service slow.service\n',
      'first.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
      'slow.service':
        '[Unit]\nAfter=first.service\n[Service]\nExecStartPre=/bin/sleep 30\n' +
        "ExecStart=/bin/sh -c 'echo MAIN-STARTED; exec sleep 1000'\n",
    }).start();
    await ct.waitFor(/slow\.service: Starting/);
    ct.kill('TERM');
    expect(await ct.exited(20_000)).toBe(0);
    const lines = ct.lines;
    const term = lines.findIndex((l) => /Received SIGTERM/.test(l));
    expect(term).toBeGreaterThan(0);
    // The boot never finished (or only as canceled), the main process never ran.
    for (const l of lines.filter((x) => /Startup finished/.test(x))) expect(l).toMatch(/: canceled\)/);
    expect(ct.log).not.toMatch(/MAIN-STARTED/);
    // slow.service (After=first.service) is stopped before first.service begins to stop.
    const slowStopped = firstIndex(lines, 'slow.service', 'Stopped');
    expect(slowStopped).toBeGreaterThan(term);
    expect(firstIndex(lines, 'first.service', 'Stopping')).toBeGreaterThan(slowStopped);
    expect(lines[lines.length - 1]).toMatch(/All units stopped\. Exiting\./);
  }, 60_000);

  it('a service that ignores SIGTERM is SIGKILLed after its TimeoutStopSec= and the container still exits', async () => {
    ct = new Container({
      'default.target': '[Unit]\nWants=stubborn.service\n',
      // An ignored signal stays ignored across execve: the sleep itself ignores SIGTERM.
      'stubborn.service':
        '[Service]\nExecStart=/bin/sh -c \'trap "" TERM; exec sleep 1000\'\nTimeoutStopSec=2\n',
    }).start();
    await ct.waitFor(/Startup finished/);
    ct.kill('TERM');
    expect(await ct.exited(30_000)).toBe(0);
    // The SIGKILL came from rsd's stop timeout (runc sent only the one SIGTERM).
    expect(ct.log).toMatch(/stubborn\.service: State 'stop-sigterm' timed out\. Killing\./);
    expect(ct.log).toMatch(/stubborn\.service: Stopped/);
    expect(ct.lines[ct.lines.length - 1]).toMatch(/All units stopped\. Exiting\./);
  }, 60_000);

  it('`rsdctl exit 7` inside ends the container with exit status 7, after an orderly stop', async () => {
    ct = new Container({
      'default.target': '[Unit]\nWants=svc.service\n',
      'svc.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    }).start();
    await ct.waitFor(/Startup finished/);
    const r = await ct.exec(['rsdctl', 'exit', '7']);
    expect(r.code).toBe(0);
    expect(await ct.exited(20_000)).toBe(7);
    expect(ct.log).toMatch(/Exit requested, stopping all units\./);
    expect(ct.log).toMatch(/svc\.service: Stopped/);
  }, 60_000);

  it("the image's STOPSIGNAL (what docker stop sends) ends in an orderly stop, exit 0", async () => {
    const stop = imageStopSignal();
    ct = new Container({
      'default.target': '[Unit]\nWants=svc.service\n',
      'svc.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    }).start();
    await ct.waitFor(/Startup finished/);
    ct.kill(String(stop.number));
    expect(await ct.exited(20_000)).toBe(0);
    expect(ct.log).toMatch(
      new RegExp(`Received ${stop.name.replace('+', '\\+')}\\b.*, stopping all units\\.`),
    );
    expect(ct.log).toMatch(/svc\.service: Stopped/);
  }, 60_000);

  it('with its own cgroup namespace and a writable cgroup2, rsd gives each unit a cgroup and removes them all on exit', async () => {
    // A subtree name of its own: on a hybrid host the namespace's root is the host's unified root.
    const subtree = `rsd-ct-units-${Date.now()}`;
    ct = new Container(TEST_UNITS, {
      cgroup2: true,
      rsdArgs: ['--unit-dir', '/etc/rsd/units', '--cgroup-subtree', subtree],
    }).start();
    await ct.waitFor(/Startup finished/);
    expect(ct.log).toMatch(new RegExp(`Using cgroup v2 at /sys/fs/cgroup/${subtree} `));
    // The forking daemon's double-forked sleep (its PIDFile= pid) is in daemon.service's cgroup.
    const mainPid = (await ct.exec(['cat', '/run/rsd-demo/daemon.pid'])).stdout.trim();
    const procs = await ct.exec(['cat', `/sys/fs/cgroup/${subtree}/daemon.service/cgroup.procs`]);
    expect(procs.stdout.split('\n')).toContain(mainPid);
    const status = await ct.exec(['rsdctl', 'status', 'worker@1.service']);
    expect(status.stdout).toContain(`CGroup: /sys/fs/cgroup/${subtree}/worker@1.service`);

    // Where that cgroup is on the host: the host's cgroup2 mount + the container init's cgroup.
    const hostMount = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' - '))
      .find(([, after]) => after?.startsWith('cgroup2 '))?.[0]
      ?.split(' ')[4];
    const initCgroup = readFileSync(`/proc/${ct.initPid()}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'))
      ?.slice(3);
    expect(hostMount && initCgroup).toBeTruthy();
    const onHost = join(hostMount!, initCgroup!, subtree);
    expect(existsSync(join(onHost, 'daemon.service'))).toBe(true);

    ct.kill('TERM');
    expect(await ct.exited(30_000)).toBe(0);
    expect(existsSync(onHost)).toBe(false);
  }, 60_000);

  itMusl(
    "the musl-built exec helper (the Alpine image's) applies User=, LimitNOFILE=, UMask=",
    async () => {
      const helper = join('dir' in musl ? musl.dir : '', 'rsd-exec-helper');
      ct = new Container(
        {
          'default.target': '[Unit]\nWants=creds.service\n',
          // LimitNOFILE= stays under the container's hard limit (1024): raising it needs CAP_SYS_RESOURCE.
          'creds.service':
            '[Service]\nType=oneshot\nRemainAfterExit=yes\nUser=nobody\nLimitNOFILE=512\nUMask=0027\n' +
            "ExecStart=/bin/sh -c 'echo CREDS $$(id -u) $$(ulimit -n) $$(umask)'\n",
        },
        { execHelper: helper },
      ).start();
      await ct.waitFor(/Startup finished/);
      expect(ct.log).toMatch(/CREDS 65534 512 0027/);
      // rsd was told to use the musl build (RSD_EXEC_HELPER), and that file is the one the test built.
      const environ = await ct.exec(['cat', '/proc/1/environ']);
      expect(environ.stdout.split('\0')).toContain('RSD_EXEC_HELPER=/opt/rsd/alt-helper/rsd-exec-helper');
      const inside = await ct.exec(['sha256sum', '/opt/rsd/alt-helper/rsd-exec-helper']);
      const host = createHash('sha256').update(readFileSync(helper)).digest('hex');
      expect(inside.stdout.split(' ')[0]).toBe(host);
      ct.kill('TERM');
      expect(await ct.exited(20_000)).toBe(0);
    },
    60_000,
  );
});
