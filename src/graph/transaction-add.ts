import type { LoadedUnit } from '../load/unit-loader';
import type { DependencyGraph } from './dependencies';
import { ATOMS, type DependencyKind } from './dependency-kinds';
import { collapse, isInactiveOrFailed, type JobType } from './job-types';
import { id, type TJob, type TransactionState } from './transaction-state';

/**
 * Why a job could not be added, by the errno systemd returns: callers tolerate some kinds and not others
 * (a Wants= on a masked unit is fine, a Requires= on it is not).
 */
export type AddError =
  | { readonly kind: 'not-found' | 'masked' | 'bad-setting' | 'load-error'; readonly message: string }
  | { readonly kind: 'not-applicable'; readonly message: string };

export type AddResult =
  { readonly ok: true; readonly job: TJob } | { readonly ok: false; readonly error: AddError };

export interface AddContext {
  readonly tr: TransactionState;
  readonly graph: DependencyGraph;
  readonly warn: (line: string) => void;
}

interface AddFlags {
  readonly by: TJob | null;
  readonly matters: boolean;
  readonly conflicts: boolean;
  readonly ignoreRequirements: boolean;
  readonly ignoreOrder: boolean;
}

/** bus_unit_validate_load_state(): a unit must be loaded for anything but a stop job. */
function validateLoadState(unit: LoadedUnit | undefined, name: string): AddError | null {
  if (!unit) return { kind: 'not-found', message: `Unit ${name} not found.` };
  switch (unit.loadState) {
    case 'loaded':
      return null;
    case 'not-found':
      return { kind: 'not-found', message: `Unit ${unit.id} not found.` };
    case 'masked':
      return { kind: 'masked', message: `Unit ${unit.id} is masked.` };
    case 'bad-setting':
      return { kind: 'bad-setting', message: `Unit ${unit.id} has a bad unit file setting.` };
    case 'error':
      return { kind: 'load-error', message: `Unit ${unit.id} failed to load properly: ${unit.reason}` };
  }
}

/** unit_can_reload(): the type's own answer, else whether the unit propagates reloads to others. */
export function canReload(graph: DependencyGraph, unit: LoadedUnit): boolean {
  if (unit.loadState === 'loaded' && unit.config.type === 'service')
    return unit.config.Service.ExecReload.length > 0 || unit.config.Service.Type === 'notify-reload';
  if (unit.type === 'mount' || unit.type === 'swap') return true;
  return graph.deps(unit.id, 'PropagatesReloadTo').length > 0;
}

/** unit_job_is_applicable(); stop is always applicable since rsd has no perpetual units. */
function isApplicable(graph: DependencyGraph, unit: LoadedUnit | undefined, type: JobType): boolean {
  switch (type) {
    case 'start':
    case 'verify-active':
    case 'nop':
    case 'stop':
      return true;
    case 'restart':
      // unit_can_start(): loaded and the type has a start method (devices do not).
      return unit?.loadState === 'loaded' && unit.type !== 'device';
    case 'reload':
      return unit !== undefined && canReload(graph, unit);
  }
}

/**
 * transaction_add_job_and_dependencies(): adds a job for `name` and, if it is new, the jobs its
 * dependencies call for, recursively.
 *
 * One deliberate difference from 252: when a requirement cannot be added, the job that needed it is
 * removed again (systemd does this from v254 on); 252 left it in, starting a unit whose Requires= failed.
 */
export function addJob(ctx: AddContext, type: JobType, name: string, flags: AddFlags): AddResult {
  const { tr, graph } = ctx;
  const unitId = graph.resolve(name);
  const unit = graph.unit(unitId);
  if (type !== 'stop') {
    const err = validateLoadState(unit, unitId);
    if (err) return { ok: false, error: err };
  }
  if (!isApplicable(graph, unit, type)) {
    return {
      ok: false,
      error: { kind: 'not-applicable', message: `Job type ${type} is not applicable for unit ${unitId}.` },
    };
  }
  const { job, isNew } = tr.addOne(unitId, type);
  job.ignoreOrder ||= flags.ignoreOrder;
  // The request's own job is the anchor; every other job records who pulled it in.
  if (flags.by) tr.link(flags.by, job, flags.matters, flags.conflicts);
  else tr.anchor = job;

  if (!isNew || flags.ignoreRequirements || type === 'nop') return { ok: true, job };
  const failure = addDependencies(ctx, job, flags.ignoreOrder);
  if (failure) {
    tr.debug(`Cannot add dependency job to transaction, deleting job ${id(job)} again: ${failure.message}`);
    tr.deleteJob(job, false);
    return { ok: false, error: failure };
  }
  return { ok: true, job };
}

function child(by: TJob, matters: boolean, conflicts: boolean, ignoreOrder: boolean): AddFlags {
  return { by, matters, conflicts, ignoreRequirements: false, ignoreOrder };
}

/** Returns the error that fails `job`, or null when every dependency that matters was added. */
const NONE: readonly string[] = [];

function addDependencies(ctx: AddContext, job: TJob, ignoreOrder: boolean): AddError | null {
  const { graph, tr } = ctx;
  // Indexed loops: every job of a boot's transaction comes here, mostly before V8 has optimized this.
  const deps = (kinds: readonly DependencyKind[]): readonly string[] => {
    let out: Set<string> | null = null;
    for (let k = 0; k < kinds.length; k++) {
      const ds = graph.deps(job.unit, kinds[k]!);
      if (ds.length === 0) continue;
      out ??= new Set();
      for (let i = 0; i < ds.length; i++) out.add(ds[i]!);
    }
    return out === null ? NONE : [...out];
  };
  // A required job may fail only by being inapplicable (e.g. restart of a device): that one is skipped.
  const required = (type: JobType, dep: string, conflicts: boolean): AddError | null => {
    const r = addJob(ctx, type, dep, child(job, true, conflicts, ignoreOrder));
    return !r.ok && r.error.kind !== 'not-applicable' ? r.error : null;
  };

  if (job.type === 'start' || job.type === 'restart') {
    for (const dep of deps(ATOMS.pullInStart)) {
      const err = required('start', dep, false);
      if (err) return err;
    }
    for (const dep of deps(ATOMS.pullInStartIgnored)) {
      const r = addJob(ctx, 'start', dep, child(job, false, false, ignoreOrder));
      // Missing, masked and inapplicable wanted units are expected; systemd logs them at debug level.
      if (!r.ok && (r.error.kind === 'bad-setting' || r.error.kind === 'load-error')) {
        ctx.warn(`${dep}: Cannot add dependency job, ignoring: ${r.error.message}`);
      }
    }
    for (const dep of deps(ATOMS.pullInVerify)) {
      const err = required('verify-active', dep, false);
      if (err) return err;
    }
    for (const dep of deps(ATOMS.pullInStop)) {
      const err = required('stop', dep, true);
      if (err) return err;
    }
    for (const dep of deps(ATOMS.pullInStopIgnored)) {
      const r = addJob(ctx, 'stop', dep, child(job, false, false, ignoreOrder));
      if (!r.ok) ctx.warn(`${dep}: Cannot add dependency job, ignoring: ${r.error.message}`);
    }
  }

  if (job.type === 'stop' || job.type === 'restart') {
    // Restart propagates as try-restart, so it never starts units that are not running.
    const restarted = new Set<string>();
    if (job.type === 'restart') {
      for (const dep of deps(ATOMS.propagateRestart)) {
        restarted.add(dep);
        const nt = collapse('try-restart', tr.state(dep));
        if (nt === 'nop') continue;
        const err = required(nt, dep, false);
        if (err) return err;
      }
    }
    // The stop half of a restart also reaches units that only propagate stops (PropagatesStopTo=).
    for (const dep of deps(ATOMS.propagateStop)) {
      if (restarted.has(dep)) continue;
      const err = required('stop', dep, false);
      if (err) return err;
    }
  }

  if (job.type === 'reload') {
    for (const dep of graph.deps(job.unit, 'PropagatesReloadTo')) {
      const nt = collapse('try-reload', tr.state(dep));
      if (nt === 'nop') continue;
      const r = addJob(ctx, nt, dep, child(job, false, false, ignoreOrder));
      if (!r.ok) ctx.warn(`${dep}: Cannot add dependency reload job, ignoring: ${r.error.message}`);
    }
  }
  return null;
}

/** transaction_add_isolate_jobs(): stop every running unit the request did not pull in. */
export function addIsolateJobs(
  ctx: AddContext,
  units: Iterable<string>,
  hasPendingJob: (u: string) => boolean,
) {
  const { tr, graph } = ctx;
  for (const u of units) {
    const unit = graph.unit(u);
    if (unit?.loadState === 'loaded' && unit.config.Unit.IgnoreOnIsolate) continue;
    if (isInactiveOrFailed(tr.state(u)) && !hasPendingJob(u)) continue;
    if (tr.byUnit.has(u)) continue;
    const r = addJob(ctx, 'stop', u, child(tr.anchor!, true, false, false));
    if (!r.ok) ctx.warn(`${u}: Cannot add isolate job, ignoring: ${r.error.message}`);
  }
}

/** transaction_add_triggering_jobs(): stopping a unit also stops the running units that trigger it. */
export function addTriggeringJobs(ctx: AddContext, unit: string, hasPendingJob: (u: string) => boolean) {
  const { tr, graph } = ctx;
  for (const trigger of graph.deps(unit, 'TriggeredBy')) {
    if (isInactiveOrFailed(tr.state(trigger)) && !hasPendingJob(trigger)) continue;
    if (tr.byUnit.has(trigger)) continue;
    const r = addJob(ctx, 'stop', trigger, child(tr.anchor!, true, false, false));
    if (!r.ok) ctx.warn(`${unit}: Cannot add triggered by job, ignoring: ${r.error.message}`);
  }
}
