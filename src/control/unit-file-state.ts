import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadedUnit } from '../load/unit-loader';
import type { StateAnswer, StateQuestion } from './unit-file-state-worker';

/**
 * UnitFileState for `show` and `status`: what `systemctl is-enabled` says of the unit's file, judged against
 * the directories rsd loads units from. The file-system walk runs in a worker thread, started on the first
 * question; transient and masked units are answered at once.
 */
export class UnitFileStates {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (state: string) => void>();

  constructor(private readonly searchPath: readonly string[]) {}

  of(u: LoadedUnit): Promise<string> {
    if (u.loadState === 'masked') return Promise.resolve('masked');
    if (u.loadState !== 'loaded') return Promise.resolve('');
    if (u.source?.fragmentPath?.startsWith('/run/systemd/transient/')) return Promise.resolve('transient');
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ask().postMessage({ id, name: u.id } satisfies StateQuestion);
    });
  }

  close(): Promise<number> | undefined {
    return this.worker?.terminate();
  }

  private ask(): Worker {
    // From dist/src/control/ or from the bundle in dist/src/cli/ (bundle-loader.ts): the same path either way.
    if (this.worker !== null) return this.worker;
    const w = new Worker(join(__dirname, '..', 'control', 'unit-file-state-worker.js'), {
      workerData: { searchPath: [...this.searchPath] },
    });
    w.unref();
    w.on('message', (a: StateAnswer) => {
      this.pending.get(a.id)?.(a.state);
      this.pending.delete(a.id);
    });
    // A worker that dies answers nothing more: what it owed is unknown, and the next question starts anew.
    w.on('error', () => this.fail(w));
    w.on('exit', () => this.fail(w));
    this.worker = w;
    return w;
  }

  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    for (const resolve of this.pending.values()) resolve('');
    this.pending.clear();
  }
}
