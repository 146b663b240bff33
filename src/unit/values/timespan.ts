import { preview } from './boolean';
import { INT64_MAX, scanDecimal, UINT64_MAX, WHITESPACE } from './numbers';
import { fail, ok, type Parsed } from './result';

export const USEC_PER_MSEC = 1000n;
export const USEC_PER_SEC = 1000000n;
export const USEC_PER_MINUTE = 60n * USEC_PER_SEC;
export const USEC_PER_HOUR = 60n * USEC_PER_MINUTE;
export const USEC_PER_DAY = 24n * USEC_PER_HOUR;
export const USEC_PER_WEEK = 7n * USEC_PER_DAY;
/** 30.44 days, as systemd defines a month. */
export const USEC_PER_MONTH = 2629800n * USEC_PER_SEC;
/** 365.25 days. */
export const USEC_PER_YEAR = 31557600n * USEC_PER_SEC;
/** systemd's USEC_INFINITY (UINT64_MAX); every finite span must stay below it. */
const USEC_INFINITY = UINT64_MAX;

// Order matters: the first prefix match wins, so "ms" must precede "m" and "min" must precede "m".
const PARSE_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['seconds', USEC_PER_SEC],
  ['second', USEC_PER_SEC],
  ['sec', USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE],
  ['minute', USEC_PER_MINUTE],
  ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH],
  ['month', USEC_PER_MONTH],
  ['M', USEC_PER_MONTH],
  ['msec', USEC_PER_MSEC],
  ['ms', USEC_PER_MSEC],
  ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR],
  ['hour', USEC_PER_HOUR],
  ['hr', USEC_PER_HOUR],
  ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY],
  ['day', USEC_PER_DAY],
  ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK],
  ['week', USEC_PER_WEEK],
  ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR],
  ['year', USEC_PER_YEAR],
  ['y', USEC_PER_YEAR],
  ['usec', 1n],
  ['us', 1n],
  ['\u00b5s', 1n], // MICRO SIGN
  ['\u03bcs', 1n], // GREEK SMALL LETTER MU
];

const DEFAULT_UNITS = { us: 1n, ms: USEC_PER_MSEC, s: USEC_PER_SEC } as const;

/**
 * The units a whole suffix can name in parse_time(): those that are the first prefix match of their own
 * spelling (`mins` is not one: `min` matches first and leaves `s` as garbage).
 */
const WHOLE_UNITS: ReadonlyMap<string, number> = new Map(
  PARSE_UNITS.filter(([name]) => PARSE_UNITS.find(([u]) => name.startsWith(u))?.[0] === name).map(
    ([name, usec]) => [name, Number(usec)],
  ),
);

/**
 * The microseconds of the usual `90`, `5s` or `100ms` (digits, then a unit or none, nothing else) without
 * the exact parser's big integers: the same value when it is a safe integer, else null (and for any other
 * form), leaving the value to parseTimeSpanExact.
 */
function simpleTimeSpan(s: string, defaultUnit: 'us' | 'ms' | 's'): number | null {
  let i = 0;
  while (i < s.length && i < 16 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === 0 || i === 16) return null;
  const multiplier = i === s.length ? Number(DEFAULT_UNITS[defaultUnit]) : WHOLE_UNITS.get(s.slice(i));
  if (multiplier === undefined) return null;
  const usec = Number(s.slice(0, i)) * multiplier;
  return Number.isSafeInteger(usec) ? usec : null;
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  return i;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** The exact microsecond count, as systemd's parse_time() computes it; USEC_INFINITY for "infinity". */
export function parseTimeSpanExact(s: string, defaultUnit: 'us' | 'ms' | 's' = 's'): Parsed<bigint> {
  const bad = (why: string): Parsed<bigint> => fail(`invalid time span '${preview(s)}': ${why}`);
  let p = skipWhitespace(s, 0);
  if (s.startsWith('infinity', p)) {
    return skipWhitespace(s, p + 8) === s.length ? ok(USEC_INFINITY) : bad('trailing garbage after infinity');
  }
  let usec = 0n;
  let something = false;
  for (;;) {
    let multiplier: bigint = DEFAULT_UNITS[defaultUnit];
    p = skipWhitespace(s, p);
    if (p >= s.length) {
      if (!something) return bad('empty');
      break;
    }
    if (s[p] === '-') return bad('negative');
    const num = scanDecimal(s, p);
    if (num.value > INT64_MAX) return bad('number out of range');
    if (num.negative && num.value !== 0n) return bad('negative');
    const e = num.end;
    // Like strtoll, a missing integer part is fine when a fraction follows (".5s").
    if (s[e] === '.') {
      p = e + 1;
      while (isDigit(s, p)) p++;
    } else if (e === p) return bad(`unexpected '${preview(s.slice(p, p + 8))}'`);
    else p = e;

    const unitAt = skipWhitespace(s, p);
    const unit = PARSE_UNITS.find(([name]) => s.startsWith(name, unitAt));
    const after = unit ? unitAt + unit[0].length : unitAt;
    // A number glued to something that is not a unit ("12.34.56", "5x") is refused; a space separates.
    if (after === p && p < s.length) return bad(`unknown unit at '${preview(s.slice(p, p + 8))}'`);
    if (unit) multiplier = unit[1];
    p = after;

    if (num.value >= USEC_INFINITY / multiplier) return bad('out of range');
    const k = num.value * multiplier;
    if (k >= USEC_INFINITY - usec) return bad('out of range');
    usec += k;
    something = true;

    if (s[e] === '.') {
      let m = multiplier / 10n;
      let b = e + 1;
      for (; isDigit(s, b); b++, m /= 10n) {
        const f = BigInt(s.charCodeAt(b) - 48) * m;
        if (f >= USEC_INFINITY - usec) return bad('out of range');
        usec += f;
      }
      if (b === e + 1) return bad('no digits after the decimal point');
    }
  }
  return ok(usec);
}

/**
 * Parses a systemd time span ("1min 30s", "1.5s", "2h5m", "infinity") into microseconds. A bare number uses
 * defaultUnit. "infinity" gives Infinity. Values above 2^53 lose precision; use parseTimeSpanExact for those.
 */
export function parseTimeSpan(s: string, defaultUnit: 'us' | 'ms' | 's' = 's'): Parsed<number> {
  const simple = simpleTimeSpan(s, defaultUnit);
  if (simple !== null) return ok(simple);
  const r = parseTimeSpanExact(s, defaultUnit);
  if (!r.ok) return r;
  return ok(r.value === USEC_INFINITY ? Infinity : Number(r.value));
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', USEC_PER_YEAR],
  ['month', USEC_PER_MONTH],
  ['w', USEC_PER_WEEK],
  ['d', USEC_PER_DAY],
  ['h', USEC_PER_HOUR],
  ['min', USEC_PER_MINUTE],
  ['s', USEC_PER_SEC],
  ['ms', USEC_PER_MSEC],
  ['us', 1n],
];

function toUsec(usec: number | bigint): bigint | null {
  if (typeof usec === 'bigint') return usec >= USEC_INFINITY ? null : usec < 0n ? 0n : usec;
  if (Number.isNaN(usec) || usec <= 0) return 0n;
  if (!Number.isFinite(usec)) return null;
  const b = BigInt(Math.floor(usec));
  return b >= USEC_INFINITY ? null : b;
}

/**
 * systemd's format_timespan(): "1min 30s", "500ms", "1.500000s", "infinity", "0". With the default
 * accuracy of 1us this is the "Human:" line of `systemd-analyze timespan`; `systemctl show` uses coarser
 * accuracies, which drop the smaller components.
 */
export function formatTimeSpan(usec: number | bigint, accuracy: number = 1): string {
  const total = toUsec(usec);
  if (total === null) return 'infinity';
  if (total === 0n) return '0';
  const acc = BigInt(Math.max(1, Math.floor(Number.isFinite(accuracy) ? accuracy : 1)));
  let t = total;
  let something = false;
  const out: string[] = [];
  for (const [suffix, unit] of FORMAT_UNITS) {
    if (t <= 0n) break;
    if (t < acc && something) break;
    if (t < unit) continue;
    const a = t / unit;
    let b = t % unit;
    let done = false;
    // Below a minute, a remainder is shown as a decimal fraction of the largest unit instead of more parts.
    if (t < USEC_PER_MINUTE && b > 0n) {
      let j = 0;
      for (let cc = unit; cc > 1n; cc /= 10n) j++;
      for (let cc = acc; cc > 1n; cc /= 10n) {
        b /= 10n;
        j--;
      }
      if (j > 0) {
        out.push(`${a}.${b.toString().padStart(j, '0')}${suffix}`);
        t = 0n;
        done = true;
      }
    }
    if (!done) {
      out.push(`${a}${suffix}`);
      t = b;
    }
    something = true;
  }
  return out.join(' ');
}
