import toposort from 'toposort';
import type { DependencyGraph } from './dependencies';
import { compareBefore, type JobType } from './job-types';
import { id, type TransactionState } from './transaction-state';

/** A job as ordering sees it: a transaction job or one already queued before this request. */
export interface OrderJob {
  readonly unit: string;
  readonly type: JobType;
  readonly ignoreOrder: boolean;
}

const DIRECTIONS = ['Before', 'After'] as const;

/**
 * job_compare() for `a`'s unit being `dir` (Before/After) `b`'s unit: negative when a's job runs first,
 * positive when b's does, 0 when they are independent.
 */
export function compareJobs(a: OrderJob, b: OrderJob, dir: 'Before' | 'After'): number {
  if (a.type === 'nop' || b.type === 'nop') return 0;
  if (a.ignoreOrder || b.ignoreOrder) return 0;
  return dir === 'Before' ? compareBefore(a.type, b.type) : -compareBefore(b.type, a.type);
}

/** Every job `j` runs before, in `jobOf`'s view of the jobs (transaction jobs first, then queued ones). */
function* runsBefore(graph: DependencyGraph, j: OrderJob, jobOf: (unit: string) => OrderJob | undefined) {
  for (const dir of DIRECTIONS) {
    for (const u of graph.deps(j.unit, dir)) {
      const o = jobOf(u);
      if (o && compareJobs(j, o, dir) < 0) yield o;
    }
  }
}

export type VerifyResult =
  { readonly kind: 'ok' } | { readonly kind: 'again' } | { readonly kind: 'cyclic'; readonly error: string };

/**
 * transaction_verify_order(): looks for a cycle among the jobs' execution order and, if one exists, deletes
 * the first job on it that does not matter to the anchor, logging the cycle as systemd does. `toposort`
 * answers the common question (is there any cycle?) cheaply; the walk that names and breaks a cycle only
 * runs when it says yes.
 */
export function verifyOrder(
  graph: DependencyGraph,
  tr: TransactionState,
  pending: ReadonlyMap<string, OrderJob>,
  warn: (line: string) => void,
): VerifyResult {
  const jobOf = (u: string): OrderJob | undefined => tr.head(u) ?? pending.get(u);
  const heads = tr.heads();
  const edges: Array<[OrderJob, OrderJob]> = [];
  for (const j of heads) for (const o of runsBefore(graph, j, jobOf)) edges.push([j, o]);
  try {
    toposort.array<OrderJob>([...heads, ...pending.values()], edges);
    return { kind: 'ok' };
  } catch {
    // Fall through to the walk below, which finds the cycle the way systemd reports it.
  }

  // marker: the job we came from (the start of a walk points at itself); null once proven cycle-free.
  const marker = new Map<OrderJob, OrderJob | null>();
  const visit = (j: OrderJob, from: OrderJob | null): VerifyResult => {
    if (marker.has(j)) {
      if (marker.get(j) === null) return { kind: 'ok' };
      const path: OrderJob[] = [];
      let drop: OrderJob | null = null;
      for (let k: OrderJob | null = from; k;) {
        path.push(k);
        if (!drop && tr.head(k.unit) === k && !tr.unitMatters(k.unit)) drop = k;
        if (k === j) break;
        const m: OrderJob | null | undefined = marker.get(k);
        k = m && m !== k ? m : null;
      }
      path.forEach((k, i) =>
        warn(`${j.unit}: Found ${i === 0 ? 'ordering cycle' : 'dependency'} on ${id(k)}`),
      );
      if (drop) {
        warn(`${j.unit}: Job ${id(drop)} deleted to break ordering cycle starting with ${id(j)}`);
        tr.deleteUnit(drop.unit);
        return { kind: 'again' };
      }
      warn(`${j.unit}: Unable to break cycle starting with ${id(j)}`);
      return {
        kind: 'cyclic',
        error: `Transaction order is cyclic: ${path.map(id).reverse().join(' -> ')} -> ${id(j)}`,
      };
    }
    marker.set(j, from ?? j);
    for (const o of runsBefore(graph, j, jobOf)) {
      const r = visit(o, j);
      if (r.kind !== 'ok') return r;
    }
    marker.set(j, null);
    return { kind: 'ok' };
  };
  for (const j of heads) {
    const r = visit(j, null);
    if (r.kind !== 'ok') return r;
  }
  return { kind: 'ok' };
}

/**
 * job_is_runnable()'s ordering as edges: the jobs `j` must wait for, among `jobOf`'s jobs. A job waits for
 * another when the other runs before it by job_compare(); with nothing to wait for it may run at once.
 */
export function waitsFor(
  graph: DependencyGraph,
  j: OrderJob,
  jobOf: (unit: string) => OrderJob | undefined,
): OrderJob[] {
  if (j.type === 'nop' || j.ignoreOrder) return [];
  const out = new Set<OrderJob>();
  for (const dir of DIRECTIONS) {
    for (const u of graph.deps(j.unit, dir)) {
      const o = jobOf(u);
      if (o && compareJobs(j, o, dir) > 0) out.add(o);
    }
  }
  return [...out];
}
