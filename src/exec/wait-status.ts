/** Decodes a raw waitpid() status (the W* macros of <sys/wait.h>) into how a child ended. */
import { constants } from 'node:os';

export type ChildExit =
  | { pid: number; kind: 'exited'; code: number }
  | { pid: number; kind: 'killed'; signal: number; signalName: string; coreDumped: boolean };

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, n]) => [n, name] as const),
);

export function signalName(signal: number): string {
  return SIGNAL_NAMES.get(signal) ?? `SIG${signal}`;
}

/**
 * Returns null for a stop/continue report, which the reaper never asks for (no WUNTRACED/WCONTINUED) but
 * which must not be mistaken for an exit.
 */
export function decodeWaitStatus(pid: number, status: number): ChildExit | null {
  const low = status & 0x7f;
  if (low === 0) return { pid, kind: 'exited', code: (status >> 8) & 0xff };
  if (low === 0x7f || status === 0xffff) return null;
  return { pid, kind: 'killed', signal: low, signalName: signalName(low), coreDumped: (status & 0x80) !== 0 };
}
