import { fail, ok, type Parsed } from './result';

/** systemd's WHITESPACE set; note it lacks \v and \f, which strtol() would also skip. */
export const WHITESPACE = ' \t\n\r';

const DIGITS_BY_BASE: Record<number, RegExp> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};

/**
 * systemd's safe_atoi()/safe_atou64() family: leading whitespace, an optional sign, Python-style 0x/0o/0b
 * prefixes (a bare leading 0 is decimal, not octal), nothing after the digits. Returns a BigInt so callers
 * can range-check exactly.
 */
export function parseSafeInteger(s: string): Parsed<bigint> {
  if (isShortDecimal(s)) return ok(BigInt(Number(s)));
  let i = 0;
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  let base = 10;
  const pfx = s.slice(i, i + 2).toLowerCase();
  if (pfx === '0x') base = 16;
  else if (pfx === '0o') base = 8;
  else if (pfx === '0b') base = 2;
  if (base !== 10) i += 2;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const digits = s.slice(i);
  if (!DIGITS_BY_BASE[base]!.test(digits)) return fail(`invalid number '${s.slice(0, 40)}'`);
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const v = bigFromDigits(prefix, digits);
  return ok(neg ? -v : v);
}

/**
 * Nearly every number in a unit file: decimal digits only, few enough that a double holds the value exactly
 * (it is then the same as parsing the digits as a BigInt, without the prefix and sign handling).
 */
function isShortDecimal(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** safe_atou64()-style unsigned parse bounded by `max` (inclusive); "-0" is accepted as 0 like strtoull. */
export function parseUnsigned(s: string, max: bigint): Parsed<bigint> {
  const p = parseSafeInteger(s);
  if (!p.ok) return p;
  if (p.value < 0n) return fail(`negative number '${s.slice(0, 40)}'`);
  if (p.value > max) return fail(`number out of range '${s.slice(0, 40)}'`);
  return p;
}

/** safe_atoi(): signed 32-bit. */
export function parseInt32(s: string): Parsed<number> {
  const p = parseSafeInteger(s);
  if (!p.ok) return p;
  if (p.value < -2147483648n || p.value > 2147483647n) return fail(`number out of range '${s.slice(0, 40)}'`);
  return ok(Number(p.value));
}

export const UINT64_MAX = (1n << 64n) - 1n;
export const INT64_MAX = (1n << 63n) - 1n;

/**
 * The prefix of s at i that C's strtoll/strtoull would consume: isspace, optional sign, decimal digits.
 * `end` equals `i` when no digits were found, like the C end pointer.
 */
export function scanDecimal(s: string, i: number): { value: bigint; negative: boolean; end: number } {
  let j = i;
  while (j < s.length && ' \t\n\v\f\r'.includes(s[j]!)) j++;
  let negative = false;
  if (s[j] === '+' || s[j] === '-') {
    negative = s[j] === '-';
    j++;
  }
  const start = j;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === start) return { value: 0n, negative: false, end: i };
  return { value: bigFromDigits('', s.slice(start, j)), negative, end: j };
}

/** Anything this long is out of every range we check; capping keeps BigInt parsing of 1 MB inputs cheap. */
const HUGE = 1n << 100n;

function bigFromDigits(prefix: string, digits: string): bigint {
  const trimmed = digits.replace(/^0+(?=.)/, '');
  return trimmed.length > 100 ? HUGE : BigInt(prefix + trimmed);
}
