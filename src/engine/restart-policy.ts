import type { ExitStatusSet } from '../unit/values/exit-status';
import type { ProcessEnd, ServiceResult } from './service-result';

export type RestartSetting =
  'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';

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
  readonly RestartPreventExitStatus: readonly ExitStatusSet[];
  readonly RestartForceExitStatus: readonly ExitStatusSet[];
}

/**
 * The Restart= matrix of systemd.service(5), decided as systemd decides it: from the service's result
 * (success for a clean end; exit-code, signal, core-dump, timeout, watchdog otherwise) and the main process's
 * end for RestartPreventExitStatus=/RestartForceExitStatus=. A stop someone asked for never comes here.
 */
export function shouldRestart(
  rules: RestartRules,
  result: ServiceResult,
  mainEnd: ProcessEnd | null,
): boolean {
  if (result === 'start-limit-hit' || result === 'condition' || result === 'exec-condition') return false;
  if (mainEnd !== null && listed(mainEnd, rules.RestartPreventExitStatus)) return false;
  if (mainEnd !== null && listed(mainEnd, rules.RestartForceExitStatus)) return true;
  switch (rules.Restart) {
    case 'no':
      return false;
    case 'always':
      return true;
    case 'on-success':
      return result === 'success';
    case 'on-failure':
      return result !== 'success';
    case 'on-abnormal':
      return result !== 'success' && result !== 'exit-code';
    case 'on-watchdog':
      return result === 'watchdog';
    case 'on-abort':
      return result === 'signal' || result === 'core-dump';
  }
}

/** The result a service gets when its main process ends this way. */
export function resultOfEnd(end: ProcessEnd, success: readonly ExitStatusSet[]): ServiceResult {
  if (isCleanEnd(end, success)) return 'success';
  if (end.kind === 'exited') return 'exit-code';
  return end.coreDumped ? 'core-dump' : 'signal';
}
