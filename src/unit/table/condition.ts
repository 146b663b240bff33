import { ok } from '../values/result';
import { mayHaveSpecifiers } from '../values/specifiers';
import type { ValueParser } from './row';

/**
 * One Condition*= or Assert*= line. `trigger` is the `|` prefix (any one triggering condition suffices),
 * `negate` the `!` prefix. The parameter is kept as written: each check interprets its own.
 */
export interface Condition {
  readonly check: string;
  readonly trigger: boolean;
  readonly negate: boolean;
  readonly parameter: string;
}

export function condition(check: string): ValueParser<Condition[]> {
  return (raw, ctx) => {
    let rest = raw;
    let trigger = false;
    let negate = false;
    if (rest.startsWith('|')) {
      trigger = true;
      rest = rest.slice(1).trimStart();
    }
    if (rest.startsWith('!')) {
      negate = true;
      rest = rest.slice(1).trimStart();
    }
    let parameter = rest;
    // A value with no specifier (nearly every one) is its own expansion.
    if (mayHaveSpecifiers(rest)) {
      const e = ctx.expand(rest);
      if (!e.ok) return e;
      parameter = e.value;
    }
    return ok([{ check, trigger, negate, parameter }]);
  };
}
