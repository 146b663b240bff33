import { parseBoolean } from '../values/boolean';
import { fail, ok } from '../values/result';
import type { ValueParser } from './row';

/** CPUWeight=, IOWeight=: 1..10000, or `idle` for CPUWeight. 0 means "not set". */
export const weight: ValueParser<number> = (raw) => {
  if (raw === 'idle') return ok(0);
  if (!/^\d+$/.test(raw)) return fail('not a weight');
  const n = Number(raw);
  return n >= 1 && n <= 10000 ? ok(n) : fail('weight out of range 1..10000');
};

export type TasksMax =
  | { readonly kind: 'unset' }
  | { readonly kind: 'infinity' }
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'percent'; readonly percent: number };

export const tasksMax: ValueParser<TasksMax> = (raw) => {
  if (raw === 'infinity') return ok({ kind: 'infinity' });
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(raw);
  if (pct) return ok({ kind: 'percent', percent: Number(pct[1]) });
  if (/^\d+$/.test(raw) && Number(raw) > 0) return ok({ kind: 'count', count: Number(raw) });
  return fail('expected a positive number, a percentage or infinity');
};

/** Delegate=: a boolean, or the list of controllers to delegate. */
export const delegate: ValueParser<string[]> = (raw) => {
  const b = parseBoolean(raw);
  if (b.ok)
    return ok(b.value ? ['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids'] : []);
  return ok(raw.split(/\s+/).filter((w) => w !== ''));
};
