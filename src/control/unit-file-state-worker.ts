import { parentPort, workerData } from 'node:worker_threads';
import { unitFileState } from '../install/state';
import { lookupPathsFor } from '../install/lookup-paths';

/*
 * Answers UnitFileState questions off the main thread: the install code reads directories and links
 * synchronously (as systemctl does), which the manager's event loop must never wait for.
 */
export interface StateQuestion {
  readonly id: number;
  readonly name: string;
}
export interface StateAnswer {
  readonly id: number;
  readonly state: string;
}

const lp = lookupPathsFor((workerData as { searchPath: string[] }).searchPath);
parentPort?.on('message', (q: StateQuestion) => {
  let state = '';
  try {
    const r = unitFileState(lp, q.name);
    state = r.ok ? r.state : '';
  } catch {
    // An unreadable directory makes the state unknown, as systemctl prints it: empty.
  }
  parentPort?.postMessage({ id: q.id, state } satisfies StateAnswer);
});
