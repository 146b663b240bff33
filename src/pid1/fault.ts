/**
 * Fault injection, to prove that no internal failure ends rsd. RSD_FAULT names the operations that throw:
 * a comma-separated list of POINT or POINT:SUBJECT (the subject is the unit, method or socket the
 * operation is about), e.g. RSD_FAULT=spawn:victim.service,control:ListUnitFiles. Read once at start-up:
 * without the variable, fault() is an empty function.
 */
export const FAULT_POINTS = [
  'load',
  'transaction',
  'job',
  'spawn',
  'reaper',
  'notify',
  'socket-activation',
  'control',
  'reload',
  'timer',
  /** The manager's invariant check reports its state beyond repair: rsd re-executes itself. */
  'invariant',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export const FAULT_ENV = 'RSD_FAULT';

/** The thrown error, recognisable in the log. */
export class InjectedFault extends Error {
  constructor(point: FaultPoint, subject: string | undefined) {
    super(`injected fault at ${point}${subject !== undefined ? ` (${subject})` : ''}`);
    this.name = 'InjectedFault';
  }
}

type Armed = ReadonlyMap<FaultPoint, ReadonlySet<string> | 'all'>;

export function parseFaults(spec: string): Armed {
  const armed = new Map<FaultPoint, Set<string> | 'all'>();
  for (const item of spec.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const colon = item.indexOf(':');
    const point = (colon < 0 ? item : item.slice(0, colon)) as FaultPoint;
    if (!(FAULT_POINTS as readonly string[]).includes(point)) continue;
    if (colon < 0) armed.set(point, 'all');
    else {
      const prev = armed.get(point);
      if (prev === 'all') continue;
      const set = prev ?? new Set<string>();
      set.add(item.slice(colon + 1));
      armed.set(point, set);
    }
  }
  return armed;
}

const spec = process.env[FAULT_ENV];
const armed: Armed | null = spec ? parseFaults(spec) : null;

function check(point: FaultPoint, subject?: string): void {
  const which = armed!.get(point);
  if (which === undefined) return;
  if (which === 'all' || (subject !== undefined && which.has(subject)))
    throw new InjectedFault(point, subject);
}

/** Throws if RSD_FAULT arms `point` (for `subject`, or for every subject). Free when RSD_FAULT is unset. */
export const fault: (point: FaultPoint, subject?: string) => void = armed === null ? () => {} : check;

/** Whether any fault is armed (the log says so at start-up, so nobody mistakes a test rsd for a sick one). */
export const faultsArmed = (): string | null => (armed === null ? null : spec!);
