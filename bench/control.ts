import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type BenchRow } from './table';

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');

/** A plain newline-delimited unix-socket echo server in Node: the baseline for the API's figures. */
const ECHO_SERVER = `
const net = require('net');
net.createServer((s) => s.pipe(s)).listen(process.argv[1], () => console.log('ready'));
`;

function waitForOutput(p: ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    p.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      if (re.test(buf)) resolve();
    });
  });
}

/** A line client that sends a request and resolves with the reply line. */
class LineClient {
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
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
  static open(path: string): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new LineClient(s)));
      s.once('error', reject);
    });
  }
  ask(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.s.write(line + '\n');
    });
  }
  close(): void {
    this.s.destroy();
  }
}

const REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'GetUnit',
  params: { unit: 'keep.service' },
});

async function roundTrips(path: string, n: number): Promise<number[]> {
  const c = await LineClient.open(path);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await c.ask(REQUEST);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  c.close();
  return times;
}

async function throughput(path: string, clients: number, ms: number): Promise<number> {
  const cs = await Promise.all(Array.from({ length: clients }, () => LineClient.open(path)));
  let done = 0;
  const end = Date.now() + ms;
  await Promise.all(
    cs.map(async (c) => {
      while (Date.now() < end) {
        await c.ask(REQUEST);
        done++;
      }
    }),
  );
  for (const c of cs) c.close();
  return (done / ms) * 1000;
}

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

function wallMs(cmd: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(cmd, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

export async function benchControl(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rsd-bench-ctl-'));
  const sock = join(dir, 'rsd.sock');
  const echoSock = join(dir, 'echo.sock');
  writeFileSync(join(dir, 'boot.target'), '[Unit]\nWants=keep.service\n');
  writeFileSync(join(dir, 'keep.service'), '[Service]\nExecStart=/bin/sleep 1000\n');
  const rsd = spawn(
    'node',
    [
      RSD,
      '--unit-dir',
      dir,
      '--unit',
      'boot.target',
      '--socket',
      sock,
      '--cgroup-subtree',
      `rsd-bench-ctl-${process.pid}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const echo = spawn('node', ['-e', ECHO_SERVER, echoSock], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await Promise.all([waitForOutput(rsd, /Startup finished/), waitForOutput(echo, /ready/)]);
    await roundTrips(sock, 200);
    await roundTrips(echoSock, 200);
    const api = await roundTrips(sock, 3000);
    const base = await roundTrips(echoSock, 3000);
    const apiRps = await throughput(sock, 8, 1500);
    const baseRps = await throughput(echoSock, 8, 1500);
    const isActive = wallMs('node', [RSDCTL, '--socket', sock, 'is-active', 'keep'], 15);
    const bare = wallMs('node', ['-e', '0'], 15);
    return [
      {
        figure: 'API round trip p50 (GetUnit)',
        value: pct(api, 0.5),
        unit: 'ms',
        baseline: pct(base, 0.5),
        baselineName: 'Node unix echo',
      },
      {
        figure: 'API round trip p99 (GetUnit)',
        value: pct(api, 0.99),
        unit: 'ms',
        baseline: pct(base, 0.99),
        baselineName: 'Node unix echo',
      },
      {
        figure: 'API requests/s, 8 parallel clients',
        value: apiRps,
        unit: 'req/s',
        baseline: baseRps,
        baselineName: 'Node unix echo',
      },
      {
        figure: 'rsdctl is-active, whole process',
        value: isActive,
        unit: 'ms',
        baseline: bare,
        baselineName: 'node -e 0',
      },
    ];
  } finally {
    rsd.kill('SIGTERM');
    echo.kill();
    await new Promise((r) => rsd.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
