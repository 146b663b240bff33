/** Why rsd stops everything: the systemd job that would end the system, and the exit status asked for. */
export type ShutdownKind = 'exit' | 'halt' | 'poweroff' | 'reboot';

export interface ShutdownRequest {
  readonly kind: ShutdownKind;
  readonly code: number;
}

/** SuccessAction=/FailureAction= and rsdctl's verbs, by the shutdown they ask for (exit-force is exit, ...). */
export function shutdownKindOf(action: string): ShutdownKind | null {
  for (const k of ['exit', 'halt', 'poweroff', 'reboot'] as const) if (action.startsWith(k)) return k;
  return null;
}
