import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { LineLog } from '../helpers/line-log';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAKE_ROOTFS = join(ROOT, 'scripts', 'container', 'make-rootfs.sh');
const INSTALL = join(ROOT, 'scripts', 'install-container-packages.sh');

/**
 * Why the container tests cannot run here, or null when they can: the packages are installed (or get
 * installed now) and runc answers. Called once per test file, at collection time.
 */
export function containerTestsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: runc needs root';
  try {
    execFileSync(INSTALL, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const why = err.stderr?.toString().trim() || err.message;
    return `scripts/install-container-packages.sh failed: ${why.split('\n').slice(-3).join(' / ')}`;
  }
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    return `runc does not run: ${(e as Error).message}`;
  }
  return null;
}

/** Builds the musl exec helper (native/build.sh --musl) and returns its directory, or why it cannot. */
export function buildMuslHelper(): { dir: string } | { skip: string } {
  try {
    execFileSync(join(ROOT, 'native', 'build.sh'), ['--musl'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { dir: join(ROOT, 'native', 'build', 'musl') };
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return { skip: `native/build.sh --musl failed: ${err.stderr?.toString().trim() || err.message}` };
  }
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ContainerOptions {
  readonly rsdArgs?: readonly string[];
  readonly execHelper?: string;
  readonly cgroup2?: boolean;
}

/**
 * One rsd-as-PID-1 container under runc: a bundle made by scripts/container/make-rootfs.sh in its own temp
 * directory, run in the foreground (`runc run`), so runc's exit status is the container's. The container's
 * stdout and stderr (rsd's log) are collected line by line.
 */
export class Container {
  readonly id = `rsd-ct-${randomBytes(5).toString('hex')}`;
  private readonly out = new LineLog();
  private readonly dir = mkdtempSync(join(tmpdir(), 'rsd-ct-'));
  private readonly bundle = join(this.dir, this.id);
  private proc: ChildProcess | null = null;
  private exitPromise: Promise<number | null> | null = null;

  /**
   * Writes `units` (name -> text; a text starting with '@' is a symlink target instead) into the units
   * directory the container sees at /etc/rsd/units, and makes the bundle. `rsdArgs` replace rsd's default
   * arguments (`--unit-dir /etc/rsd/units`); `execHelper` is a helper file rsd uses instead of its own
   * (RSD_EXEC_HELPER); `cgroup2` gives the container a cgroup namespace and a writable cgroup2 mount.
   */
  constructor(units: Record<string, string> | string, opts: ContainerOptions = {}) {
    try {
      this.make(units, opts);
    } catch (e) {
      // No container exists yet, so no cleanup() will come: remove the files here.
      rmSync(this.dir, { recursive: true, force: true });
      throw e;
    }
  }

  private make(units: Record<string, string> | string, opts: ContainerOptions): void {
    let unitDir: string;
    if (typeof units === 'string') unitDir = units;
    else {
      unitDir = join(this.dir, 'units');
      mkdirSync(unitDir);
      for (const [name, text] of Object.entries(units)) {
        const p = join(unitDir, name);
        mkdirSync(dirname(p), { recursive: true });
        if (text.startsWith('@')) symlinkSync(text.slice(1), p);
        else writeFileSync(p, text);
      }
    }
    execFileSync(MAKE_ROOTFS, [this.bundle, unitDir, ...(opts.rsdArgs ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        RSD_EXEC_HELPER: opts.execHelper ?? '', // make-rootfs.sh's, not rsd's: empty for rsd's own
        ...(opts.cgroup2 ? { RSD_CGROUP2: '1' } : {}),
      },
    });
  }

  /** `runc run`: rsd starts as the container's PID 1. */
  start(): this {
    const proc = spawn('runc', ['run', '--bundle', this.bundle, this.id], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.out.follow(proc.stdout, proc.stderr);
    this.exitPromise = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    return this;
  }

  /** Every line the container has written so far. */
  get lines(): readonly string[] {
    return this.out.lines;
  }

  get log(): string {
    return this.out.text;
  }

  /** runc's exit status (the container's), or 'timeout' if it is still running after `ms`. */
  async exited(ms: number): Promise<number | null | 'timeout'> {
    if (!this.exitPromise) throw new Error('container not started');
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
    try {
      return await Promise.race([this.exitPromise, t]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with the index of the first log line matching `re`; rejects with the log after `ms`. */
  waitFor(re: RegExp, ms = 20_000): Promise<number> {
    return this.out.indexOf(re, ms);
  }

  /** `runc exec ID ARGS...` inside the running container. */
  exec(args: string[], timeoutMs = 20_000): Promise<ExecResult> {
    return new Promise((resolve) => {
      execFile(
        'runc',
        ['exec', this.id, ...args],
        { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** The host pid of the container's init (rsd), from `runc state`. */
  initPid(): number {
    const state = JSON.parse(execFileSync('runc', ['state', this.id], { encoding: 'utf8' })) as {
      pid: number;
    };
    return state.pid;
  }

  /** `runc kill ID SIGNAL` (a name runc knows, or a number such as '37' for SIGRTMIN+3). */
  kill(signal: string): void {
    execFileSync('runc', ['kill', this.id, signal], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** Removes the container (killing whatever is left in it) and its files; safe to call at any time. */
  async cleanup(): Promise<void> {
    try {
      execFileSync('runc', ['delete', '-f', this.id], { stdio: 'ignore', timeout: 20_000 });
    } catch {
      // never created, or already gone
    }
    if (this.exitPromise && (await this.exited(10_000)) === 'timeout') this.proc?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Lines of the log that say `unit: Stopped ...` or `unit: Stopping ...`, as [index, unit, what]. */
export function stopEvents(lines: readonly string[]): Array<[number, string, 'Stopping' | 'Stopped']> {
  const out: Array<[number, string, 'Stopping' | 'Stopped']> = [];
  lines.forEach((l, i) => {
    const m = / ([\w@.-]+): (Stopping|Stopped)\b/.exec(l);
    if (m) out.push([i, m[1]!, m[2] as 'Stopping' | 'Stopped']);
  });
  return out;
}
