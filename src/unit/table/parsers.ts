import { parseUnitName } from '../name';
import { parseBoolean } from '../values/boolean';
import { parseByteLimit, parseBytes, parseRlimit, type ByteLimit, type RlimitKind } from '../values/bytes';
import { parseExecLineDetailed, type ExecCommand } from '../values/command-line';
import { parseEnvironmentLineWithWarnings } from '../values/environment';
import { parseExitStatusSetWithWarnings, type ExitStatusSet } from '../values/exit-status';
import { fail, ok, type Parsed } from '../values/result';
import { parseSignal } from '../values/signal';
import { mayHaveSpecifiers } from '../values/specifiers';
import { parseTimeSpan } from '../values/timespan';
import { extractWords } from '../values/words';
import type { ValueContext, ValueParser } from './row';

/*
 * The value parsers the directive table is built from. Each takes the raw right-hand side of an assignment
 * and returns a typed value or a message; the caller reports `file:line` and keeps the previous value.
 */

/*
 * A value with no specifier (nearly every one: see mayHaveSpecifiers) is its own expansion, so these parsers
 * skip the call.
 */
const expanded =
  <V>(inner: (s: string) => Parsed<V>): ValueParser<V> =>
  (raw, ctx) => {
    if (!mayHaveSpecifiers(raw)) return inner(raw);
    const e = ctx.expand(raw);
    return e.ok ? inner(e.value) : e;
  };

/** Free text with specifiers: the expansion is the value. */
export const text: ValueParser<string> = (raw, ctx) => (mayHaveSpecifiers(raw) ? ctx.expand(raw) : ok(raw));
export const verbatim: ValueParser<string> = (raw) => ok(raw);

export const bool: ValueParser<boolean> = (raw) => parseBoolean(raw);

/** `yes`/`no` or one of the named values (ProtectSystem=, ProtectHome=, ...): yes maps to `onTrue`. */
export function boolOr<T extends string>(values: readonly T[], onTrue: T, onFalse: T): ValueParser<T> {
  return (raw) => {
    if ((values as readonly string[]).includes(raw)) return ok(raw as T);
    const b = parseBoolean(raw);
    return b.ok ? ok(b.value ? onTrue : onFalse) : fail(`expected a boolean or one of ${values.join(', ')}`);
  };
}

export function oneOf<T extends string>(values: readonly T[]): ValueParser<T> {
  return (raw) =>
    (values as readonly string[]).includes(raw) ? ok(raw as T) : fail(`expected one of ${values.join(', ')}`);
}

function cleanPath(p: string): string {
  // Nearly every path is clean already: no repeated slash, no trailing one.
  if (p.indexOf('//') < 0 && (p.length <= 1 || !p.endsWith('/'))) return p;
  const collapsed = p.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function absolutePath(p: string): Parsed<string> {
  if (!p.startsWith('/')) return fail(`'${p}' is not an absolute path`);
  if (p.indexOf('..') >= 0 && p.split('/').includes('..')) return fail(`'${p}' contains '..'`);
  return ok(cleanPath(p));
}

export const path: ValueParser<string> = expanded(absolutePath);

/** A path that may be prefixed by `-` (a missing file is fine), as EnvironmentFile= takes it. */
export interface OptionalPath {
  readonly path: string;
  readonly optional: boolean;
}
export const optionalPath: ValueParser<OptionalPath[]> = expanded((s) => {
  const optional = s.startsWith('-');
  const p = absolutePath(optional ? s.slice(1) : s);
  return p.ok ? ok([{ path: p.value, optional }]) : p;
});

/** Most values have no quotes or escapes; those split on whitespace without the full word grammar. */
function splitWords(raw: string, cunescape: boolean): Parsed<string[]> {
  // One pass: split at whitespace runs, and hand over to the full grammar at the first quote or backslash.
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x22 || c === 0x27 || c === 0x5c) return extractWords(raw, { unquote: true, cunescape });
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      if (start >= 0) out.push(raw.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(raw.slice(start));
  return ok(out);
}

/** Whitespace-separated, quotable words. Written out, not expanded(): Documentation= is on nearly every unit. */
export const words: ValueParser<string[]> = (raw, ctx) => {
  if (!mayHaveSpecifiers(raw)) return splitWords(raw, true);
  const e = ctx.expand(raw);
  return e.ok ? splitWords(e.value, true) : e;
};

/** Paths with the `-` (ignore if missing) and `+` (relative to the root directory) prefixes. */
export interface PrefixedPath {
  readonly path: string;
  readonly ignoreMissing: boolean;
  readonly relativeToRoot: boolean;
}
export const prefixedPaths: ValueParser<PrefixedPath[]> = (raw, ctx) => {
  const w = splitWords(raw, true);
  if (!w.ok) return w;
  const out: PrefixedPath[] = [];
  for (const word of w.value) {
    let rest = word;
    let ignoreMissing = false;
    let relativeToRoot = false;
    for (;;) {
      if (rest.startsWith('-') && !ignoreMissing) ignoreMissing = true;
      else if (rest.startsWith('+') && !relativeToRoot) relativeToRoot = true;
      else break;
      rest = rest.slice(1);
    }
    const e = ctx.expand(rest);
    if (!e.ok) return e;
    const p = absolutePath(e.value);
    if (!p.ok) return p;
    out.push({ path: p.value, ignoreMissing, relativeToRoot });
  }
  return ok(out);
};

/** Dependency lists: unit names, specifiers expanded; invalid names fail the assignment. */
export const unitNames: ValueParser<string[]> = (raw, ctx) => {
  const w = splitWords(raw, false);
  if (!w.ok) return w;
  // The words are replaced by their expansions in place: the list is this parser's own. A value with no
  // specifier at all (nearly every one) has nothing to expand in any of its words.
  const names = w.value;
  const plain = !mayHaveSpecifiers(raw);
  for (let i = 0; i < names.length; i++) {
    let name = names[i]!;
    if (!plain) {
      const e = ctx.expand(name);
      if (!e.ok) return e;
      name = names[i] = e.value;
    }
    const n = parseUnitName(name);
    if (!n.ok) return fail(n.error);
  }
  return w;
};

export const unitName: ValueParser<string> = (raw, ctx) => {
  const e = mayHaveSpecifiers(raw) ? ctx.expand(raw) : ok(raw);
  if (!e.ok) return e;
  const n = parseUnitName(e.value);
  return n.ok ? ok(e.value) : fail(n.error);
};

export function integer(min: number, max: number): ValueParser<number> {
  return (raw) => {
    if (!/^[-+]?\d+$/.test(raw)) return fail('not an integer');
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || n > max) return fail(`out of range ${min}..${max}`);
    return ok(n);
  };
}

export const unsigned = integer(0, Number.MAX_SAFE_INTEGER);

/** A number, or `infinity`. */
export function unsignedOrInfinity(): ValueParser<number> {
  return (raw) => (raw === 'infinity' ? ok(Infinity) : unsigned(raw, NO_CONTEXT));
}

export const mode: ValueParser<number> = (raw) => {
  if (!/^[0-7]{1,4}$/.test(raw)) return fail('not an octal access mode');
  return ok(parseInt(raw, 8));
};

export const timeSpan: ValueParser<number> = (raw) => parseTimeSpan(raw, 's');
/** Timeouts: `0` means no timeout, as `infinity` does (systemd.service(5), TimeoutStartSec=). */
export const timeout: ValueParser<number> = (raw) => {
  const t = parseTimeSpan(raw, 's');
  return t.ok && t.value === 0 ? ok(Infinity) : t;
};
export const timeSpanUsec: ValueParser<number> = (raw) => parseTimeSpan(raw, 'us');
export const bytes: ValueParser<number> = (raw) => parseBytes(raw);
export const byteLimit: ValueParser<ByteLimit> = (raw) => parseByteLimit(raw, { allowPercent: true });
export const signal: ValueParser<number> = (raw) => parseSignal(raw);
/** Bad words are skipped with a warning and the rest kept, as systemd does. */
export const exitStatusSet: ValueParser<ExitStatusSet[]> = (raw, ctx) => {
  const p = parseExitStatusSetWithWarnings(raw);
  for (let i = 0; i < p.warnings.length; i++) ctx.warn(p.warnings[i]!);
  return ok([p.value]);
};

/**
 * A command line that cannot be parsed fails the unit unless systemd would only log it (a `-` prefix, or a
 * broken first word); the commands before the error are kept.
 */
export const execCommands: ValueParser<ExecCommand[]> = (raw, ctx) => {
  const r = parseExecLineDetailed(raw, (w) => ctx.expand(w));
  for (let i = 0; i < r.warnings.length; i++) ctx.warn(r.warnings[i]!);
  if (r.error === null) return ok(r.commands);
  if (r.fatal) return { ok: false, error: r.error, fatal: true };
  ctx.warn(r.error);
  return ok(r.commands);
};

/** Bad assignments are skipped with a warning and the rest kept, as systemd does. */
export const environment: ValueParser<Array<[string, string]>> = (raw, ctx) => {
  const r = parseEnvironmentLineWithWarnings(raw, (w) => ctx.expand(w));
  for (let i = 0; i < r.warnings.length; i++) ctx.warn(r.warnings[i]!);
  return ok(r.vars);
};

export function rlimit(kind: RlimitKind): ValueParser<{ soft: number; hard: number }> {
  return (raw) => parseRlimit(raw, kind);
}

/**
 * User=, Group=, SupplementaryGroups= words: systemd 252 accepts names outside the strict rules with a warning,
 * and refuses only what can never be a name.
 */
export const userOrGroup: ValueParser<string> = (raw, ctx) => {
  const e = ctx.expand(raw);
  if (!e.ok) return e;
  const name = e.value;
  if (name === '' || name === '.' || name === '..' || /[:/\x00-\x1f\x7f]/.test(name) || name.length > 256) {
    return fail(`invalid user/group name or numeric ID: ${name}`);
  }
  const strict = /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/.test(name) || /^\d+$/.test(name);
  if (!strict)
    ctx.warn(`Accepting user/group name '${name}', which does not match strict user/group name rules.`);
  return ok(name);
};

/** Settings that are a single word with a permissive grammar rsd does not interpret yet. */
export const word: ValueParser<string> = expanded((s) =>
  /\s/.test(s) ? fail('expected a single word') : ok(s),
);

/** JavaScript's \s: WhiteSpace and LineTerminator of ECMA-262. */
function isJsSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A list of whitespace-separated tokens whose grammar rsd keeps as text (SystemCallFilter=, say): the words
 * `raw.split(/\s+/)` gives, without the empty ones.
 */
export const tokens: ValueParser<string[]> = (raw) => {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    // Printable ASCII first, without a call: nearly every character of these values.
    if ((c > 0x20 && c < 0x7f) || !isJsSpace(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(raw.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(raw.slice(start));
  return ok(out);
};

/** A percentage: `20%`, `12.5%`. */
export const percent: ValueParser<number> = (raw) => {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(raw);
  return m ? ok(Number(m[1])) : fail('expected a percentage');
};

/** For parsers that do not look at the unit. */
export const NO_CONTEXT: ValueContext = { unitName: '', expand: (s) => ok(s), warn: () => {} };

/** A value rsd keeps as written, for settings it only reports. */
export const asWritten: ValueParser<string> = (raw) => ok(raw);

/** A list whose items rsd keeps as written, one per assignment. */
export const asWrittenList: ValueParser<string[]> = (raw) => ok([raw]);

export { condition } from './condition';
export { delegate, tasksMax, weight } from './parsers-cgroup';
export { capabilityLine, pidFile, standardInput, standardOutput, workingDirectory } from './parsers-exec';
export { listen } from './parsers-socket';
