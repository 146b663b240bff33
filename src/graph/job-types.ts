/**
 * Job types, unit active states and the rules between them, as systemd 252's job.c defines them. Pure
 * functions of types and states: the transaction builder and the engine both use them.
 */

/** A unit's ActiveState. */
export type ActiveState =
  'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';

/** Job types a request may ask for; the try-/-or- ones collapse to a concrete type by the unit's state. */
export type RequestJobType =
  | 'start'
  | 'stop'
  | 'restart'
  | 'reload'
  | 'try-restart'
  | 'try-reload'
  | 'reload-or-start'
  | 'verify-active';

/** The types a job in a transaction has after collapsing; `nop` does nothing but is still a job. */
export type JobType = 'start' | 'verify-active' | 'stop' | 'reload' | 'restart' | 'nop';

export const isActiveOrReloading = (s: ActiveState): boolean => s === 'active' || s === 'reloading';
export const isActiveOrActivating = (s: ActiveState): boolean =>
  s === 'active' || s === 'activating' || s === 'reloading';
export const isInactiveOrFailed = (s: ActiveState): boolean => s === 'inactive' || s === 'failed';
export const isInactiveOrDeactivating = (s: ActiveState): boolean =>
  s === 'inactive' || s === 'failed' || s === 'deactivating';

/** job_type_collapse(): resolves the state-dependent types. */
export function collapse(t: RequestJobType | JobType, state: ActiveState): JobType {
  switch (t) {
    case 'try-restart':
      return isInactiveOrDeactivating(state) ? 'nop' : 'restart';
    case 'try-reload':
      return isInactiveOrDeactivating(state) ? 'nop' : 'reload';
    case 'reload-or-start':
      return isInactiveOrDeactivating(state) ? 'start' : 'reload';
    default:
      return t;
  }
}

/** Index order of systemd's job_merging_table. */
const MERGE_ORDER = ['start', 'verify-active', 'stop', 'reload', 'restart'] as const;
type Mergeable = (typeof MERGE_ORDER)[number];
type Merged = Mergeable | 'reload-or-start' | null;

/** The lower triangle of job_merging_table: MERGE[a][b] for b before a; null = conflicting. */
const MERGE: Readonly<Record<Mergeable, readonly Merged[]>> = {
  start: [],
  'verify-active': ['start'],
  stop: [null, null],
  reload: ['reload-or-start', 'reload', null],
  restart: ['restart', 'restart', null, 'restart'],
};

/** job_type_lookup_merge(): the type doing both, 'reload-or-start' still uncollapsed, or null. */
export function lookupMerge(a: JobType, b: JobType): Merged | 'nop' {
  if (a === b) return a;
  // nop is outside the merging table; it neither conflicts with nor adds to anything.
  if (a === 'nop') return b;
  if (b === 'nop') return a;
  const ia = MERGE_ORDER.indexOf(a);
  const ib = MERGE_ORDER.indexOf(b);
  return ia > ib ? MERGE[a][ib]! : MERGE[b][ia]!;
}

export function isConflicting(a: JobType, b: JobType): boolean {
  return lookupMerge(a, b) === null;
}

/** job_type_merge_and_collapse(). */
export function mergeAndCollapse(a: JobType, b: JobType, state: ActiveState): JobType | null {
  const t = lookupMerge(a, b);
  return t === null ? null : collapse(t, state);
}

/** job_type_is_redundant(): the job would not change the unit's state. */
export function isRedundant(t: JobType, state: ActiveState): boolean {
  switch (t) {
    case 'start':
    case 'verify-active':
      return isActiveOrReloading(state);
    case 'stop':
      return isInactiveOrFailed(state);
    case 'reload':
      return state === 'reloading';
    case 'restart':
      return state === 'activating';
    case 'nop':
      return true;
  }
}

/**
 * job_compare() for jobs of units A and B where A is Before= B: negative if A's job runs first, positive if
 * B's does. Stop (and restart, a stop in disguise) always goes first; two stops run in reverse order.
 */
export function compareBefore(a: JobType, b: JobType): number {
  if (a === 'nop' || b === 'nop') return 0;
  return b === 'stop' || b === 'restart' ? 1 : -1;
}
