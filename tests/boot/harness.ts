import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { killCgroupTree } from '../../bench/rsd-cgroups';
import { LineLog } from '../helpers/line-log';
import { TmpTree } from '../helpers/tmp';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');

/**
 * Every rsd not yet killed. Each test file importing this module gets this hook, which runs even when the
 * file's own afterAll timed out or forgot, so no rsd (nor its services) outlives its test file.
 */
const running = new Set<Rsd>();
afterAll(() => {
  for (const r of running) r.kill();
});

/**
 * rsd booted as a real process on a directory of units: as a child subreaper by default (its services' pids
 * are visible to the test), or as PID 1 of a new PID namespace. Its log is collected line by line.
 */
export class Rsd {
  private readonly out: LineLog;
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  /** The signal that ended it (for `unshare`: the one that ended rsd, which unshare passes on). */
  signal: NodeJS.Signals | null = null;
  private subtree = '';
  /** The control socket of this rsd (each test rsd has its own). */
  socket = '';

  private constructor(args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.out = new LineLog().follow(this.proc.stdout, this.proc.stderr);
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.signal = signal;
        resolve(code);
      }),
    );
    running.add(this);
  }

  static start(
    unitDir: string,
    opts: {
      unit?: string;
      pidNamespace?: boolean;
      logLevel?: string;
      config?: string;
      /** Shell commands run in a private mount namespace before rsd starts in it (e.g. a tmpfs mount). */
      mountNamespace?: string;
      /**
       * As PID 1 rsd runs in a container (`container=rsd-test`), so it exits rather than calling reboot(2);
       * false: as an init outside a container. Other `unshare` flags go in `unshare`.
       */
      container?: boolean;
      unshare?: readonly string[];
      env?: Readonly<Record<string, string>>;
      /** Runs before rsd in its namespaces (a shell command that ends in `exec "$@"`). */
      wrap?: string;
      /** Another build's dist/src/cli/rsd.js than this tree's. */
      rsd?: string;
    } = {},
  ): Rsd {
    const socket = join(tmpdir(), `rsd-test-${randomBytes(6).toString('hex')}.sock`);
    const rsd = [
      'node',
      opts.rsd ?? RSD,
      '--unit-dir',
      unitDir,
      '--unit',
      opts.unit ?? 'default.target',
      '--cgroup-subtree',
      `rsd-test-${randomBytes(4).toString('hex')}`,
      '--log-level',
      opts.logLevel ?? 'info',
      '--socket',
      socket,
      ...(opts.config ? ['--config', opts.config] : []),
    ];
    const wrap =
      opts.wrap ?? (opts.mountNamespace !== undefined ? `${opts.mountNamespace} && exec "$@"` : undefined);
    const inner = wrap ? ['sh', '-c', wrap, 'sh', ...rsd] : rsd;
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (opts.pidNamespace && opts.container !== false) env.container = 'rsd-test';
    const r = new Rsd(
      opts.pidNamespace
        ? ['unshare', '--pid', '--fork', '--mount-proc', ...(opts.unshare ?? []), ...inner]
        : opts.mountNamespace !== undefined
          ? ['unshare', '--mount', '--propagation', 'private', '--fork', ...inner]
          : inner,
      env,
    );
    r.subtree = rsd[rsd.indexOf('--cgroup-subtree') + 1]!;
    r.socket = socket;
    return r;
  }

  /** Every line rsd has written so far (stdout and stderr). */
  get lines(): readonly string[] {
    return this.out.lines;
  }

  get log(): string {
    return this.out.text;
  }

  /** Resolves with the first log line matching `re` (already logged or to come). */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<string> {
    return this.out.lines[await this.out.indexOf(re, timeoutMs)]!;
  }

  /** The pid of rsd itself (for unshare, its child). */
  pid(): number {
    const p = this.proc.pid!;
    const children = `/proc/${p}/task/${p}/children`;
    if (existsSync(children)) {
      const first = readFileSync(children, 'utf8').trim().split(/\s+/)[0];
      if (first && this.proc.spawnargs[0] === 'unshare') return Number(first);
    }
    return p;
  }

  /** A pid a service wrote (its pid in rsd's namespace) as this process sees it. */
  globalPid(nsPid: number): number {
    if (this.proc.spawnargs[0] !== 'unshare') return nsPid;
    const ns = readlinkSync(`/proc/${this.pid()}/ns/pid`);
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]?.split(/\s+/);
        if (nspid && Number(nspid[nspid.length - 1]) === nsPid && readlinkSync(`/proc/${p}/ns/pid`) === ns)
          return Number(p);
      } catch {
        // gone meanwhile
      }
    }
    return -1;
  }

  /** SIGTERM, then the exit status. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    process.kill(this.pid(), 'SIGTERM');
    const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const r = await Promise.race([this.exited, t]);
    if (r === 'timeout') throw new Error(`rsd did not exit after SIGTERM; log:\n${this.log}`);
    return r;
  }

  /** For afterEach: whatever state the test left it in, nothing of it survives (its cgroup is killed). */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      // unshare does not take its child along: kill the namespace's init (and with it the namespace) first.
      if (this.proc.spawnargs[0] === 'unshare') {
        const init = this.pid();
        if (init !== this.proc.pid) {
          try {
            process.kill(init, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      this.proc.kill('SIGKILL');
    }
    killCgroupTree(this.subtree);
    // The journal a test rsd keeps beside its control socket (unless its config put it elsewhere).
    rmSync(`${this.socket}.journal`, { recursive: true, force: true });
    running.delete(this);
  }
}

/** Whether a process exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `path` exists with non-empty content (tests may poll; the product may not). */
export async function fileContent(path: string, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = readFileSync(path, 'utf8');
      if (c !== '') return c;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The per-test set-up the boot tests share: a fresh TmpTree before each test, handed to `use`; after it,
 * every rsd the test started is stopped first with `stopFirst` (SIGTERM and its exit awaited, so it closes
 * its journal), then killed with its cgroups, and the tree removed.
 */
export function freshTreeEachTest(use: (tree: TmpTree) => void, opts: { stopFirst?: boolean } = {}): void {
  let tree: TmpTree | null = null;
  let earlier = new Set<Rsd>();
  beforeEach(() => {
    earlier = new Set(running);
    tree = new TmpTree();
    use(tree);
  });
  afterEach(async () => {
    const started = [...running].filter((r) => !earlier.has(r));
    if (opts.stopFirst) await Promise.all(started.map((r) => r.stop().catch(() => undefined)));
    for (const r of started) r.kill();
    tree?.cleanup();
    tree = null;
  });
}

/**
 * A fresh unit tree for each test, booted on demand, and everything stopped and removed after the test:
 * `const s = perTestRsd(); ... s.boot({'test.target': ...})` then `s.rsd`, `s.tree`.
 */
export function perTestRsd(): {
  readonly tree: TmpTree;
  readonly rsd: Rsd;
  boot(files: Record<string, string>, opts?: Parameters<typeof Rsd.start>[1]): Rsd;
} {
  let tree: TmpTree | null = null;
  let rsd: Rsd | null = null;
  freshTreeEachTest(
    (t) => {
      tree = t;
      rsd = null;
    },
    { stopFirst: true },
  );
  return {
    get tree(): TmpTree {
      if (!tree) throw new Error('perTestRsd: no test is running');
      return tree;
    },
    get rsd(): Rsd {
      if (!rsd) throw new Error('perTestRsd: boot() first');
      return rsd;
    },
    boot(files, opts = {}) {
      for (const [name, text] of Object.entries(files)) this.tree.write(`units/${name}`, text);
      rsd = Rsd.start(this.tree.path('units'), { unit: 'test.target', ...opts });
      return rsd;
    },
  };
}
