import { preview } from './boolean';
import { parseInt32 } from './numbers';
import { fail, ok, type Parsed } from './result';

/** glibc on Linux reserves 32 and 33 for itself, so SIGRTMIN as programs see it is 34. */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;
/** _NSIG: valid signals are 1.._NSIG-1. */
const NSIG = 65;

/** Linux x86-64 numbering (also arm64, riscv64 …; alpha/mips/sparc differ and are not supported). */
const NAMES: ReadonlyArray<readonly [number, string]> = [
  [1, 'HUP'],
  [2, 'INT'],
  [3, 'QUIT'],
  [4, 'ILL'],
  [5, 'TRAP'],
  [6, 'ABRT'],
  [7, 'BUS'],
  [8, 'FPE'],
  [9, 'KILL'],
  [10, 'USR1'],
  [11, 'SEGV'],
  [12, 'USR2'],
  [13, 'PIPE'],
  [14, 'ALRM'],
  [15, 'TERM'],
  [16, 'STKFLT'],
  [17, 'CHLD'],
  [18, 'CONT'],
  [19, 'STOP'],
  [20, 'TSTP'],
  [21, 'TTIN'],
  [22, 'TTOU'],
  [23, 'URG'],
  [24, 'XCPU'],
  [25, 'XFSZ'],
  [26, 'VTALRM'],
  [27, 'PROF'],
  [28, 'WINCH'],
  [29, 'IO'],
  [30, 'PWR'],
  [31, 'SYS'],
];
const BY_NAME = new Map(NAMES.map(([n, name]) => [name, n]));
const BY_NUMBER = new Map(NAMES);

export function isValidSignal(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n < NSIG;
}

/**
 * systemd's signal_from_string(): a number 1..64, a name with or without "SIG" (case-sensitive; aliases like
 * IOT, POLL, CLD are not accepted), RTMIN, RTMIN+n, RTMAX, RTMAX-n.
 */
export function parseSignal(s: string): Parsed<number> {
  const bad = (): Parsed<number> => fail(`unknown signal '${preview(s)}'`);
  const asNumber = parseInt32(s);
  if (asNumber.ok)
    return isValidSignal(asNumber.value)
      ? ok(asNumber.value)
      : fail(`signal number out of range '${preview(s)}'`);
  const name = s.startsWith('SIG') ? s.slice(3) : s;
  const known = BY_NAME.get(name);
  if (known !== undefined) return ok(known);
  if (name.startsWith('RTMIN')) {
    const rest = name.slice(5);
    if (rest === '') return ok(SIGRTMIN);
    if (rest[0] !== '+') return bad();
    const n = parseInt32(rest);
    if (!n.ok) return bad();
    if (n.value < 0 || n.value > SIGRTMAX - SIGRTMIN)
      return fail(`real-time signal out of range '${preview(s)}'`);
    return ok(SIGRTMIN + n.value);
  }
  if (name.startsWith('RTMAX')) {
    const rest = name.slice(5);
    if (rest === '') return ok(SIGRTMAX);
    if (rest[0] !== '-') return bad();
    const n = parseInt32(rest);
    if (!n.ok) return bad();
    if (n.value > 0 || n.value < SIGRTMIN - SIGRTMAX)
      return fail(`real-time signal out of range '${preview(s)}'`);
    return ok(SIGRTMAX + n.value);
  }
  return bad();
}

/** "SIGTERM", "SIGRTMIN+3"; numbers without a name come back as digits, like signal_to_string(). */
export function signalName(n: number): string {
  const name = BY_NUMBER.get(n);
  if (name !== undefined) return 'SIG' + name;
  if (Number.isInteger(n) && n >= SIGRTMIN && n <= SIGRTMAX) return `SIGRTMIN+${n - SIGRTMIN}`;
  return String(n);
}
