import { preview } from './boolean';
import { parseUnsigned, scanDecimal, UINT64_MAX, WHITESPACE } from './numbers';
import { fail, ok, type Parsed } from './result';
import { parseTimeSpanExact, USEC_PER_SEC } from './timespan';
import { extractFirstWord } from './words';

const IEC: ReadonlyArray<readonly [string, bigint]> = [
  ['E', 1n << 60n],
  ['P', 1n << 50n],
  ['T', 1n << 40n],
  ['G', 1n << 30n],
  ['M', 1n << 20n],
  ['K', 1n << 10n],
  ['B', 1n],
  ['', 1n],
];

const SI: ReadonlyArray<readonly [string, bigint]> = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['K', 1000n],
  ['B', 1n],
  ['', 1n],
];

function skipWs(s: string, i: number): number {
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  return i;
}

/**
 * systemd's parse_size(): "1.5G", "512", "1G 512M" (parts must descend: each suffix must come after the
 * previous one in E P T G M K B), upper-case suffixes only, "B" only on its own ("1KB" is refused).
 */
export function parseSizeExact(s: string, base: 1024 | 1000 = 1024): Parsed<bigint> {
  const table = base === 1000 ? SI : IEC;
  const bad = (why: string): Parsed<bigint> => fail(`invalid size '${preview(s)}': ${why}`);
  let p = 0;
  let r = 0n;
  let startPos = 0;
  do {
    p = skipWs(s, p);
    const num = scanDecimal(s, p);
    if (num.value > UINT64_MAX) return bad('out of range');
    let e = num.end;
    if (e === p) return bad(`expected a number at '${preview(s.slice(p, p + 8))}'`);
    if (num.negative) return bad('negative');
    let frac = 0;
    if (s[e] === '.') {
      e++;
      const c = s.charCodeAt(e);
      if (c >= 48 && c <= 57) {
        const f = scanDecimal(s, e);
        if (f.value > UINT64_MAX) return bad('out of range');
        frac = Number(f.value);
        for (; e < f.end; e++) frac /= 10;
      }
    }
    e = skipWs(s, e);
    let i = startPos;
    for (; i < table.length; i++) if (s.startsWith(table[i]![0], e)) break;
    if (i >= table.length) return bad(`unexpected '${preview(s.slice(e, e + 8))}'`);
    const [suffix, factor] = table[i]!;
    if (num.value + (frac > 0 ? 1n : 0n) > UINT64_MAX / factor) return bad('out of range');
    const tmp = num.value * factor + BigInt(Math.floor(frac * Number(factor)));
    if (tmp > UINT64_MAX - r) return bad('out of range');
    r += tmp;
    p = e + suffix.length;
    startPos = i + 1;
  } while (p < s.length);
  return ok(r);
}

/** Byte count with K M G T P E (base 1024) suffixes; "infinity" is Infinity. */
export function parseBytes(s: string): Parsed<number> {
  if (s === 'infinity') return ok(Infinity);
  const r = parseSizeExact(s, 1024);
  return r.ok ? ok(Number(r.value)) : r;
}

export type ByteLimit =
  { kind: 'bytes'; bytes: number } | { kind: 'percent'; percent: number } | { kind: 'infinity' };

/** The integer part of a percentage, by safe_atoi(): whitespace and "+" allowed, no sign "-". */
function wholePart(s: string): number | null {
  const r = parseUnsigned(s, 2147483647n);
  return r.ok ? Number(r.value) : null;
}

/** A fixed-point part of at most `places` decimals, as an integer scaled by 10^places. */
function fixedPoint(body: string, places: number): number | null {
  const dot = body.indexOf('.');
  if (dot < 0) {
    const w = wholePart(body);
    return w === null ? null : w * 10 ** places;
  }
  const decimals = body.slice(dot + 1);
  if (decimals.length < 1 || decimals.length > places || !/^[0-9]+$/.test(decimals)) return null;
  const w = wholePart(body.slice(0, dot));
  if (w === null) return null;
  const v = w * 10 ** places + Number(decimals.padEnd(places, '0'));
  return v > 2147483647 ? null : v;
}

/**
 * systemd's parse_permyriad(): "12%", "12.5%", "12.34%", "125‰", "12.5‰", "1250‱", at most 100%. Returns
 * basis points (1/10000).
 */
export function parsePermyriad(s: string): Parsed<number> {
  let v: number | null;
  if (s.endsWith('‱')) v = fixedPoint(s.slice(0, -1), 0);
  else if (s.endsWith('‰')) v = fixedPoint(s.slice(0, -1), 1);
  else if (s.endsWith('%')) v = fixedPoint(s.slice(0, -1), 2);
  else return fail(`not a percentage '${preview(s)}'`);
  if (v === null) return fail(`invalid percentage '${preview(s)}'`);
  if (v > 10000) return fail(`percentage above 100% '${preview(s)}'`);
  return ok(v);
}

/**
 * A memory-style limit as config_parse_memory_limit reads it: "infinity", a percentage of physical memory
 * (only with allowPercent) or a size. Whether 0 is allowed depends on the directive and is left to callers.
 */
export function parseByteLimit(s: string, opts: { allowPercent?: boolean } = {}): Parsed<ByteLimit> {
  if (s === 'infinity') return ok({ kind: 'infinity' });
  if (opts.allowPercent) {
    const pm = parsePermyriad(s);
    if (pm.ok) return ok({ kind: 'percent', percent: pm.value / 100 });
  }
  const r = parseSizeExact(s, 1024);
  if (!r.ok) return fail(`invalid byte limit '${preview(s)}'`);
  return ok({ kind: 'bytes', bytes: Number(r.value) });
}

/**
 * How a Limit*= value is read: 'bytes' (sizes), 'count' (plain numbers), 'time' (LimitCPU=, a time span
 * in seconds rounded up to whole seconds), 'usec' (LimitRTTIME=, microseconds by default), 'nice'.
 */
export type RlimitKind = 'bytes' | 'count' | 'time' | 'usec' | 'nice';

export const RLIMIT_KINDS: Readonly<Record<string, RlimitKind>> = {
  LimitCPU: 'time',
  LimitFSIZE: 'bytes',
  LimitDATA: 'bytes',
  LimitSTACK: 'bytes',
  LimitCORE: 'bytes',
  LimitRSS: 'bytes',
  LimitNOFILE: 'count',
  LimitAS: 'bytes',
  LimitNPROC: 'count',
  LimitMEMLOCK: 'bytes',
  LimitLOCKS: 'count',
  LimitSIGPENDING: 'count',
  LimitMSGQUEUE: 'bytes',
  LimitNICE: 'nice',
  LimitRTPRIO: 'count',
  LimitRTTIME: 'usec',
};

/** RLIM_INFINITY is UINT64_MAX on Linux; finite limits must stay below it. */
const RLIM_INFINITY = UINT64_MAX;

function parseRlimitOne(v: string, kind: RlimitKind): Parsed<bigint> {
  if (v === 'infinity') return ok(RLIM_INFINITY);
  const below = (r: Parsed<bigint>): Parsed<bigint> =>
    !r.ok ? r : r.value >= RLIM_INFINITY ? fail(`limit out of range '${preview(v)}'`) : r;
  switch (kind) {
    case 'count':
      return below(parseUnsigned(v, UINT64_MAX));
    case 'bytes':
      return below(parseSizeExact(v, 1024));
    case 'time': {
      const t = parseTimeSpanExact(v, 's');
      if (!t.ok) return t;
      if (t.value === UINT64_MAX) return ok(RLIM_INFINITY);
      return below(ok((t.value + USEC_PER_SEC - 1n) / USEC_PER_SEC));
    }
    case 'usec':
      // USEC_INFINITY and RLIM_INFINITY are the same value, so no mapping is needed.
      return parseTimeSpanExact(v, 'us');
    case 'nice':
      return parseNiceLimit(v);
  }
}

/**
 * RLIMIT_NICE: "+N"/"-N" are nice levels (+0..+19, -0..-20) mapped to 20-N; a bare number is the raw
 * limit 0..40 (the kernel's default of 0 is not a nice level but is accepted raw).
 */
function parseNiceLimit(v: string): Parsed<bigint> {
  if (v[0] === '+' || v[0] === '-') {
    const n = parseUnsigned(v.slice(1), UINT64_MAX);
    if (!n.ok) return n;
    if (v[0] === '+')
      return n.value >= 20n ? fail(`nice level out of range '${preview(v)}'`) : ok(20n - n.value);
    return n.value > 20n ? fail(`nice level out of range '${preview(v)}'`) : ok(20n + n.value);
  }
  const n = parseUnsigned(v, 40n);
  return n.ok ? n : fail(`invalid nice limit '${preview(v)}'`);
}

/**
 * systemd's rlimit_parse(): "value" (soft = hard) or "soft:hard"; "infinity" allowed on either side and
 * returned as Infinity. Soft above hard is an error.
 */
export function parseRlimit(s: string, kind: RlimitKind): Parsed<{ soft: number; hard: number }> {
  const flags = { separators: ':', dontCoalesceSeparators: true };
  const first = extractFirstWord(s, 0, flags);
  if (!first.ok) return fail(`invalid resource limit '${preview(s)}': ${first.error}`);
  if (first.word === null) return fail('empty resource limit');
  const soft = parseRlimitOne(first.word, kind);
  if (!soft.ok) return fail(`invalid resource limit '${preview(s)}'`);
  const second = extractFirstWord(s, first.next, flags);
  if (!second.ok) return fail(`invalid resource limit '${preview(s)}': ${second.error}`);
  if (second.next !== null && second.next < s.length)
    return fail(`too many ':' in resource limit '${preview(s)}'`);
  let hard = soft.value;
  if (second.word !== null) {
    const h = parseRlimitOne(second.word, kind);
    if (!h.ok) return fail(`invalid resource limit '${preview(s)}'`);
    if (soft.value > h.value) return fail(`soft resource limit above hard limit '${preview(s)}'`);
    hard = h.value;
  }
  const num = (b: bigint): number => (b === RLIM_INFINITY ? Infinity : Number(b));
  return ok({ soft: num(soft.value), hard: num(hard) });
}
