import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type BenchRow } from './table';

/*
 * Socket activation latency, READY=1 to "active", and sd_notify throughput, each against a baseline measured in
 * the same run. Every timestamp (the bench's process.hrtime, the programs' CLOCK_MONOTONIC and Python's
 * time.monotonic_ns) is on the same clock, CLOCK_MONOTONIC.
 */

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');
const PYTHON = '/usr/bin/python3';

/** Accepts one connection on fd 3 (socket activated) and writes its start time; without LISTEN_FDS, to stdout. */
const ACTIVATE_C = `
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%lld\\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
  const char *fds = getenv("LISTEN_FDS");
  if (fds == NULL || atoi(fds) < 1) {
    if (write(1, buf, n) != n) return 1;
    return 0;
  }
  int c = accept(3, NULL, NULL);
  if (c < 0) return 2;
  if (write(c, buf, n) != n) return 3;
  close(c);
  for (;;) pause();
}
`;

/**
 * Sends READY=1, then N x STATUS=i and STATUS=done to $NOTIFY_SOCKET from a non-blocking socket, waiting in
 * poll() and retrying on EAGAIN (net.unix.max_dgram_qlen is small); writes "first-send end" (ns) to argv[2].
 * argv[3] = "stay" keeps it running afterwards (a service must not exit, or its StatusText goes with it).
 */
const BLAST_C = `
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
static int s;
static long long now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static long long retries;
static void out(const char *m, size_t len) {
  for (;;) {
    if (send(s, m, len, 0) == (ssize_t)len) return;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS && errno != EINTR) {
      perror("send");
      exit(4);
    }
    retries++;
    struct pollfd p = { .fd = s, .events = POLLOUT };
    poll(&p, 1, 1);
  }
}
int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  const char *path = getenv("NOTIFY_SOCKET");
  if (path == NULL) return 2;
  s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  socklen_t len = sizeof a;
  if (path[0] == '@') {
    a.sun_path[0] = 0;
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
  }
  if (connect(s, (struct sockaddr *)&a, len) < 0) { perror("connect"); return 3; }
  out("READY=1", 7);
  long long t0 = now();
  char m[32];
  for (int i = 0; i < n; i++) {
    int l = snprintf(m, sizeof m, "STATUS=%d", i);
    out(m, (size_t)l);
  }
  out("STATUS=done", 11);
  long long t1 = now();
  FILE *f = fopen(argv[2], "w");
  fprintf(f, "%lld %lld %lld\\n", t0, t1, retries);
  fclose(f);
  if (argc > 3) for (;;) pause();
  return 0;
}
`;

/** The baseline receiver: a plain Python datagram socket that counts to N and then reports when. */
const RECV_PY = `
import socket, sys, time, os
path, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print('ready', flush=True)
count = 0
while True:
    m = s.recv(4096)
    if m == b'STATUS=done':
        break
    if m.startswith(b'STATUS='):
        count += 1
print(time.monotonic_ns(), count, flush=True)
`;

/** A Type=notify service: records time.monotonic_ns() right before READY=1, then writes it to argv[1]. */
const READY_PY = `
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(os.environ['NOTIFY_SOCKET'])
t = time.monotonic_ns()
s.send(b'READY=1')
with open(sys.argv[1] + '.tmp', 'w') as f:
    f.write(str(t))
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
time.sleep(1000)
`;

/** The baseline for READY=1: a unix datagram round trip between two processes (median of many), in ns. */
const RTT_PY = `
import os, socket, sys, time, statistics
d = sys.argv[1]
a, b = os.path.join(d, 'rtt-a'), os.path.join(d, 'rtt-b')
for p in (a, b):
    try: os.unlink(p)
    except FileNotFoundError: pass
sa = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); sa.bind(a)
sb = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); sb.bind(b)
if os.fork() == 0:
    sa.close()
    while True:
        m = sb.recv(64)
        if m == b'q':
            os._exit(0)
        sb.sendto(m, a)
sb.close()
ts = []
for i in range(2000):
    t = time.monotonic_ns()
    sa.sendto(b'READY=1', b)
    sa.recv(64)
    ts.append(time.monotonic_ns() - t)
sa.sendto(b'q', b)
os.wait()
print(int(statistics.median(ts[200:])))
`;

/** Each figure restarts its service many times within StartLimitIntervalSec=. */
const NO_LIMIT = '[Unit]\nStartLimitBurst=0\n';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): bigint => process.hrtime.bigint();
const msBetween = (a: bigint, b: bigint): number => Number(b - a) / 1e6;

/** Newline-delimited JSON-RPC over rsd's control socket, one request at a time. */
class Control {
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  private id = 0;
  private constructor(private readonly s: Socket) {
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      this.buf += c;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiters.shift()?.(line);
      }
    });
  }
  static open(path: string): Promise<Control> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new Control(s)));
      s.once('error', reject);
    });
  }
  async call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const line = await new Promise<string>((resolve) => {
      this.waiters.push(resolve);
      this.s.write(JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }) + '\n');
    });
    const r = JSON.parse(line) as { result?: Record<string, unknown>; error?: { message: string } };
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result ?? {};
  }
  close(): void {
    this.s.destroy();
  }
}

/** rsd as a child process; every stdout line is stamped with the bench's clock as it arrives. */
class RsdProc {
  readonly lines: Array<{ t: bigint; line: string }> = [];
  private watchers: Array<(t: bigint, line: string) => void> = [];
  readonly exited: Promise<number | null>;
  private readonly p: ChildProcess;
  constructor(
    unitDir: string,
    readonly socket: string,
  ) {
    this.p = spawn(
      'node',
      [
        RSD,
        '--unit-dir',
        unitDir,
        '--unit',
        'boot.target',
        '--socket',
        socket,
        '--cgroup-subtree',
        `rsd-bench-activation-${process.pid}`,
        '--log-level',
        'info',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const killOnExit = (): void => void this.p.kill('SIGTERM');
    process.on('exit', killOnExit);
    this.exited = new Promise((r) =>
      this.p.on('exit', (code) => {
        process.off('exit', killOnExit);
        r(code);
      }),
    );
    let buf = '';
    const onData = (c: Buffer): void => {
      const t = now();
      buf += c.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push({ t, line });
        for (const w of [...this.watchers]) w(t, line);
      }
    };
    this.p.stdout!.on('data', onData);
    this.p.stderr!.on('data', onData);
  }
  /** The bench-clock time of the next line matching `re` (logged after this call). */
  next(re: RegExp, timeoutMs = 20_000): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((x) => x !== w);
        reject(new Error(`rsd logged nothing matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = (t: bigint, line: string): void => {
        if (!re.test(line)) return;
        clearTimeout(timer);
        this.watchers = this.watchers.filter((x) => x !== w);
        resolve(t);
      };
      this.watchers.push(w);
    });
  }
  ctl(...args: string[]): string {
    const r = spawnSync('node', [RSDCTL, '--socket', this.socket, ...args], { encoding: 'utf8' });
    return r.stdout;
  }
  async stop(): Promise<void> {
    if (this.p.exitCode === null && this.p.signalCode === null) this.p.kill('SIGTERM');
    const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, t])) === 'timeout') this.p.kill('SIGKILL');
  }
  get log(): string {
    return this.lines.map((l) => l.line).join('\n');
  }
}

/** The file's content once it exists (after a 1 ms pause otherwise). */
async function readIfThere(path: string): Promise<string | undefined> {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  await sleep(1);
  return undefined;
}

async function until<T>(f: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Connects, resolves with [time just before connect(), the ns the service wrote back]. */
function activateOnce(port: number): Promise<[bigint, bigint]> {
  return new Promise((resolve, reject) => {
    let data = '';
    const t0 = now();
    const s = connect(port, '127.0.0.1');
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('close', () => {
      if (/^\d+\n$/.test(data)) resolve([t0, BigInt(data.trim())]);
      else reject(new Error(`activated service answered ${JSON.stringify(data)}`));
    });
    s.on('error', reject);
    s.setTimeout(10_000, () => {
      s.destroy();
      reject(new Error('the socket-activated service did not answer within 10 s'));
    });
  });
}

/** Spawns the program directly, resolves with the ms from spawn() to the start time it reports. */
function spawnOnce(bin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t0 = now();
    const p = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => (out += d));
    p.on('error', reject);
    p.on('close', () => resolve(msBetween(t0, BigInt(out.trim()))));
  });
}

async function benchSocketActivation(
  rsd: RsdProc,
  ctl: Control,
  bin: string,
  port: number,
  runs: number,
): Promise<BenchRow[]> {
  const viaRsd: number[] = [];
  const direct: number[] = [];
  const toStarting: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    // Cold: the service is inactive and the socket listening (rsd polls its fd).
    await until(
      async () => {
        const u = await ctl.call('GetUnit', { unit: 'act.service' });
        const s = await ctl.call('GetUnit', { unit: 'act.socket' });
        if (u.active === 'failed') throw new Error(`act.service failed (${JSON.stringify(u)})`);
        return u.active === 'inactive' && s.sub === 'listening' ? true : undefined;
      },
      10_000,
      'act.service inactive and act.socket listening',
    );
    const starting = rsd.next(/Starting act\.service/);
    const [t0, started] = await activateOnce(port);
    toStarting.push(msBetween(t0, await starting));
    const d = await spawnOnce(bin);
    if (i > 0) {
      // the first of each is a warm-up (page cache, rsd's JIT)
      viaRsd.push(msBetween(t0, started));
      direct.push(d);
    }
    const out = rsd.ctl('stop', 'act.service');
    if (out.trim() !== '') throw new Error(`rsdctl stop act.service said ${out}`);
  }
  const v = median(viaRsd);
  const b = median(direct);
  if (process.env.RSD_BENCH_VERBOSE) {
    console.error(
      `activation: connect() to "Starting act.service" read: ${median(toStarting.slice(1)).toFixed(2)} ms`,
    );
    console.error(`activation via rsd (ms): ${viaRsd.map((x) => x.toFixed(2)).join(' ')}`);
    console.error(`spawn from Node (ms): ${direct.map((x) => x.toFixed(2)).join(' ')}`);
  }
  return [
    {
      figure: `socket activation, client connect() to service start (Accept=no, median of ${runs})`,
      value: v,
      unit: 'ms',
      baseline: b,
      baselineName: 'spawn() from Node to the same program',
    },
    {
      figure: 'socket activation: rsd overhead (value - baseline of the row above)',
      value: v - b,
      unit: 'ms',
      baseline: 1,
      baselineName: 'target',
    },
  ];
}

async function benchReady(rsd: RsdProc, ctl: Control, dir: string, runs: number): Promise<BenchRow[]> {
  const readyFile = join(dir, 'ready-at');
  const toLog: number[] = [];
  const toActive: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    rmSync(readyFile, { force: true });
    const logged = rsd.next(/ready\.service: Started|Started ready\.service/);
    await ctl.call('Start', { unit: 'ready.service', noBlock: true });
    // Poll GetUnit as fast as the control socket answers (one request in flight).
    const activeAt = await until(
      async () => {
        const u = await ctl.call('GetUnit', { unit: 'ready.service' });
        if (u.active === 'failed') throw new Error(`ready.service failed:\n${rsd.log}`);
        return u.active === 'active' ? now() : undefined;
      },
      20_000,
      'ready.service active',
    );
    const logAt = await logged;
    const readyAt = BigInt(await until(async () => readIfThere(readyFile), 5_000, 'the READY=1 time'));
    if (rsd.ctl('is-active', 'ready.service') !== 'active\n') throw new Error('rsdctl is-active disagrees');
    if (i > 0) {
      toLog.push(msBetween(readyAt, logAt));
      toActive.push(msBetween(readyAt, activeAt));
    }
    rsd.ctl('stop', 'ready.service');
  }
  const rtt = Number(execFileSync(PYTHON, ['-c', RTT_PY, dir], { encoding: 'utf8' }).trim()) / 1e6;
  return [
    {
      figure: `Type=notify: READY=1 sent to GetUnit (is-active) answering active (median of ${runs})`,
      value: median(toActive),
      unit: 'ms',
      baseline: rtt,
      baselineName: 'unix datagram round trip, 2 Python processes',
    },
    {
      figure: `Type=notify: READY=1 sent to "Started" line read from rsd's stdout (median of ${runs})`,
      value: median(toLog),
      unit: 'ms',
      baseline: rtt,
      baselineName: 'unix datagram round trip, 2 Python processes',
    },
  ];
}

async function benchNotifyRate(
  ctl: Control,
  dir: string,
  blast: string,
  n: number,
  runs: number,
): Promise<BenchRow[]> {
  const timesFile = join(dir, 'blast-times');
  const viaRsd: number[] = [];
  const direct: number[] = [];
  const notes: string[] = [];
  for (let i = 0; i < runs; i++) {
    // rsd: the service is started, the bench polls StatusText (not too hard: rsd must also read the datagrams).
    rmSync(timesFile, { force: true });
    await ctl.call('Start', { unit: 'blast.service', noBlock: true });
    const doneAt = await until(
      async () => {
        const r = await ctl.call('Show', {
          unit: 'blast.service',
          properties: ['StatusText', 'ActiveState'],
        });
        const props = (r.properties ?? r) as Record<string, string>;
        if (props.ActiveState === 'failed') throw new Error('blast.service failed');
        if (props.StatusText === 'done') return now();
        await sleep(2);
        return undefined;
      },
      120_000,
      'StatusText=done',
    );
    const [t0, t1, retries] = (await until(async () => readIfThere(timesFile), 5_000, 'the sender times'))
      .trim()
      .split(' ')
      .map(BigInt) as [bigint, bigint, bigint];
    viaRsd.push(n / (msBetween(t0, doneAt) / 1000));
    notes.push(
      `rsd run ${i}: sender done after ${msBetween(t0, t1).toFixed(1)} ms, ${retries} EAGAIN retries`,
    );
    await ctl.call('Stop', { unit: 'blast.service' });

    // Baseline: the same sender, spawned by the bench, against a plain Python receiver.
    const sock = join(dir, 'recv.sock');
    rmSync(sock, { force: true });
    const recv = spawn(PYTHON, ['-c', RECV_PY, sock, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    recv.stdout.setEncoding('utf8');
    const ready = new Promise<void>((r) =>
      recv.stdout.on('data', (d: string) => {
        out += d;
        if (out.startsWith('ready\n')) r();
      }),
    );
    const closed = new Promise<void>((r) => recv.on('close', () => r()));
    await ready;
    rmSync(timesFile, { force: true });
    execFileSync(blast, [String(n), timesFile], { env: { ...process.env, NOTIFY_SOCKET: sock } });
    await closed;
    const [recvAt, count] = out.split('\n')[1]!.split(' ');
    if (Number(count) !== n) throw new Error(`the baseline receiver counted ${count}, not ${n}`);
    const [b0, b1, bRetries] = readFileSync(timesFile, 'utf8').trim().split(' ').map(BigInt) as [
      bigint,
      bigint,
      bigint,
    ];
    direct.push(n / (msBetween(b0, BigInt(recvAt!)) / 1000));
    notes.push(
      `baseline run ${i}: sender done after ${msBetween(b0, b1).toFixed(1)} ms, ${bRetries} retries`,
    );
  }
  if (process.env.RSD_BENCH_VERBOSE) console.error(notes.join('\n'));
  return [
    {
      figure: `sd_notify: ${n} STATUS= datagrams until StatusText=done (median of ${runs})`,
      value: median(viaRsd),
      unit: 'msg/s',
      baseline: median(direct),
      baselineName: 'same sender, plain Python receiver',
    },
    {
      figure: 'sd_notify messages per second through rsd',
      value: median(viaRsd),
      unit: 'msg/s',
      baseline: 20_000,
      baselineName: 'target',
    },
  ];
}

export async function benchActivation(runs = 10, notifyN = 50_000): Promise<BenchRow[]> {
  const base = mkdtempSync(join(tmpdir(), 'rsd-bench-activation-'));
  let rsd: RsdProc | null = null;
  let ctl: Control | null = null;
  try {
    const act = join(base, 'activate');
    const blast = join(base, 'blast');
    writeFileSync(`${act}.c`, ACTIVATE_C);
    writeFileSync(`${blast}.c`, BLAST_C);
    execFileSync('cc', ['-O2', '-o', act, `${act}.c`]);
    execFileSync('cc', ['-O2', '-o', blast, `${blast}.c`]);
    writeFileSync(join(base, 'ready.py'), READY_PY);

    const units = join(base, 'units');
    mkdirSync(units);
    const port = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(join(units, 'act.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=no\n`);
    writeFileSync(join(units, 'act.service'), `${NO_LIMIT}[Service]\nExecStart=${act}\n`);
    writeFileSync(
      join(units, 'ready.service'),
      `${NO_LIMIT}[Service]\nType=notify\nExecStart=${PYTHON} ${join(base, 'ready.py')} ${join(base, 'ready-at')}\n`,
    );
    writeFileSync(
      join(units, 'blast.service'),
      `${NO_LIMIT}[Service]\nType=notify\nExecStart=${blast} ${notifyN} ${join(base, 'blast-times')} stay\n`,
    );
    writeFileSync(join(units, 'boot.target'), '[Unit]\nWants=act.socket\n');

    const sock = join(base, 'rsd.sock');
    rsd = new RsdProc(units, sock);
    await rsd.next(/Startup finished/);
    ctl = await Control.open(sock);

    const rows: BenchRow[] = [];
    rows.push(...(await benchSocketActivation(rsd, ctl, act, port, runs)));
    rows.push(...(await benchReady(rsd, ctl, base, runs)));
    rows.push(...(await benchNotifyRate(ctl, base, blast, notifyN, 3)));
    return rows;
  } catch (e) {
    if (rsd) (e as Error).message += `\nrsd log (tail):\n${rsd.log.split('\n').slice(-40).join('\n')}`;
    throw e;
  } finally {
    ctl?.close();
    await rsd?.stop();
    rmSync(base, { recursive: true, force: true });
  }
}
