import { preview } from './boolean';
import { parseUnsigned } from './numbers';
import { fail, ok, type Parsed } from './result';
import { parseSignal } from './signal';
import { extractFirstWord } from './words';

/** The names systemd's exit_status_to_string()/exit_status_from_string() use (no EXIT_/EX_ prefix). */
const EXIT_STATUS_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0, 'SUCCESS'],
  [1, 'FAILURE'],
  // LSB init script codes
  [2, 'INVALIDARGUMENT'],
  [3, 'NOTIMPLEMENTED'],
  [4, 'NOPERMISSION'],
  [5, 'NOTINSTALLED'],
  [6, 'NOTCONFIGURED'],
  [7, 'NOTRUNNING'],
  // BSD sysexits.h
  [64, 'USAGE'],
  [65, 'DATAERR'],
  [66, 'NOINPUT'],
  [67, 'NOUSER'],
  [68, 'NOHOST'],
  [69, 'UNAVAILABLE'],
  [70, 'SOFTWARE'],
  [71, 'OSERR'],
  [72, 'OSFILE'],
  [73, 'CANTCREAT'],
  [74, 'IOERR'],
  [75, 'TEMPFAIL'],
  [76, 'PROTOCOL'],
  [77, 'NOPERM'],
  [78, 'CONFIG'],
  // systemd's own
  [200, 'CHDIR'],
  [201, 'NICE'],
  [202, 'FDS'],
  [203, 'EXEC'],
  [204, 'MEMORY'],
  [205, 'LIMITS'],
  [206, 'OOM_ADJUST'],
  [207, 'SIGNAL_MASK'],
  [208, 'STDIN'],
  [209, 'STDOUT'],
  [210, 'CHROOT'],
  [211, 'IOPRIO'],
  [212, 'TIMERSLACK'],
  [213, 'SECUREBITS'],
  [214, 'SETSCHEDULER'],
  [215, 'CPUAFFINITY'],
  [216, 'GROUP'],
  [217, 'USER'],
  [218, 'CAPABILITIES'],
  [219, 'CGROUP'],
  [220, 'SETSID'],
  [221, 'CONFIRM'],
  [222, 'STDERR'],
  [224, 'PAM'],
  [225, 'NETWORK'],
  [226, 'NAMESPACE'],
  [227, 'NO_NEW_PRIVILEGES'],
  [228, 'SECCOMP'],
  [229, 'SELINUX_CONTEXT'],
  [230, 'PERSONALITY'],
  // EXIT_APPARMOR_PROFILE's string is just "APPARMOR".
  [231, 'APPARMOR'],
  [232, 'ADDRESS_FAMILIES'],
  [233, 'RUNTIME_DIRECTORY'],
  [235, 'CHOWN'],
  [236, 'SMACK_PROCESS_LABEL'],
  [237, 'KEYRING'],
  [238, 'STATE_DIRECTORY'],
  [239, 'CACHE_DIRECTORY'],
  [240, 'LOGS_DIRECTORY'],
  [241, 'CONFIGURATION_DIRECTORY'],
  [242, 'NUMA_POLICY'],
  [243, 'CREDENTIALS'],
  [245, 'BPF'],
  [255, 'EXCEPTION'],
];
const BY_NAME = new Map(EXIT_STATUS_NAMES.map(([n, name]) => [name, n]));
const BY_NUMBER = new Map(EXIT_STATUS_NAMES);

/** systemd's name for an exit status (203 -> 'EXEC'), or null. */
export function exitStatusName(n: number): string | null {
  return BY_NUMBER.get(n) ?? null;
}

/** exit_status_from_string(): an exact (case-sensitive) name or a number 0..255. */
export function parseExitStatus(s: string): Parsed<number> {
  const named = BY_NAME.get(s);
  if (named !== undefined) return ok(named);
  const n = parseUnsigned(s, 255n);
  return n.ok ? ok(Number(n.value)) : fail(`invalid exit status '${preview(s)}'`);
}

export interface ExitStatusSet {
  statuses: number[];
  signals: number[];
}

/**
 * SuccessExitStatus= and friends, as systemd reads them: each word is an exit status first (so "15" is a
 * status, not SIGTERM), else a signal. systemd skips a bad word with a warning and keeps the rest.
 */
export function parseExitStatusSetWithWarnings(s: string): { value: ExitStatusSet; warnings: string[] } {
  const statuses = new Set<number>();
  const signals = new Set<number>();
  const warnings: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(s, pos, {});
    if (!r.ok) {
      warnings.push(`failed to parse '${preview(s)}': ${r.error}`);
      break;
    }
    if (r.word === null) break;
    pos = r.next;
    const status = parseExitStatus(r.word);
    if (status.ok) {
      statuses.add(status.value);
      continue;
    }
    const sig = parseSignal(r.word);
    if (sig.ok) signals.add(sig.value);
    else warnings.push(`not an exit status or signal: '${preview(r.word)}'`);
  }
  const sorted = (x: Set<number>): number[] => [...x].sort((a, b) => a - b);
  return { value: { statuses: sorted(statuses), signals: sorted(signals) }, warnings };
}

/** Strict form: any word systemd would skip makes the whole value an error. Empty input is an empty set. */
export function parseExitStatusSet(s: string): Parsed<ExitStatusSet> {
  const r = parseExitStatusSetWithWarnings(s);
  return r.warnings.length > 0 ? fail(r.warnings[0]!) : ok(r.value);
}
