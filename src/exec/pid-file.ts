import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** A PIDFile='s pid, or 0 when the file is missing or holds no pid. */
export async function readPidFile(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return /^\s*(\d+)\s*$/.test(text) ? Number(text.trim()) : 0;
}

/**
 * Waits for a daemon to write its PID file (systemd's service_demand_pid_file(): an inotify watch, no
 * polling): resolves with the pid once the file holds one, or 0 when `stop` is called first.
 */
export function waitForPidFile(path: string): { pid: Promise<number>; stop(): void } {
  let stop = (): void => undefined;
  const pid = new Promise<number>((resolve) => {
    let done = false;
    const finish = (n: number): void => {
      if (done) return;
      done = true;
      watcher?.close();
      resolve(n);
    };
    stop = () => finish(0);
    const check = (): void => void readPidFile(path).then((n) => n !== 0 && finish(n));
    let watcher: ReturnType<typeof watch> | null = null;
    try {
      watcher = watch(dirname(path), (_event, name) => {
        if (name === null || name === basename(path)) check();
      });
      watcher.on('error', () => undefined);
    } catch {
      // The directory itself is missing: nothing can appear there; the start timeout decides.
    }
    // It may have appeared between the first read and the watch.
    check();
  });
  return { pid, stop };
}
