import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killCgroupTree } from './rsd-cgroups';
import { median, type BenchRow } from './table';

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');

/**
 * The C baselines, compiled at run time (native/ is not ours to extend):
 *   reap-floor storm N        as a child subreaper, N times: fork a child that forks a grandchild and exits;
 *                             wait for the child; then reap every orphaned grandchild with waitpid(-1).
 *                             Prints the elapsed ms of the whole thing.
 *   reap-floor kill N         fork+exec N `/bin/sleep 1000`, then time SIGTERM to each and reaping them all.
 */
const FLOOR_C = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int reap_all(void) {
  int n = 0;
  for (;;) {
    pid_t p = waitpid(-1, NULL, 0);
    if (p > 0) { n++; continue; }
    if (errno == EINTR) continue;
    return n;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[2]);
  if (strcmp(argv[1], "storm") == 0) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) { perror("prctl"); return 1; }
    int reaped = 0;
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c < 0) { perror("fork"); return 1; }
      if (c == 0) {
        pid_t g = fork();
        if (g == 0) _exit(0);
        _exit(0);
      }
      waitpid(c, NULL, 0);
      /* reap orphans as they come, as a manager does on SIGCHLD (a pile of zombie children makes every
         waitpid(pid) walk it: quadratic) */
      while (waitpid(-1, NULL, WNOHANG) > 0) reaped++;
    }
    reaped += reap_all();
    double t1 = now_ms();
    if (reaped != n) { fprintf(stderr, "reaped %d of %d orphans\n", reaped, n); return 1; }
    printf("%.3f\n", t1 - t0);
    return 0;
  }
  if (strcmp(argv[1], "orphans") == 0) {
    /* the storm alone, for a service under rsd: the grandchildren are orphaned to rsd, not reaped here */
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c < 0) { perror("fork"); return 1; }
      if (c == 0) {
        if (fork() == 0) _exit(0);
        _exit(0);
      }
      waitpid(c, NULL, 0);
    }
    return 0;
  }
  if (strcmp(argv[1], "sh") == 0) {
    /* as a child subreaper: run /bin/sh -c argv[3], reap it and every orphan it leaves until ECHILD */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) { perror("prctl"); return 1; }
    double t0 = now_ms();
    pid_t c = fork();
    if (c == 0) { execl("/bin/sh", "sh", "-c", argv[3], (char *)NULL); _exit(127); }
    int reaped = reap_all() - 1;
    double t1 = now_ms();
    if (reaped != n) { fprintf(stderr, "reaped %d of %d orphans\n", reaped, n); return 1; }
    printf("%.3f\n", t1 - t0);
    return 0;
  }
  if (strcmp(argv[1], "kill") == 0) {
    pid_t *pids = calloc(n, sizeof(pid_t));
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c < 0) { perror("fork"); return 1; }
      if (c == 0) { execl("/bin/sleep", "sleep", "1000", (char *)NULL); _exit(127); }
      pids[i] = c;
    }
    usleep(200000);
    double t0 = now_ms();
    for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
    int reaped = reap_all();
    double t1 = now_ms();
    if (reaped != n) { fprintf(stderr, "reaped %d of %d sleeps\n", reaped, n); return 1; }
    printf("%.3f\n", t1 - t0);
    return 0;
  }
  return 2;
}
`;

function buildFloor(dir: string): string {
  const src = join(dir, 'reap-floor.c');
  const bin = join(dir, 'reap-floor');
  writeFileSync(src, FLOOR_C);
  execFileSync('cc', ['-O2', '-o', bin, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  return bin;
}

const floor = (bin: string, mode: string, n: number, ...rest: string[]): number =>
  Number(execFileSync(bin, [mode, String(n), ...rest], { encoding: 'utf8', timeout: 60_000 }).trim());

/** The shell storm the tests use: each (true &) subshell forks `true` and exits, orphaning it. */
const shellStorm = (n: number): string => `for i in $(seq ${n}); do (true &) ; done`;

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** rsd as PID 1 of a new PID namespace; each log line is stamped with the time it arrived. */
class Pid1 {
  readonly lines: Array<{ t: number; line: string }> = [];
  readonly exited: Promise<number | null>;
  readonly subtree = `rsd-bench-pid1-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  private readonly proc: ChildProcess;
  private watchers: Array<(t: number, line: string) => void> = [];

  constructor(dir: string, unit: string, logLevel: string) {
    this.proc = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        'node',
        RSD,
        '--unit-dir',
        dir,
        '--unit',
        unit,
        '--cgroup-subtree',
        this.subtree,
        '--log-level',
        logLevel,
        '--socket',
        join(dir, 'rsd.sock'),
      ],
      // A container: rsd exits at the end instead of calling reboot(2), and leaves mounts and host name alone.
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, container: 'rsd-bench' } },
    );
    let buf = '';
    const onData = (c: Buffer): void => {
      const t = nowMs();
      buf += c.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push({ t, line });
        for (const w of [...this.watchers]) w(t, line);
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  /** The arrival time of the first line matching `re`. */
  waitFor(re: RegExp, timeoutMs = 60_000): Promise<number> {
    const hit = this.lines.find((l) => re.test(l.line));
    if (hit) return Promise.resolve(hit.t);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((x) => x !== w);
        reject(new Error(`no line matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = (t: number, line: string): void => {
        if (!re.test(line)) return;
        clearTimeout(timer);
        this.watchers = this.watchers.filter((x) => x !== w);
        resolve(t);
      };
      this.watchers.push(w);
    });
  }

  /** rsd itself: the child of unshare. */
  rsdPid(): number {
    const p = this.proc.pid!;
    const c = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/)[0];
    return Number(c);
  }

  /** Every child of rsd (all threads) and how many are zombies. */
  children(): { all: number; zombies: number } {
    const pid = this.rsdPid();
    let all = 0;
    let zombies = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let kids: string[];
      try {
        kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        continue;
      }
      for (const k of kids) {
        all++;
        try {
          const s = readFileSync(`/proc/${k}/stat`, 'utf8');
          if (s.charAt(s.lastIndexOf(')') + 2) === 'Z') zombies++;
        } catch {
          // gone
        }
      }
    }
    return { all, zombies };
  }

  /** SIGTERM to rsd; resolves with the ms until the namespace's init (and so unshare) exited. */
  async terminate(timeoutMs = 60_000): Promise<number> {
    const t0 = nowMs();
    process.kill(this.rsdPid(), 'SIGTERM');
    const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const r = await Promise.race([this.exited, t]);
    if (r === 'timeout') throw new Error('rsd did not exit after SIGTERM');
    if (r !== 0) throw new Error(`rsd exited with ${r}`);
    return nowMs() - t0;
  }

  /** Whatever happened, nothing of this rsd survives: SIGKILL ends the namespace; its cgroups go. */
  dispose(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    killCgroupTree(this.subtree);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One orphan storm under rsd as PID 1: from the arrival of "storm.service: Starting" to the arrival of the
 * last "Reaped orphan" line once the storm is over and rsd has no zombie child left.
 */
async function stormOnce(dir: string, cmd: string): Promise<{ ms: number; reaped: number; storm: number }> {
  const done = join(dir, 'storm.done');
  rmSync(done, { force: true });
  writeFileSync(join(dir, 'test.target'), '[Unit]\nWants=storm.service\n');
  writeFileSync(
    join(dir, 'storm.service'),
    `[Service]\nExecStart=/bin/sh -c '${cmd.replace(/\$/g, '$$$$')}; echo done > ${done}; exec sleep 1000'\n`,
  );
  const r = new Pid1(dir, 'test.target', 'debug');
  try {
    const t0 = await r.waitFor(/storm\.service: Starting/);
    const end = t0 + 60_000;
    while (!existsSync(done)) {
      if (nowMs() > end) throw new Error('orphan storm did not finish within 60 s');
      await sleep(20);
    }
    const stormEnd = nowMs();
    // Settled: no zombie child, and no new "Reaped orphan" line for 300 ms.
    let lastCount = -1;
    let stableSince = nowMs();
    for (;;) {
      if (nowMs() > end) throw new Error(`orphans not reaped within 60 s: ${JSON.stringify(r.children())}`);
      const count = r.lines.length;
      if (count !== lastCount) {
        lastCount = count;
        stableSince = nowMs();
      } else if (nowMs() - stableSince > 300 && r.children().zombies === 0) break;
      await sleep(20);
    }
    const reapedLines = r.lines.filter((l) => /Reaped orphan \d+\./.test(l.line));
    const last = reapedLines.length > 0 ? reapedLines[reapedLines.length - 1]!.t : stormEnd;
    await r.terminate();
    return { ms: last - t0, reaped: reapedLines.length, storm: stormEnd - t0 };
  } finally {
    r.dispose();
  }
}

/** Boot N sleep services under rsd as PID 1, then time SIGTERM to rsd's exit. */
async function shutdownOnce(dir: string): Promise<number> {
  const r = new Pid1(dir, 'boot.target', 'info');
  try {
    await r.waitFor(/Startup finished/, 60_000);
    return await r.terminate();
  } finally {
    r.dispose();
  }
}

export async function benchPid1(storm = 10_000, services = 1_000): Promise<BenchRow[]> {
  const base = mkdtempSync(join(tmpdir(), 'rsd-bench-pid1-'));
  try {
    const bin = buildFloor(base);
    const rows: BenchRow[] = [];

    // (a) orphan storm: the same C fork storm reaped by rsd (as PID 1) and by a C subreaper; then the
    // tests' shell loop under rsd and under a C subreaper
    const stormDir = join(base, 'storm');
    mkdirSync(stormDir, { recursive: true });
    const floors: number[] = [];
    for (let i = 0; i < 3; i++) floors.push(floor(bin, 'storm', storm));
    const c = await stormOnce(stormDir, `${bin} orphans ${storm}`);
    rows.push({
      figure: `reap ${storm} double-forked orphans (C forker) as PID 1, "Starting" to last "Reaped orphan" (${c.reaped} logged)`,
      value: c.ms,
      unit: 'ms',
      baseline: median(floors),
      baselineName: `${storm} double forks + waitpid loop as C subreaper`,
    });
    const shFloor = floor(bin, 'sh', storm, shellStorm(storm));
    const sh = await stormOnce(stormDir, shellStorm(storm));
    rows.push({
      figure: `reap ${storm} orphans of a shell loop ((true &)) as PID 1 (${sh.reaped} logged)`,
      value: sh.ms,
      unit: 'ms',
      baseline: shFloor,
      baselineName: 'the same loop under a C subreaper',
    });

    // (b) shutdown of N running sleep services
    const svcDir = join(base, 'services');
    mkdirSync(svcDir, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < services; i++) {
      names.push(`s${i}.service`);
      writeFileSync(join(svcDir, `s${i}.service`), '[Service]\nExecStart=/bin/sleep 1000\n');
    }
    writeFileSync(join(svcDir, 'boot.target'), `[Unit]\nWants=${names.join(' ')}\n`);
    const killFloors: number[] = [];
    for (let i = 0; i < 3; i++) killFloors.push(floor(bin, 'kill', services));
    const shut = await shutdownOnce(svcDir);
    rows.push({
      figure: `shutdown of ${services} running sleep services as PID 1 (SIGTERM to exit)`,
      value: shut,
      unit: 'ms',
      baseline: median(killFloors),
      baselineName: `SIGTERM + reap ${services} sleeps from C`,
    });
    return rows;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
