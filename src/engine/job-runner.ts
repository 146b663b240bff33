import type { Job } from '../graph/transaction';
import type { PendingJob, QueuedWaits } from '../graph/transaction';
import type { JobOutcome } from './unit-runtime';

/*
 * The job queue. A transaction's jobs are installed here; each job runs as soon as every job it waits for has
 * finished, so jobs with no ordering between them run in parallel.
 *
 * Invariants:
 * - `jobs` holds exactly the jobs that have not finished; a finished job's id is gone from it, which is what
 *   "finished" means to the jobs waiting for it.
 * - A unit has at most one job here (systemd's rule): a transaction that conflicts cancels the old one first.
 * - `pump()` is called after every change and is the only place that starts jobs; a job starts once.
 * - A waiting job that is blocked is registered in `blocked` under at least one job it waits for that has
 *   not finished: when that one finishes, the waiter is looked at again. So pump() looks only at the jobs a
 *   change can have unblocked, not at the whole queue (a boot of n units is O(edges), not O(n²)).
 * - `byUnit` maps a unit to its job in `jobs`.
 */

interface QueuedJob {
  readonly job: Job;
  /** Jobs of later transactions this one must also wait for (ordering is checked at run time). */
  readonly laterWaits: string[];
  running: boolean;
  readonly waiters: Array<(outcome: JobOutcome) => void>;
}

export class JobRunner {
  private readonly jobs = new Map<string, QueuedJob>();
  private readonly byUnit = new Map<string, QueuedJob>();
  /** Job id -> waiting jobs to look at again when it finishes. */
  private readonly blocked = new Map<string, Set<QueuedJob>>();
  private nextNumber = 1;
  private readonly numbers = new Map<string, number>();
  private idleWaiters: Array<() => void> = [];
  private dispatchWaiters: Array<{ readonly unit: string; readonly resolve: () => void }> = [];

  constructor(
    private readonly run: (job: Job) => Promise<JobOutcome>,
    private readonly finished: (job: Job, outcome: JobOutcome) => void,
  ) {}

  /** Jobs not yet finished, for the next transaction to merge with. */
  pending(): PendingJob[] {
    return [...this.jobs.values()].map((q) => ({
      unit: q.job.unit,
      type: q.job.type,
      irreversible: q.job.irreversible,
    }));
  }

  list(): Array<{ id: number; unit: string; type: string; state: 'waiting' | 'running' }> {
    return [...this.jobs.values()].map((q) => ({
      id: this.numbers.get(q.job.id) ?? 0,
      unit: q.job.unit,
      type: q.job.type,
      state: q.running ? 'running' : 'waiting',
    }));
  }

  jobOf(unit: string): Job | undefined {
    return this.byUnit.get(unit)?.job;
  }

  /** Installs a transaction's jobs; resolves with the outcome of the job with id `anchorId`. */
  install(
    jobs: readonly Job[],
    cancelled: readonly string[],
    anchorId: string | null,
    queuedWaits: readonly QueuedWaits[] = [],
  ): Promise<JobOutcome> {
    for (const id of cancelled) {
      const q = this.jobs.get(id);
      if (q && !q.running) this.finish(q, 'canceled');
    }
    let anchor: Promise<JobOutcome> = Promise.resolve('done');
    const touched: QueuedJob[] = [];
    for (const job of jobs) {
      let q = this.jobs.get(job.id);
      if (!q) {
        q = { job, laterWaits: [], running: false, waiters: [] };
        this.jobs.set(job.id, q);
        this.byUnit.set(job.unit, q);
        this.numbers.set(job.id, this.nextNumber++);
        touched.push(q);
      }
      if (job.id === anchorId) {
        const target = q;
        anchor = new Promise((resolve) => target.waiters.push(resolve));
      }
    }
    for (const w of queuedWaits) {
      const q = this.jobs.get(w.job);
      if (q && !q.running) {
        q.laterWaits.push(...w.waitsFor);
        touched.push(q);
      }
    }
    this.pump(touched);
    return anchor;
  }

  /** Resolves when no job is left (systemd's "startup finished" moment after the boot transaction). */
  whenIdle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Resolves when no job is left waiting but those that wait, directly or not, for `unit`'s own job (Type=idle:
   * systemd finishes that job at once and makes the process wait, so the jobs after it run meanwhile).
   */
  whenDispatched(unit: string): Promise<void> {
    if (this.dispatchedFor(unit)) return Promise.resolve();
    return new Promise((resolve) => this.dispatchWaiters.push({ unit, resolve }));
  }

  private dispatchedFor(unit: string): boolean {
    const own = this.jobOf(unit)?.id;
    const behind = new Set<string>();
    if (own !== undefined) {
      const waitedOnBy = new Map<string, string[]>();
      for (const q of this.jobs.values())
        for (const w of [...q.job.waitsFor, ...q.laterWaits])
          waitedOnBy.set(w, [...(waitedOnBy.get(w) ?? []), q.job.id]);
      const todo = [own];
      for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
        for (const next of waitedOnBy.get(id) ?? []) {
          if (behind.has(next)) continue;
          behind.add(next);
          todo.push(next);
        }
      }
    }
    for (const q of this.jobs.values()) if (!q.running && !behind.has(q.job.id)) return false;
    return true;
  }

  /** Resolves when the job with this id finishes ('done' at once if there is no such job). */
  whenFinished(id: string): Promise<JobOutcome> {
    const q = this.jobs.get(id);
    if (!q) return Promise.resolve('done');
    return new Promise((resolve) => q.waiters.push(resolve));
  }

  /** Finishes a waiting job without running it (a dependency failed, a cancel request). */
  cancel(id: string, outcome: JobOutcome): boolean {
    const q = this.jobs.get(id);
    if (!q || q.running) return false;
    this.finish(q, outcome);
    return true;
  }

  /** Starts those of `candidates` that wait for nothing unfinished; registers the others where they wait. */
  private pump(candidates: Iterable<QueuedJob>): void {
    for (const q of candidates) {
      if (q.running || this.jobs.get(q.job.id) !== q) continue;
      const blocker =
        q.job.waitsFor.find((w) => this.jobs.has(w)) ?? q.laterWaits.find((w) => this.jobs.has(w));
      if (blocker !== undefined) {
        let waiting = this.blocked.get(blocker);
        if (!waiting) this.blocked.set(blocker, (waiting = new Set()));
        waiting.add(q);
        continue;
      }
      q.running = true;
      void this.run(q.job)
        .catch((): JobOutcome => 'failed')
        .then((outcome) => this.finish(q, outcome));
    }
    if (this.dispatchWaiters.length > 0) {
      const ready = this.dispatchWaiters.filter((w) => this.dispatchedFor(w.unit));
      this.dispatchWaiters = this.dispatchWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    }
  }

  private finish(q: QueuedJob, outcome: JobOutcome): void {
    if (this.jobs.get(q.job.id) !== q) return;
    this.jobs.delete(q.job.id);
    if (this.byUnit.get(q.job.unit) === q) this.byUnit.delete(q.job.unit);
    this.numbers.delete(q.job.id);
    for (const w of q.waiters) w(outcome);
    this.finished(q.job, outcome);
    const unblocked = this.blocked.get(q.job.id) ?? [];
    this.blocked.delete(q.job.id);
    this.pump(unblocked);
    if (this.jobs.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
