import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LineLog } from '../helpers/line-log';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { killCgroupTree } from '../../bench/rsd-cgroups';
import type { TmpTree } from '../helpers/tmp';

const ROOT = join(__dirname, '..', '..');
const RSD = join(ROOT, 'dist', 'src', 'cli', 'rsd.js');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');
/** Where rsd listens inside the bed: its default place, on the bed's own /run. */
const CONTROL = '/run/rsd/rsd.sock';

/** Every bed not yet torn down: killed by this hook even when a test or its afterAll failed. */
const running = new Set<Bed>();
afterAll(() => {
  for (const b of running) b.kill();
});

/**
 * The wrapper rsd is exec'd by inside the new namespaces: a tmpfs on /run (what services need there, they
 * get from their units), loopback up, a hostname of its own.
 */
const WRAPPER =
  'set -e; mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run; ip link set lo up; hostname rsd-bed; exec "$@"';

export interface CommandResult {
  readonly code: number | null;
  readonly out: string;
}

/**
 * rsd as PID 1 of private PID, mount, UTS and network namespaces (loopback only) with a tmpfs on /run,
 * reading `unitDirs`. Every log line is kept with the time it arrived, to measure how long things took.
 */
export class Bed {
  private readonly out = new LineLog();
  readonly startedAt = Date.now();
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;
  private readonly subtree = `rsd-bed-${randomBytes(4).toString('hex')}`;

  constructor(unitDirs: readonly string[], target: string) {
    const rsd = ['node', RSD, ...unitDirs.flatMap((d) => ['--unit-dir', d])];
    rsd.push('--unit', target, '--socket', CONTROL, '--cgroup-subtree', this.subtree);
    this.proc = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--kill-child',
        '--mount',
        '--uts',
        '--net',
        '--mount-proc',
        'sh',
        '-c',
        WRAPPER,
        'sh',
      ].concat(rsd),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.out.follow(this.proc.stdout, this.proc.stderr);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    running.add(this);
  }

  /** Every log line so far, with the time it arrived. */
  get lines(): Array<{ at: number; text: string }> {
    return this.out.lines.map((text, i) => ({ at: this.out.times[i]!, text }));
  }

  get log(): string {
    return this.out.text;
  }

  /** The first log line matching `re`, already logged or to come. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<{ at: number; text: string }> {
    const i = await this.out.indexOf(re, timeoutMs);
    return { at: this.out.times[i]!, text: this.out.lines[i]! };
  }

  /** rsd's pid as seen from here (unshare's child), once it exists. */
  pid(): number {
    const p = this.proc.pid!;
    const first = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/)[0];
    if (!first) throw new Error('rsd is not running yet');
    return Number(first);
  }

  /** Runs a command inside the bed (its mount, PID, network and UTS namespaces), as a user logged in there. */
  run(cmd: readonly string[], timeoutMs = 20_000): Promise<CommandResult> {
    const args = ['-t', String(this.pid()), '-m', '-p', '-n', '-u', ...cmd];
    return new Promise((resolve) => {
      const child = spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  }

  /** `rsdctl ARGS...` inside the bed. */
  rsdctl(...args: string[]): Promise<CommandResult> {
    return this.run(['node', RSDCTL, '--socket', CONTROL, ...args]);
  }

  /** A property of a unit, as `rsdctl show -p NAME --value` prints it. */
  async prop(unit: string, name: string): Promise<string> {
    const r = await this.rsdctl('show', '-p', name, '--value', unit);
    if (r.code !== 0) throw new Error(`rsdctl show ${unit} failed: ${r.out}`);
    return r.out.trim();
  }

  /** Every process of the bed's PID namespace but rsd itself, as seen from here (pid and command). */
  others(): Array<{ pid: number; comm: string }> {
    let ns: string;
    let init: number;
    try {
      init = this.pid();
      ns = readlinkSync(`/proc/${init}/ns/pid`);
    } catch {
      return [];
    }
    const out: Array<{ pid: number; comm: string }> = [];
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p) || Number(p) === init) continue;
      try {
        if (readlinkSync(`/proc/${p}/ns/pid`) === ns)
          out.push({ pid: Number(p), comm: readFileSync(`/proc/${p}/comm`, 'utf8').trim() });
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  /** SIGTERM to rsd, then its exit status (unshare passes it on). */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    process.kill(this.pid(), 'SIGTERM');
    const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const r = await Promise.race([this.exited, t]);
    if (r === 'timeout') throw new Error(`rsd did not exit after SIGTERM; log:\n${this.log}`);
    return r;
  }

  /**
   * For afterAll: a bed a failed test left running is stopped as a user would (SIGTERM), so rsd removes what
   * it made outside the bed (PrivateTmp= directories under /tmp and /var/tmp); then kill() in any case.
   */
  async teardown(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        await this.stop(20_000);
      } catch {
        // hung or gone: kill() below
      }
    }
    this.kill();
  }

  /** Whatever state it is in: the namespace's init is killed (and with it everything in it), cgroups go. */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    killCgroupTree(this.subtree);
    running.delete(this);
  }
}

/** Runs scripts/install-debian-daemons.sh: null when everything is installed, else why not. */
export function installDaemons(): string | null {
  const r = spawnSync(join(ROOT, 'scripts', 'install-debian-daemons.sh'), [], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (r.error) return `install-debian-daemons.sh could not run: ${r.error.message}`;
  if (r.status !== 0) return `install-debian-daemons.sh failed (${r.status ?? r.signal}): ${r.stderr.trim()}`;
  return null;
}

/** The units the machine's `TARGET.target.wants/` directories pull in, in the given unit directories. */
export function wantedBy(target: string, dirs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const d of dirs) {
    const w = join(d, `${target}.wants`);
    if (existsSync(w)) for (const n of readdirSync(w)) out.add(n);
  }
  return [...out].sort();
}

/**
 * The bed's own unit directory, first in the search path (where `systemctl --runtime` would write): the
 * test target, and masks for what the host's early-boot targets pull in. Those units (systemd-tmpfiles
 * --remove, sysctl, modprobe, journald, udev...) would act on the host's real file systems, which the bed
 * shares: on a machine that is already up they must not run again.
 */
export function bedUnitDir(
  tree: TmpTree,
  target: string,
  wants: readonly string[],
  system: readonly string[],
): string {
  tree.write(`units/${target}`, `[Unit]\nDescription=Debian daemons under rsd\nWants=${wants.join(' ')}\n`);
  for (const t of [
    'sysinit.target',
    'basic.target',
    'sockets.target',
    'timers.target',
    'paths.target',
    'slices.target',
    'local-fs.target',
  ])
    for (const u of wantedBy(t, system)) if (!wants.includes(u)) tree.link(`units/${u}`, '/dev/null');
  return tree.path('units');
}
