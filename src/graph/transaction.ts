import type { DependencyGraph } from './dependencies';
import {
  collapse,
  isActiveOrActivating,
  isConflicting,
  isRedundant,
  lookupMerge,
  mergeAndCollapse,
  type ActiveState,
  type JobType,
  type RequestJobType,
} from './job-types';
import { addIsolateJobs, addJob, addTriggeringJobs, type AddContext } from './transaction-add';
import { verifyOrder, waitsFor, type OrderJob } from './transaction-order';
import { id, TransactionState, type TJob } from './transaction-state';

/**
 * Turns a request ("start foo.service in mode replace") into the jobs that carry it out, as systemd 252's
 * manager_add_job() and transaction.c do, without running anything.
 */

export type JobMode =
  | 'replace'
  | 'fail'
  | 'isolate'
  | 'ignore-dependencies'
  | 'ignore-requirements'
  | 'flush'
  | 'replace-irreversibly'
  | 'triggering';

export interface JobRequest {
  readonly unit: string;
  readonly job: RequestJobType;
  readonly mode: JobMode;
  /** Asked for by a client (systemctl), so RefuseManualStart=/RefuseManualStop= apply. */
  readonly manual?: boolean;
}

/** A job already queued when the request arrives. */
export interface PendingJob {
  readonly unit: string;
  readonly type: JobType;
  readonly irreversible?: boolean;
}

export interface Job {
  /** systemd's "unit/type". */
  readonly id: string;
  readonly unit: string;
  readonly type: JobType;
  /** Ids of the jobs (of this transaction or already queued) that must finish before this one may run. */
  readonly waitsFor: readonly string[];
  readonly irreversible: boolean;
  /** The job the request asked for. */
  readonly anchor: boolean;
}

export type TransactionResult =
  | {
      readonly ok: true;
      readonly jobs: Job[];
      /** Ids of queued jobs this transaction cancels (replaced by a conflicting job, or flushed/isolated). */
      readonly cancelled: string[];
      /**
       * Queued jobs that must now also wait for some of this transaction's jobs: systemd checks ordering when
       * a job is about to run, so a job installed later can still hold back one already waiting.
       */
      readonly queuedWaits: QueuedWaits[];
      readonly warnings: string[];
    }
  | { readonly ok: false; readonly error: string; readonly warnings: string[] };

export interface QueuedWaits {
  readonly job: string;
  readonly waitsFor: readonly string[];
}

export interface TransactionOptions {
  /** Units an isolate considers stopping; the graph's units by default. */
  readonly knownUnits?: Iterable<string>;
  /** Receives systemd's debug-level messages (which jobs were dropped and why). */
  readonly debug?: (line: string) => void;
}

export function buildTransaction(
  graph: DependencyGraph,
  request: JobRequest,
  currentState: (unit: string) => ActiveState,
  pendingJobs: readonly PendingJob[] = [],
  options: TransactionOptions = {},
): TransactionResult {
  const warnings: string[] = [];
  const fail = (error: string): TransactionResult => ({ ok: false, error, warnings });
  graph.ensure([request.unit]);
  const unitId = graph.resolve(request.unit);
  const unit = graph.unit(unitId)!;
  const state = (u: string): ActiveState => currentState(graph.resolve(u));
  const pending = new Map<string, PendingJob>();
  for (const p of pendingJobs) pending.set(graph.resolve(p.unit), p);
  const { mode } = request;

  // manager_add_job() and bus_unit_queue_job() checks, in their order.
  if (mode === 'isolate' && request.job !== 'start') return fail('Isolate is only valid for start.');
  if (mode === 'isolate' && !(unit.loadState === 'loaded' && unit.config.Unit.AllowIsolate)) {
    return fail('Operation refused, unit may not be isolated.');
  }
  if (mode === 'triggering' && request.job !== 'stop')
    return fail('--job-mode=triggering is only valid for stop.');
  if (request.manual) {
    const refused = manualRefusal(graph, unitId, request.job, state(unitId));
    if (refused) return fail(refused);
  }

  const tr = new TransactionState(mode === 'replace-irreversibly', state, options.debug ?? (() => {}));
  const ctx: AddContext = { tr, graph, warn: (l) => warnings.push(l) };
  const added = addJob(ctx, collapse(request.job, state(unitId)), unitId, {
    by: null,
    matters: true,
    conflicts: false,
    ignoreRequirements: mode === 'ignore-dependencies' || mode === 'ignore-requirements',
    ignoreOrder: mode === 'ignore-dependencies',
  });
  if (!added.ok) return fail(added.error.message);
  const hasPending = (u: string) => pending.has(u);
  if (mode === 'isolate') {
    const known = new Set([...(options.knownUnits ?? graph.ids()), ...pending.keys()]);
    graph.ensure(known);
    addIsolateJobs(
      ctx,
      [...known].map((u) => graph.resolve(u)),
      hasPending,
    );
  }
  if (mode === 'triggering') addTriggeringJobs(ctx, unitId, hasPending);

  const activated = activate(graph, tr, mode, pending, warnings);
  if (!activated.ok) return fail(activated.error);
  return finish(graph, tr, mode, pending, warnings);
}

/** The refusal bus_unit_queue_job() gives a client for RefuseManualStart=/RefuseManualStop=, if any. */
function manualRefusal(graph: DependencyGraph, unitId: string, job: RequestJobType, s: ActiveState) {
  const unit = graph.unit(unitId);
  if (unit?.loadState !== 'loaded') return null;
  const { RefuseManualStart: noStart, RefuseManualStop: noStop } = unit.config.Unit;
  const refused =
    (job === 'start' && noStart) ||
    (job === 'stop' && noStop) ||
    ((job === 'restart' || job === 'try-restart') && (noStart || noStop)) ||
    (job === 'reload-or-start' && collapse(job, s) === 'start' && noStart);
  return refused
    ? `Operation refused, ${unitId} may be requested by dependency only (it is configured to refuse manual start/stop).`
    : null;
}

type Step = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** transaction_activate() up to applying: reduce the jobs to a consistent, ordered, merged set. */
function activate(
  graph: DependencyGraph,
  tr: TransactionState,
  mode: JobMode,
  pending: ReadonlyMap<string, PendingJob>,
  warnings: string[],
): Step {
  tr.markMattering();
  if (mode === 'fail') minimizeImpact(tr, pending);
  dropRedundant(tr, pending);
  const orderView = new Map<string, OrderJob>();
  for (const [u, p] of pending) orderView.set(u, { unit: u, type: p.type, ignoreOrder: false });
  for (;;) {
    // Isolate keeps every job: its stop jobs are what the request is for.
    if (mode !== 'isolate') tr.collectGarbage();
    const r = verifyOrder(graph, tr, orderView, (l) => warnings.push(l));
    if (r.kind === 'ok') break;
    if (r.kind === 'cyclic') return { ok: false, error: r.error };
  }
  for (;;) {
    const r = mergeJobs(tr);
    if (r === 'ok') break;
    if (r !== 'again') return { ok: false, error: r.error };
    if (mode !== 'isolate') tr.collectGarbage();
  }
  dropRedundant(tr, pending);
  const requisite = checkRequisites(tr, pending, warnings);
  if (!requisite.ok) return requisite;
  if (mode !== 'isolate') tr.collectGarbage();
  return checkDestructive(tr, mode, pending);
}

/** transaction_minimize_impact() (mode fail): drop optional jobs that stop running units or undo queued jobs. */
function minimizeImpact(tr: TransactionState, pending: ReadonlyMap<string, PendingJob>): void {
  for (;;) {
    const victim = tr.all().find((j) => {
      if (j.mattersToAnchor) return false;
      const stopsRunning = j.type === 'stop' && isActiveOrActivating(tr.state(j.unit));
      const p = pending.get(j.unit);
      return stopsRunning || (p !== undefined && isConflicting(j.type, p.type));
    });
    if (!victim) return;
    tr.debug(`Deleting ${id(victim)} to minimize impact.`);
    tr.deleteJob(victim, true);
  }
}

/** transaction_drop_redundant(): drop units all of whose jobs would change nothing. */
function dropRedundant(tr: TransactionState, pending: ReadonlyMap<string, PendingJob>): void {
  for (const [unit, jobs] of [...tr.byUnit]) {
    const p = pending.get(unit);
    const keep = jobs.some(
      (k) =>
        k === tr.anchor ||
        !isRedundant(k.type, tr.state(unit)) ||
        (p !== undefined && isConflicting(k.type, p.type)),
    );
    if (keep) continue;
    for (const k of jobs) {
      tr.debug(`Found redundant job ${id(k)}, dropping from transaction.`);
      tr.deleteJob(k, false);
    }
  }
}

/** transaction_merge_jobs(): one job per unit, or drop one that does not matter, or fail. */
function mergeJobs(tr: TransactionState): 'ok' | 'again' | { error: string } {
  for (const jobs of tr.byUnit.values()) {
    let t: JobType = jobs[0]!.type;
    for (const k of jobs.slice(1)) {
      const m = mergeAndCollapse(t, k.type, tr.state(k.unit));
      if (m !== null) {
        t = m;
        continue;
      }
      if (deleteOneUnmergeable(tr, jobs)) return 'again';
      return {
        error:
          `Transaction contains conflicting jobs '${t}' and '${k.type}' for ${k.unit}. ` +
          'Probably contradicting requirement dependencies configured.',
      };
    }
  }
  for (const jobs of [...tr.byUnit.values()]) {
    if (jobs.length === 1) continue;
    let t: JobType = jobs[0]!.type;
    for (const k of jobs.slice(1)) t = mergeAndCollapse(t, k.type, tr.state(k.unit))!;
    const keep = jobs.includes(tr.anchor!) ? tr.anchor! : jobs[0]!;
    for (const other of jobs) if (other !== keep) tr.mergeInto(keep, other, t);
    keep.type = t;
  }
  return 'ok';
}

/** Whether a stop job was pulled in by some unit's Conflicts=. */
const conflictedBy = (j: TJob) => [...j.objects].some((l) => l.conflicts);

/** delete_one_unmergeable_job(): prefers dropping what does not matter, and stops over starts. */
function deleteOneUnmergeable(tr: TransactionState, jobs: readonly TJob[]): boolean {
  for (let a = 0; a < jobs.length; a++) {
    for (let b = a + 1; b < jobs.length; b++) {
      const j = jobs[a]!;
      const k = jobs[b]!;
      if (lookupMerge(j.type, k.type) !== null) continue;
      let d: TJob;
      if (!j.mattersToAnchor && !k.mattersToAnchor) {
        // Think positive: rather drop the stop, unless it comes from a Conflicts=, then drop the start.
        if (j.type === 'stop') d = conflictedBy(j) ? k : j;
        else if (k.type === 'stop') d = conflictedBy(k) ? j : k;
        else d = j;
      } else if (!j.mattersToAnchor) d = j;
      else if (!k.mattersToAnchor) d = k;
      else return false;
      tr.debug(`Fixing conflicting jobs ${id(j)},${id(k)} by deleting job ${id(d)}`);
      tr.deleteJob(d, true);
      return true;
    }
  }
  return false;
}

/**
 * A verify-active job (Requisite=) on a unit that is not running and not being started fails when it runs,
 * and with it every job that required it. rsd decides that here, where systemd finds out when the job runs:
 * the request fails if the anchor needs the unit; otherwise the jobs that needed it are dropped.
 */
function checkRequisites(
  tr: TransactionState,
  pending: ReadonlyMap<string, PendingJob>,
  warnings: string[],
): Step {
  for (const j of tr.heads()) {
    if (!tr.contains(j) || j.type !== 'verify-active' || isActiveOrActivating(tr.state(j.unit))) continue;
    const p = pending.get(j.unit);
    if (p && (p.type === 'start' || p.type === 'restart')) continue;
    const by = [...j.objects].map((l) => id(l.subject)).join(', ') || 'the request';
    if (j.mattersToAnchor) return { ok: false, error: `Unit ${j.unit} is not active (Requisite= of ${by}).` };
    warnings.push(`${j.unit}: Dropping ${by}: Requisite= unit ${j.unit} is not active.`);
    tr.deleteJob(j, true);
  }
  return { ok: true };
}

/** transaction_is_destructive(). */
function checkDestructive(
  tr: TransactionState,
  mode: JobMode,
  pending: ReadonlyMap<string, PendingJob>,
): Step {
  for (const j of tr.heads()) {
    const p = pending.get(j.unit);
    if (p && (mode === 'fail' || p.irreversible) && isConflicting(p.type, j.type)) {
      const a = tr.anchor!;
      return {
        ok: false,
        error:
          `Transaction for ${id(a)} is destructive (${j.unit} has '${p.type}' job queued, ` +
          `but '${j.type}' is included in transaction).`,
      };
    }
  }
  return { ok: true };
}

/** transaction_apply() as a description: the jobs to install, their ordering, and what they cancel. */
function finish(
  graph: DependencyGraph,
  tr: TransactionState,
  mode: JobMode,
  pending: ReadonlyMap<string, PendingJob>,
  warnings: string[],
): TransactionResult {
  const cancelled = new Set<string>();
  for (const [u, p] of pending) {
    const j = tr.head(u);
    if (j ? isConflicting(p.type, j.type) : mode === 'isolate' || mode === 'flush') {
      const unit = graph.unit(u);
      const ignore = unit?.loadState === 'loaded' && unit.config.Unit.IgnoreOnIsolate;
      if (j || !ignore) cancelled.add(u);
    }
  }
  const view = new Map<string, OrderJob>();
  for (const [u, p] of pending)
    if (!cancelled.has(u)) view.set(u, { unit: u, type: p.type, ignoreOrder: false });
  for (const j of tr.heads()) view.set(j.unit, j);
  const heads = tr.heads().sort((a, b) => a.seq - b.seq);
  const jobs: Job[] = heads.map((j) => ({
    id: id(j),
    unit: j.unit,
    type: j.type,
    waitsFor: waitsFor(graph, j, (u) => view.get(u)).map(id),
    irreversible: j.irreversible,
    anchor: j === tr.anchor,
  }));
  const cancelledIds = [...cancelled].map((u) => id({ unit: u, type: pending.get(u)!.type }));
  const newHeads = new Map(heads.map((j) => [j.unit, j]));
  const queuedWaits: QueuedWaits[] = [];
  for (const [u, p] of pending) {
    if (cancelled.has(u) || newHeads.has(u)) continue;
    const queued: OrderJob = { unit: u, type: p.type, ignoreOrder: false };
    const w = waitsFor(graph, queued, (x) => newHeads.get(x)).map(id);
    if (w.length > 0) queuedWaits.push({ job: id(queued), waitsFor: w });
  }
  return { ok: true, jobs, cancelled: cancelledIds, queuedWaits, warnings };
}
