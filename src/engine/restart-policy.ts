import type { ExitStatusSet } from '../unit/values/exit-status';
import type { ProcessEnd } from './service-result';

export type RestartSetting =
  'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';

/** Why the service stopped, in the terms of the table in systemd.service(5), Restart=. */
export type ExitCause =
  | { readonly kind: 'process'; readonly end: ProcessEnd }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'watchdog' };

/** SIGHUP, SIGINT, SIGTERM and SIGPIPE count as a clean end (systemd.service(5), SuccessExitStatus=). */
const CLEAN_SIGNALS = new Set([1, 2, 15, 13]);

export function isCleanEnd(end: ProcessEnd, success: readonly ExitStatusSet[]): boolean {
  if (end.kind === 'exited') return end.status === 0 || success.some((s) => s.statuses.includes(end.status));
  return CLEAN_SIGNALS.has(end.signal) || success.some((s) => s.signals.includes(end.signal));
}

function listed(end: ProcessEnd, sets: readonly ExitStatusSet[]): boolean {
  return end.kind === 'exited'
    ? sets.some((s) => s.statuses.includes(end.status))
    : sets.some((s) => s.signals.includes(end.signal));
}

export interface RestartRules {
  readonly Restart: RestartSetting;
  readonly SuccessExitStatus: readonly ExitStatusSet[];
  readonly RestartPreventExitStatus: readonly ExitStatusSet[];
  readonly RestartForceExitStatus: readonly ExitStatusSet[];
}

/**
 * The Restart= matrix of systemd.service(5). A stop the user asked for never restarts (the caller does not
 * ask then); RestartPreventExitStatus= wins over Restart=; RestartForceExitStatus= restarts even with
 * Restart=no.
 */
export function shouldRestart(rules: RestartRules, cause: ExitCause): boolean {
  if (cause.kind === 'process') {
    if (listed(cause.end, rules.RestartPreventExitStatus)) return false;
    if (listed(cause.end, rules.RestartForceExitStatus)) return true;
  }
  const r = rules.Restart;
  if (r === 'always') return true;
  if (r === 'no') return false;
  if (cause.kind === 'timeout') return r === 'on-failure' || r === 'on-abnormal';
  if (cause.kind === 'watchdog') return r === 'on-failure' || r === 'on-abnormal' || r === 'on-watchdog';
  const end = cause.end;
  if (isCleanEnd(end, rules.SuccessExitStatus)) return r === 'on-success';
  if (end.kind === 'exited') return r === 'on-failure';
  // An unclean signal.
  return r === 'on-failure' || r === 'on-abnormal' || r === 'on-abort';
}
