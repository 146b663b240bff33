import { close, open, read, watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where rsd puts each unit's processes so that KillMode=control-group reaches every descendant, even the
 * double-forked ones: a cgroup v2 directory per unit. On a machine without a writable cgroup2 mount rsd falls
 * back to process groups (each service starts in its own session), which misses processes that leave their
 * group; the manager logs which one it uses.
 */
export type CgroupBackend =
  | { readonly kind: 'cgroup2'; readonly root: string }
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

async function cgroup2Mount(): Promise<string | null> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after || !before) continue;
    if (after.split(' ')[0] === 'cgroup2') return before.split(' ')[4] ?? null;
  }
  return null;
}

/** rsd's own place in the cgroup2 tree ("0::/path" in /proc/self/cgroup). */
async function ownCgroup(): Promise<string> {
  const text = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith('0::'));
  return line ? line.slice(3) : '/';
}

/** Finds a writable cgroup2 hierarchy once at start-up and makes rsd's units directory in it. */
export async function detectCgroupBackend(subtree: string = DEFAULT_SUBTREE): Promise<CgroupBackend> {
  const mount = await cgroup2Mount();
  if (mount === null) return { kind: 'process-group', reason: 'no cgroup2 file system is mounted' };
  const root = join(mount, await ownCgroup(), subtree);
  try {
    await mkdir(root, { recursive: true });
    return { kind: 'cgroup2', root };
  } catch (e) {
    return { kind: 'process-group', reason: `cannot create ${root}: ${(e as NodeJS.ErrnoException).code}` };
  }
}

/** Removes rsd's units directory when rsd exits (it fails harmlessly while a unit cgroup is still busy). */
export async function removeCgroupRoot(backend: CgroupBackend): Promise<void> {
  if (backend.kind === 'cgroup2') await rmdir(backend.root).catch(() => undefined);
}

/** The cgroup of one unit: created before its first process starts, removed when the unit is stopped. */
export class UnitCgroup {
  private watcher: FSWatcher | null = null;

  private constructor(readonly path: string) {}

  static async create(backend: CgroupBackend, unitId: string): Promise<UnitCgroup | null> {
    if (backend.kind !== 'cgroup2') return null;
    const path = join(backend.root, unitId.replace(/\//g, '-'));
    await mkdir(path, { recursive: true });
    return new UnitCgroup(path);
  }

  async pids(): Promise<number[]> {
    const text = await readSmall(join(this.path, 'cgroup.procs'));
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
  }

  async isEmpty(): Promise<boolean> {
    const events = await readSmall(join(this.path, 'cgroup.events'));
    return events === '' || /^populated 0$/m.test(events);
  }

  /** Signals every process in the cgroup; SIGKILL goes through cgroup.kill, which cannot miss a fork. */
  async kill(signal: number, sendSignal: (pid: number, signal: number) => void): Promise<void> {
    if (signal === 9) {
      const ok = await writeFile(join(this.path, 'cgroup.kill'), '1').then(
        () => true,
        () => false,
      );
      if (ok) return;
    }
    for (const pid of await this.pids()) sendSignal(pid, signal);
  }

  /**
   * Calls `onEmpty` once the cgroup has no process left: the kernel updates cgroup.events, and inotify tells
   * us, so nothing polls.
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
    try {
      this.watcher = watch(join(this.path, 'cgroup.events'), check);
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      // Without inotify on this file system the caller's stop timeout still ends the wait.
    }
    check();
  }

  stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
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
