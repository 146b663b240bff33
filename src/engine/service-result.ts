/**
 * Why a service stopped, named as systemd names it (the Result property and $SERVICE_RESULT), and how it
 * ended: $EXIT_CODE/$EXIT_STATUS for ExecStopPost= and the Restart= decision.
 */
export type ServiceResult =
  | 'success'
  | 'protocol'
  | 'timeout'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'watchdog'
  | 'start-limit-hit'
  | 'resources'
  | 'oom-kill'
  | 'exec-condition'
  | 'condition'
  | 'dependency';

/** How the main process ended, as waitpid() told it. */
export type ProcessEnd =
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'killed'; readonly signal: number; readonly coreDumped: boolean };

/** $EXIT_CODE and $EXIT_STATUS as systemd sets them for ExecStopPost=. */
export function exitVariables(
  end: ProcessEnd,
  signalName: (n: number) => string,
): { code: string; status: string } {
  if (end.kind === 'exited') return { code: 'exited', status: String(end.status) };
  return { code: end.coreDumped ? 'dumped' : 'killed', status: signalName(end.signal).replace(/^SIG/, '') };
}
