import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type BenchRow } from './table';

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const FLOOR = join(ROOT, 'native', 'build', 'spawn-floor');

/** N trivial services spread over a 10-layer After= chain of targets, all wanted by boot.target. */
function writeUnits(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const layers = 10;
  const all: string[] = [];
  for (let l = 0; l < layers; l++) {
    const services: string[] = [];
    for (let i = l; i < n; i += layers) {
      const name = `s${i}.service`;
      services.push(name);
      writeFileSync(
        join(dir, name),
        `[Unit]\nAfter=layer${l}.target\n[Service]\nExecStart=/bin/sleep 1000\n`,
      );
    }
    const after = l > 0 ? `After=layer${l - 1}.target\n` : '';
    writeFileSync(join(dir, `layer${l}.target`), `[Unit]\n${after}Wants=${services.join(' ')}\n`);
    all.push(`layer${l}.target`);
  }
  writeFileSync(join(dir, 'boot.target'), `[Unit]\nWants=${all.join(' ')}\n`);
}

interface Booted {
  readonly ms: number;
  readonly rssKb: number;
  stop(): Promise<void>;
  waitFor(re: RegExp): Promise<number>;
  readonly pid: number;
}

/** Starts rsd, resolves when it logs "Startup finished": the time from its exec until every service runs. */
function bootRsd(dir: string): Promise<Booted> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(
      'node',
      [
        RSD,
        '--unit-dir',
        dir,
        '--unit',
        'boot.target',
        '--cgroup-subtree',
        `rsd-bench-${process.pid}`,
        '--log-level',
        'info',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<void>((r) => p.on('exit', () => r()));
    let buf = '';
    const watchers: Array<(line: string) => void> = [];
    let booted = false;
    p.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        for (const w of [...watchers]) w(line);
        if (!booted && /Startup finished/.test(line)) {
          booted = true;
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
          resolve({
            ms,
            rssKb: rss ? Number(rss[1]) : 0,
            pid: p.pid!,
            stop: async () => {
              p.kill('SIGTERM');
              await exited;
            },
            waitFor: (re) =>
              new Promise((res) => {
                const start = process.hrtime.bigint();
                const w = (l: string): void => {
                  if (re.test(l)) {
                    watchers.splice(watchers.indexOf(w), 1);
                    res(Number(process.hrtime.bigint() - start) / 1e6);
                  }
                };
                watchers.push(w);
              }),
          });
        }
      }
    });
    p.on('exit', (code) => {
      if (!booted) reject(new Error(`rsd exited with ${code} before booting`));
    });
  });
}

function floorMs(n: number): number {
  return Number(execFileSync(FLOOR, [String(n), '/bin/sleep', '1000'], { encoding: 'utf8' }).trim());
}

export async function benchBoot(sizes: readonly number[] = [100, 1000]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const base = mkdtempSync(join(tmpdir(), 'rsd-bench-'));
  try {
    for (const n of sizes) {
      const dir = join(base, String(n));
      writeUnits(dir, n);
      const runs = n >= 1000 ? 3 : 5;
      const boots: number[] = [];
      const floors: number[] = [];
      let rss = 0;
      for (let r = 0; r < runs; r++) {
        floors.push(floorMs(n));
        const b = await bootRsd(dir);
        boots.push(b.ms);
        rss = Math.max(rss, b.rssKb);
        await b.stop();
      }
      rows.push({
        figure: `boot ${n} services (10-layer After= chain), exec of rsd to all running`,
        value: median(boots),
        unit: 'ms',
        baseline: median(floors),
        baselineName: `${n} posix_spawns from C`,
      });
      if (n >= 1000) {
        rows.push({
          figure: `rsd RSS with ${n} units running`,
          value: rss / 1024,
          unit: 'MB',
          baseline: 120,
          baselineName: 'target',
        });
      }
    }
    rows.push(await benchRestart(join(base, 'restart')));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return rows;
}

/** SIGKILL of a Restart=always, RestartSec=0 service until rsd logs it started again. */
async function benchRestart(dir: string): Promise<BenchRow> {
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'pid');
  writeFileSync(
    join(dir, 'r.service'),
    `[Unit]\nStartLimitBurst=0\n[Service]\nRestart=always\nRestartSec=0\nExecStart=/bin/sh -c 'echo $$$$ > ${pidFile}; exec sleep 1000'\n`,
  );
  writeFileSync(join(dir, 'boot.target'), '[Unit]\nWants=r.service\n');
  writeFileSync(pidFile, '');
  const b = await bootRsd(dir);
  const times: number[] = [];
  // The bench may poll (the manager may not): wait for the service to have written its pid.
  const pidOf = async (): Promise<number> => {
    for (;;) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim() || 0);
      if (pid > 0) return pid;
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  for (let i = 0; i < 15; i++) {
    const pid = await pidOf();
    writeFileSync(pidFile, '');
    const restarted = b.waitFor(/r\.service: Started/);
    process.kill(pid, 'SIGKILL');
    times.push(await restarted);
  }
  await b.stop();
  return {
    figure: 'restart after SIGKILL, RestartSec=0 (kill to "Started")',
    value: median(times),
    unit: 'ms',
    baseline: 20,
    baselineName: 'target',
  };
}
