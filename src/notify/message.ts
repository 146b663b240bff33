/**
 * sd_notify(3) messages: newline-separated KEY=VALUE assignments, parsed the way systemd 252's
 * service_notify_message reads them. For each known key the first assignment counts (systemd looks them up
 * with strv_find_startswith); every line is also kept in order in `fields`.
 */

export type NotifyAccessValue = 'none' | 'main' | 'exec' | 'all';

export interface NotifyMessage {
  /** Every `KEY=VALUE` line in order (a line without '=' has value ''). Empty lines are skipped. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly ready?: true;
  readonly reloading?: true;
  readonly stopping?: true;
  /** STATUS=, only when valid UTF-8 (systemd ignores it otherwise). */
  readonly status?: string;
  /** ERRNO=, a non-negative integer. */
  readonly errno?: number;
  readonly busError?: string;
  /** MAINPID=, a valid pid (> 0). */
  readonly mainPid?: number;
  /** WATCHDOG=1 is a keep-alive ping; WATCHDOG=trigger asks for the watchdog action now. */
  readonly watchdog?: 'ping' | 'trigger';
  /** Microseconds; Infinity for values beyond 2^53 (USEC_INFINITY). */
  readonly watchdogUsec?: number;
  readonly extendTimeoutUsec?: number;
  /** FDSTORE=1: the passed fds go to the fd store under `fdName` (default "stored"). */
  readonly fdStore?: true;
  /** FDSTOREREMOVE=1: drop stored fds named `fdName`. */
  readonly fdStoreRemove?: true;
  readonly fdName?: string;
  /** FDPOLL=0: do not poll stored fds for errors (false); absent means poll. */
  readonly fdPoll?: boolean;
  /** BARRIER=1: the sender waits until its passed fd is closed (every message's fds are closed once handled). */
  readonly barrier?: true;
  readonly notifyAccess?: NotifyAccessValue;
  /** MONOTONIC_USEC= sent with RELOADING=1 (CLOCK_MONOTONIC, microseconds). */
  readonly monotonicUsec?: number;
  /** Keys rsd does not know (X_SYSTEMD_*, custom), last assignment winning. */
  readonly unknown: Readonly<Record<string, string>>;
  /** Known keys with values systemd would reject, and lines without '=': "KEY=VALUE: reason". */
  readonly invalid: readonly string[];
}

const USEC_RE = /^\d+$/;

function parseUsec(v: string): number | null {
  if (!USEC_RE.test(v) || v.length > 20) return null;
  const n = BigInt(v);
  if (n > 0xffffffffffffffffn) return null;
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(n);
}

function parseNonNegInt(v: string, max: number): number | null {
  if (!/^\+?\d+$/.test(v.trim())) return null;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) && n <= max ? n : null;
}

/** systemd's fdname_is_valid. */
function validFdName(s: string): boolean {
  return s.length <= 255 && /^[\x20-\x7e]*$/.test(s) && !s.includes(':');
}

const KNOWN = new Set([
  'READY',
  'RELOADING',
  'STOPPING',
  'STATUS',
  'ERRNO',
  'BUSERROR',
  'MAINPID',
  'WATCHDOG',
  'WATCHDOG_USEC',
  'EXTEND_TIMEOUT_USEC',
  'FDSTORE',
  'FDSTOREREMOVE',
  'FDNAME',
  'FDPOLL',
  'BARRIER',
  'NOTIFYACCESS',
  'MONOTONIC_USEC',
]);

/**
 * Parses one datagram's text. `utf8Valid` says whether the bytes were valid UTF-8 (STATUS= is dropped
 * otherwise). Never throws.
 */
export function parseNotifyMessage(text: string, utf8Valid = true): NotifyMessage {
  const fields: [string, string][] = [];
  const first = new Map<string, string>();
  const unknown: Record<string, string> = {};
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      fields.push([line, '']);
      invalid.push(`${line}: not an assignment`);
      continue;
    }
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    fields.push([key, value]);
    if (KNOWN.has(key)) {
      if (!first.has(key)) first.set(key, value);
    } else {
      unknown[key] = value;
    }
  }

  const m: {
    -readonly [K in keyof NotifyMessage]: NotifyMessage[K];
  } = { fields, unknown, invalid };
  const bad = (key: string, value: string, why: string): void => void invalid.push(`${key}=${value}: ${why}`);
  const flag = (key: string): boolean => {
    const v = first.get(key);
    if (v === undefined) return false;
    if (v === '1') return true;
    bad(key, v, 'only 1 is meaningful');
    return false;
  };

  if (flag('READY')) m.ready = true;
  if (flag('RELOADING')) m.reloading = true;
  if (flag('STOPPING')) m.stopping = true;
  if (flag('FDSTORE')) m.fdStore = true;
  if (flag('FDSTOREREMOVE')) m.fdStoreRemove = true;
  if (flag('BARRIER')) m.barrier = true;

  const status = first.get('STATUS');
  if (status !== undefined) {
    if (utf8Valid) m.status = status;
    else bad('STATUS', status, 'not UTF-8 clean');
  }
  const errno = first.get('ERRNO');
  if (errno !== undefined) {
    const n = parseNonNegInt(errno, 0x7fffffff);
    if (n === null) bad('ERRNO', errno, 'not a non-negative integer');
    else m.errno = n;
  }
  const busError = first.get('BUSERROR');
  if (busError !== undefined) m.busError = busError;
  const mainPid = first.get('MAINPID');
  if (mainPid !== undefined) {
    const n = parseNonNegInt(mainPid, 0x7fffffff);
    if (n === null || n === 0) bad('MAINPID', mainPid, 'not a valid pid');
    else m.mainPid = n;
  }
  const watchdog = first.get('WATCHDOG');
  if (watchdog !== undefined) {
    if (watchdog === '1') m.watchdog = 'ping';
    else if (watchdog === 'trigger') m.watchdog = 'trigger';
    else bad('WATCHDOG', watchdog, 'expected 1 or trigger');
  }
  for (const [key, prop] of [
    ['WATCHDOG_USEC', 'watchdogUsec'],
    ['EXTEND_TIMEOUT_USEC', 'extendTimeoutUsec'],
    ['MONOTONIC_USEC', 'monotonicUsec'],
  ] as const) {
    const v = first.get(key);
    if (v === undefined) continue;
    const n = parseUsec(v);
    if (n === null) bad(key, v, 'not a number of microseconds');
    else m[prop] = n;
  }
  const fdName = first.get('FDNAME');
  if (fdName !== undefined) {
    if (validFdName(fdName)) m.fdName = fdName;
    else bad('FDNAME', fdName, 'not a valid file descriptor name');
  }
  const fdPoll = first.get('FDPOLL');
  if (fdPoll !== undefined) {
    if (fdPoll === '0' || fdPoll === '1') m.fdPoll = fdPoll === '1';
    else bad('FDPOLL', fdPoll, 'expected 0 or 1');
  }
  const access = first.get('NOTIFYACCESS');
  if (access !== undefined) {
    if (access === 'none' || access === 'main' || access === 'exec' || access === 'all')
      m.notifyAccess = access;
    else bad('NOTIFYACCESS', access, 'expected none, main, exec or all');
  }
  return m;
}
