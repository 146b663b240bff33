import type { Condition } from '../unit/table/condition';
import { CHECKS } from './checks';

export interface CheckedCondition {
  readonly condition: Condition;
  /** The check's answer after `!` is applied. */
  readonly passed: boolean;
}

export type Verdict =
  | { readonly passed: true; readonly checked: readonly CheckedCondition[] }
  | {
      readonly passed: false;
      readonly checked: readonly CheckedCondition[];
      /** The first failing non-trigger condition, or null when it is the trigger group that failed. */
      readonly failed: Condition | null;
    };

/**
 * systemd.unit(5): every plain condition must pass, and when there are `|` (triggering) conditions at least one
 * of them must pass. An unknown check fails, as a check that cannot be made does.
 */
/** The verdict on an empty list. */
export const PASSED: Verdict = { passed: true, checked: [] };

export async function evaluateConditions(conditions: readonly Condition[]): Promise<Verdict> {
  const checked = await Promise.all(
    conditions.map(async (condition): Promise<CheckedCondition> => {
      const check = CHECKS[condition.check];
      const answer = check ? await check(condition.parameter) : false;
      return { condition, passed: answer !== condition.negate };
    }),
  );
  const plainFailure = checked.find((c) => !c.condition.trigger && !c.passed);
  if (plainFailure) return { passed: false, checked, failed: plainFailure.condition };
  const triggers = checked.filter((c) => c.condition.trigger);
  if (triggers.length > 0 && !triggers.some((c) => c.passed)) return { passed: false, checked, failed: null };
  return { passed: true, checked };
}

/** systemd's log line for a skipped or failed unit: "ConditionPathExists=!/x was not met". */
export function describe(condition: Condition, kind: 'Condition' | 'Assert'): string {
  return `${kind}${condition.check}=${condition.trigger ? '|' : ''}${condition.negate ? '!' : ''}${condition.parameter}`;
}
