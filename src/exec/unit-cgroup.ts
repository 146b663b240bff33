import { close, open, read, watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupTarget } from './spawn-spec';

/**
 * Where rsd puts each unit's processes so that KillMode=control-group reaches every descendant, even the
 * double-forked ones: a cgroup directory per unit. cgroup v2 where it is mounted and writable; otherwise a
 * cgroup v1 hierarchy (systemd's own name=systemd if there is one, else pids, else any other), which tracks
 * membership as well but has no cgroup.kill and no cgroup.events; and where no cgroup can be created,
 * process groups (each service starts in its own session), which miss processes that leave their group. The
 * manager logs which one it uses.
 */
export type CgroupBackend =
  | { readonly kind: 'cgroup2'; readonly root: string }
  | {
      readonly kind: 'cgroup1';
      readonly root: string;
      /** The hierarchy as /proc/PID/cgroup names it: "name=systemd", "pids", "cpu,cpuacct". */
      readonly hierarchy: string;
      /**
       * Calls the listener after each batch of child exits the manager reaps. v1 has no cgroup.events: the
       * last process to leave a unit's cgroup is a child of rsd (or an orphan reparented to it, rsd being
       * subreaper or PID 1), so its exit is when to look again.
       */
      readonly onChildExits: (listener: () => void) => () => void;
    }
  | { readonly kind: 'process-group'; readonly reason: string };

/**
 * Reads a small cgroup file (cgroup.procs, cgroup.events) with one open, read and close on the thread
 * pool: no fstat and no FileHandle, which fs.promises.readFile adds to each of the thousands of reads a
 * large shutdown makes. Longer contents are read on in further chunks. '' when the file is gone.
 */
function readSmall(path: string): Promise<string> {
  return new Promise((resolve) => {
    open(path, 'r', (err, fd) => {
      if (err) return resolve('');
      const chunks: Buffer[] = [];
      const next = (): void => {
        const buf = Buffer.allocUnsafe(4096);
        read(fd, buf, 0, buf.length, null, (e, n) => {
          if (e || n === 0) {
            close(fd, () => resolve(e ? '' : Buffer.concat(chunks).toString('utf8')));
            return;
          }
          chunks.push(buf.subarray(0, n));
          next();
        });
      };
      next();
    });
  });
}

/** The directory under rsd's own cgroup that holds one cgroup per unit. */
export const DEFAULT_SUBTREE = 'rsd.units';

/**
 * A mounted cgroup hierarchy: where, which of its directories is mounted there (a container sees its own
 * cgroup as the root), and its name in /proc/PID/cgroup ('' for v2's "0::" line).
 */
interface CgroupMount {
  readonly version: 1 | 2;
  readonly path: string;
  readonly root: string;
  readonly hierarchy: string;
}

const V1_OPTIONS = new Set(['rw', 'ro', 'xattr', 'noprefix', 'clone_children', 'cpuset_v2_mode']);

/** The cgroup file systems in /proc/self/mountinfo, v2 first, v1 in order of preference. */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  const found: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after || !before) continue;
    const [fstype, , superOptions = ''] = after.split(' ');
    const [, , , root, path] = before.split(' ');
    if (path === undefined || root === undefined) continue;
    if (fstype === 'cgroup2') found.push({ version: 2, path, root, hierarchy: '' });
    else if (fstype === 'cgroup') {
      const names = superOptions
        .split(',')
        .filter((o) => !V1_OPTIONS.has(o) && !o.startsWith('release_agent='));
      if (names.length > 0) found.push({ version: 1, path, root, hierarchy: names.join(',') });
    }
  }
  const rank = (m: CgroupMount): number =>
    m.version === 2 ? 0 : m.hierarchy === 'name=systemd' ? 1 : m.hierarchy === 'pids' ? 2 : 3;
  return found.sort((a, b) => rank(a) - rank(b));
}

/**
 * A process's place in one hierarchy, from /proc/PID/cgroup ("0::/path" for v2, "N:names:/path" for v1,
 * whose names may be listed in another order than the mount options list them); null when absent.
 */
export function cgroupPathIn(procCgroup: string, hierarchy: string): string | null {
  const want = hierarchy.split(',').sort().join(',');
  for (const line of procCgroup.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const names = line.slice(first + 1, second);
    if (names.split(',').sort().join(',') === want) return line.slice(second + 1);
  }
  return null;
}

/**
 * Finds a writable cgroup hierarchy once at start-up and makes rsd's units directory in it. `onChildExits`
 * is the reaper's drain signal, which a v1 hierarchy needs (see CgroupBackend).
 */
export async function detectCgroupBackend(
  subtree: string = DEFAULT_SUBTREE,
  onChildExits: (listener: () => void) => () => void = () => () => undefined,
): Promise<CgroupBackend> {
  const mounts = cgroupMounts(await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  if (mounts.length === 0) return { kind: 'process-group', reason: 'no cgroup file system is mounted' };
  const own = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  const refused: string[] = [];
  for (const m of mounts) {
    const root = join(ownDirectory(m, cgroupPathIn(own, m.hierarchy) ?? '/'), subtree);
    try {
      await mkdir(root, { recursive: true });
    } catch (e) {
      refused.push(`cannot create ${root}: ${(e as NodeJS.ErrnoException).code}`);
      continue;
    }
    if (m.version === 2) return { kind: 'cgroup2', root };
    return { kind: 'cgroup1', root, hierarchy: m.hierarchy, onChildExits };
  }
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more hierarchies)` : '';
  return { kind: 'process-group', reason: `${refused[0]}${more}` };
}

/**
 * rsd's own directory in a mounted hierarchy. /proc/self/cgroup gives the path from the hierarchy's top, and
 * the mount may show only a subtree of it (a container without a cgroup namespace sees its own cgroup mounted
 * as /sys/fs/cgroup/...): the path is then taken relative to that subtree.
 */
export function ownDirectory(m: CgroupMount, own: string): string {
  if (m.root === '/') return own === '/' ? m.path : join(m.path, own);
  if (own === m.root) return m.path;
  return own.startsWith(`${m.root}/`) ? join(m.path, own.slice(m.root.length)) : m.path;
}

/** How the backend is named in rsd's log line at start-up. */
export function describeCgroupBackend(b: CgroupBackend): string {
  if (b.kind === 'cgroup2') return `Using cgroup v2 at ${b.root} to track unit processes.`;
  if (b.kind === 'cgroup1')
    return `Using the cgroup v1 hierarchy ${b.hierarchy} at ${b.root} to track unit processes (no cgroup v2 is writable).`;
  return `Tracking unit processes by process group: ${b.reason}.`;
}

/**
 * Removes rsd's units directory when rsd exits, with the empty unit cgroups left in it (a unit stopped while
 * its start was still making its cgroup keeps the directory). Fails harmlessly while a cgroup is busy.
 */
export async function removeCgroupRoot(backend: CgroupBackend): Promise<void> {
  if (backend.kind === 'process-group') return;
  const left = await readdir(backend.root, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    left.filter((e) => e.isDirectory()).map((e) => rmdir(join(backend.root, e.name)).catch(() => undefined)),
  );
  await rmdir(backend.root).catch(() => undefined);
}

type CgroupHierarchy = Exclude<CgroupBackend, { kind: 'process-group' }>;

/** Rounds of "read cgroup.procs, signal each" that a v1 SIGKILL makes, to catch what forked in between. */
const V1_KILL_ROUNDS = 3;

/** The cgroup of one unit: created before its first process starts, removed when the unit is stopped. */
export class UnitCgroup {
  private stopWaiting: (() => void) | null = null;

  private constructor(
    readonly path: string,
    private readonly backend: CgroupHierarchy,
  ) {}

  static async create(backend: CgroupBackend, unitId: string): Promise<UnitCgroup | null> {
    if (backend.kind === 'process-group') return null;
    const path = join(backend.root, unitId.replace(/\//g, '-'));
    await mkdir(path, { recursive: true });
    return new UnitCgroup(path, backend);
  }

  /** What a spawn needs: on v2 a child can be born in it (clone3 CLONE_INTO_CGROUP); on v1 it joins. */
  get target(): CgroupTarget {
    return { path: this.path, version: this.backend.kind === 'cgroup2' ? 2 : 1 };
  }

  async pids(): Promise<number[]> {
    const text = await readSmall(join(this.path, 'cgroup.procs'));
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  }

  async isEmpty(): Promise<boolean> {
    if (this.backend.kind === 'cgroup1') return (await this.pids()).length === 0;
    const events = await readSmall(join(this.path, 'cgroup.events'));
    return events === '' || /^populated 0$/m.test(events);
  }

  /**
   * Signals every process in the cgroup. v2's SIGKILL goes through cgroup.kill, which cannot miss a fork; v1
   * has none, so the list is read and signalled again, for what forked in between.
   */
  async kill(signal: number, sendSignal: (pid: number, signal: number) => void): Promise<void> {
    if (signal === 9 && this.backend.kind === 'cgroup2') {
      const ok = await writeFile(join(this.path, 'cgroup.kill'), '1').then(
        () => true,
        () => false,
      );
      if (ok) return;
    }
    const rounds = signal === 9 ? V1_KILL_ROUNDS : 1;
    for (let i = 0; i < rounds; i++) {
      const pids = await this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) sendSignal(pid, signal);
    }
  }

  /**
   * Calls `onEmpty` once the cgroup has no process left. Nothing polls: v2's kernel updates cgroup.events
   * and inotify tells us; on v1 the reaper's drains say when a process of ours ended.
   */
  whenEmpty(onEmpty: () => void): void {
    this.stopWatching();
    // Usually already empty by the time we ask (the main process has been reaped): no watch needed then.
    void this.isEmpty().then((empty) => (empty ? onEmpty() : this.watchUntilEmpty(onEmpty)));
  }

  private watchUntilEmpty(onEmpty: () => void): void {
    let done = false;
    const check = (): void => {
      void this.isEmpty().then((empty) => {
        if (empty && !done) {
          done = true;
          this.stopWatching();
          onEmpty();
        }
      });
    };
    if (this.backend.kind === 'cgroup1') {
      this.stopWaiting = this.backend.onChildExits(check);
    } else {
      try {
        const watcher: FSWatcher = watch(join(this.path, 'cgroup.events'), check);
        watcher.on('error', () => this.stopWatching());
        this.stopWaiting = () => watcher.close();
      } catch {
        // Without inotify on this file system the caller's stop timeout still ends the wait.
      }
    }
    check();
  }

  stopWatching(): void {
    this.stopWaiting?.();
    this.stopWaiting = null;
  }

  /** Removes the directory; fails harmlessly (EBUSY, false) while processes remain. */
  async remove(): Promise<boolean> {
    this.stopWatching();
    return rmdir(this.path).then(
      () => true,
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
    );
  }
}
