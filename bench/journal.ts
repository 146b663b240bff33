/**
 * The journal: lines per second captured and persisted from one fast writer (baselines: the same writer
 * into `cat > /dev/null` through a pipe, and into a plain file), rsd's RSS growth meanwhile, and the latency
 * of `rsdctl logs -u X -n 100` on a 1 GB journal (baseline: the same query on a small journal).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EntryMeta } from '../src/journal/entry';
import { JournalStore } from '../src/journal/store';
import { killCgroupTree } from './rsd-cgroups';
import { median, type BenchRow } from './table';

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');
const FLOOD = join(ROOT, 'tests', 'journal', 'flood.js');
const LINES = 1_000_000;

function seconds(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function ctl(socket: string, ...args: string[]): string {
  return spawnSync('node', [RSDCTL, '--socket', socket, ...args], { encoding: 'utf8' }).stdout;
}

class BenchRsd {
  readonly socket: string;
  readonly proc: ChildProcess;
  private readonly subtree = `rsd-bench-journal-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly started: Promise<void>;

  constructor(unitDir: string, config: string) {
    this.socket = join(unitDir, 'rsd.sock');
    this.proc = spawn(
      'node',
      [
        RSD,
        '--unit-dir',
        unitDir,
        '--config',
        config,
        '--socket',
        this.socket,
        '--cgroup-subtree',
        this.subtree,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let buf = '';
    this.started = new Promise((resolve) =>
      this.proc.stdout!.on('data', (c: Buffer) => {
        buf += c.toString();
        if (/Startup finished/.test(buf)) resolve();
        if (buf.length > 65536) buf = buf.slice(-1024);
      }),
    );
  }

  ready(): Promise<void> {
    return this.started;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await exited;
    killCgroupTree(this.subtree);
  }
}

async function throughput(base: string): Promise<BenchRow[]> {
  const toCat = seconds(() =>
    spawnSync('sh', ['-c', `node ${FLOOD} ${LINES} 2>&1 | cat > /dev/null`], { stdio: 'ignore' }),
  );
  const file = join(base, 'plain.txt');
  const toFile = seconds(() =>
    spawnSync('sh', ['-c', `node ${FLOOD} ${LINES} > ${file} 2>&1`], { stdio: 'ignore' }),
  );
  rmSync(file, { force: true });

  const dir = join(base, 'flood');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'flood.service'),
    `[Service]\nType=oneshot\nStandardError=journal\nExecStart=/usr/bin/env node ${FLOOD} ${LINES}\n`,
  );
  writeFileSync(join(dir, 'default.target'), '[Unit]\n');
  const config = join(dir, 'rsd.conf');
  writeFileSync(
    config,
    `[Journal]\nDirectory=${join(dir, 'journal')}\nForwardToStdout=no\nStorage=persistent\n`,
  );
  const rsd = new BenchRsd(dir, config);
  await rsd.ready();
  const pid = rsd.proc.pid!;
  const before = rssKb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  const t0 = process.hrtime.bigint();
  const starting = spawn('node', [RSDCTL, '--socket', rsd.socket, 'start', 'flood'], { stdio: 'ignore' });
  await new Promise((r) => starting.on('exit', r));
  // Persisted: the last line can be read back from the journal.
  const last = `e ${Math.floor(LINES / 3) - 1}`;
  while (!ctl(rsd.socket, 'logs', '-u', 'flood', '-n', '3', '-o', 'cat').includes(last))
    await new Promise((r) => setTimeout(r, 20));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  await rsd.stop();
  return [
    {
      figure: `journal: lines/s persisted (${LINES} lines, 1 writer)`,
      value: LINES / s,
      unit: 'lines/s',
      baseline: LINES / toCat,
      baselineName: 'writer | cat > /dev/null',
    },
    {
      figure: 'journal: lines/s persisted vs a plain file',
      value: LINES / s,
      unit: 'lines/s',
      baseline: LINES / toFile,
      baselineName: 'writer > file',
    },
    {
      figure: 'journal: rsd RSS growth while capturing',
      value: (peak - before) / 1024,
      unit: 'MB',
      baseline: before / 1024,
      baselineName: 'rsd RSS before',
    },
  ];
}

/** A journal of about `bytes` written straight through the store: 50 units, X among them throughout. */
async function fillJournal(dir: string, bytes: number): Promise<void> {
  const store = await JournalStore.open({
    dir,
    maxUse: 4 * 1024 ** 3,
    maxFiles: 100,
    maxFileSize: 128 * 1024 ** 2,
    bootId: randomBytes(16),
    onError: (m) => console.error(m),
  });
  const metas: EntryMeta[] = Array.from({ length: 50 }, (_, i) => ({
    unit: i === 0 ? 'x.service' : `u${i}.service`,
    identifier: 'filler',
    pid: 1000 + i,
    uid: 0,
    priority: 6,
    facility: 3,
    transport: 'stdout',
    fields: [],
  }));
  const msg = Buffer.alloc(400, 0x6d);
  const stamp = { realtime: Date.now() * 1000, monotonic: 1 };
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    store.append(metas[i % 50]!, 6, msg, 0, msg.length, stamp);
    written += 480;
    if (i % 20000 === 0) await store.flushed();
  }
  await store.close();
}

/** One JournalQuery round trip over the control socket, in ms (no client process start). */
function rawQuery(socket: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const s = connect(socket);
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      buf += c;
      if (/"id":1,"result"/.test(buf)) {
        s.destroy();
        resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
    s.on('error', reject);
    s.write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'JournalQuery',
        params: { units: ['x'], lines: 100 },
      }) + '\n',
    );
  });
}

interface Latency {
  readonly raw: number;
  readonly rsdctl: number;
  readonly start: number;
}

async function queryLatency(base: string, bytes: number): Promise<Latency> {
  const dir = join(base, `q${bytes}`);
  mkdirSync(dir);
  await fillJournal(join(dir, 'journal'), bytes);
  writeFileSync(join(dir, 'default.target'), '[Unit]\n');
  const config = join(dir, 'rsd.conf');
  writeFileSync(
    config,
    `[Journal]\nDirectory=${join(dir, 'journal')}\nStorage=persistent\nSystemMaxUse=4G\nForwardToStdout=no\n`,
  );
  const rsd = new BenchRsd(dir, config);
  await rsd.ready();
  const raw: number[] = [];
  const full: number[] = [];
  const start: number[] = [];
  for (let i = 0; i < 7; i++) {
    raw.push(await rawQuery(rsd.socket));
    let out = '';
    full.push(seconds(() => (out = ctl(rsd.socket, 'logs', '-u', 'x', '-n', '100', '-o', 'cat'))) * 1000);
    if (out.split('\n').length !== 101) throw new Error(`query returned ${out.split('\n').length - 1} lines`);
    start.push(seconds(() => ctl(rsd.socket, 'is-active', 'x')) * 1000);
  }
  await rsd.stop();
  rmSync(dir, { recursive: true, force: true });
  return { raw: median(raw.slice(2)), rsdctl: median(full.slice(2)), start: median(start.slice(2)) };
}

export async function benchJournal(): Promise<BenchRow[]> {
  const base = mkdtempSync(join(tmpdir(), 'rsd-bench-journal-'));
  try {
    const rows = await throughput(base);
    const small = await queryLatency(base, 10 * 1024 ** 2);
    const big = await queryLatency(base, 1024 ** 3);
    rows.push(
      {
        figure: 'journal: JournalQuery -u X -n 100 on 1 GB (round trip)',
        value: big.raw,
        unit: 'ms',
        baseline: small.raw,
        baselineName: 'same query on 10 MB',
      },
      {
        figure: 'journal: rsdctl logs -u X -n 100 on 1 GB',
        value: big.rsdctl,
        unit: 'ms',
        baseline: big.start,
        baselineName: 'rsdctl is-active X',
      },
    );
    return rows;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
