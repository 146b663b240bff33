import { fail, ok, type Parsed } from './result';
import { WHITESPACE } from './numbers';

/** The flags of systemd's extract_first_word(), spelled out. */
export interface ExtractFlags {
  /** EXTRACT_UNQUOTE: '…' and "…" group words and the quotes are removed; allowed anywhere in a word. */
  unquote?: boolean;
  /** EXTRACT_KEEP_QUOTE: quotes group words but are kept in the output. */
  keepQuote?: boolean;
  /** EXTRACT_CUNESCAPE: C escapes (\n \t \x41 \101 \u00e9 \U0001f600 \s …) are decoded. */
  cunescape?: boolean;
  /** EXTRACT_UNESCAPE_RELAX: unknown escapes and a trailing backslash are kept verbatim. */
  unescapeRelax?: boolean;
  /** EXTRACT_UNESCAPE_SEPARATORS: a backslash before a separator or a backslash yields that character. */
  unescapeSeparators?: boolean;
  /** EXTRACT_RELAX: an unterminated quote or a trailing backslash ends the word instead of failing. */
  relax?: boolean;
  /** EXTRACT_DONT_COALESCE_SEPARATORS: every separator ends a word, so empty words appear. */
  dontCoalesceSeparators?: boolean;
  /** EXTRACT_RETAIN_ESCAPE: backslashes are ordinary characters. */
  retainEscape?: boolean;
  /** EXTRACT_RETAIN_SEPARATORS: the separator ending a word stays at the front of the rest. */
  retainSeparators?: boolean;
  /** Separator characters; systemd's WHITESPACE (space, tab, CR, LF) by default. */
  separators?: string;
}

/** One step of extraction: the word (null when there was none) and where the rest starts (null: nothing left). */
export type ExtractStep = { word: string | null; next: number | null };

/** Decoded C escape: `len` counts the characters after the backslash. */
export interface Unescaped {
  readonly code: number;
  /** \x and octal escapes give a raw byte rather than a code point. */
  readonly eightBit: boolean;
  readonly len: number;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  '"': 34,
  "'": 39,
  s: 32,
};

function hexDigits(s: string, at: number, n: number): number | null {
  const h = s.slice(at, at + n);
  return h.length === n && /^[0-9a-fA-F]+$/.test(h) ? parseInt(h, 16) : null;
}

function unicharIsValid(c: number): boolean {
  if (c >= 0x110000) return false;
  if ((c & 0xfffff800) === 0xd800) return false;
  if (c >= 0xfdd0 && c <= 0xfdef) return false;
  return (c & 0xfffe) !== 0xfffe;
}

/** systemd's cunescape_one() with NUL refused: the escape starting at s[i] (the character after the backslash). */
export function cunescapeOne(s: string, i: number): Unescaped | null {
  const c = s[i];
  if (c === undefined) return null;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { code: simple, eightBit: false, len: 1 };
  if (c === 'x') {
    const v = hexDigits(s, i + 1, 2);
    return v === null || v === 0 ? null : { code: v, eightBit: true, len: 3 };
  }
  if (c === 'u') {
    const v = hexDigits(s, i + 1, 4);
    return v === null || v === 0 ? null : { code: v, eightBit: false, len: 5 };
  }
  if (c === 'U') {
    const v = hexDigits(s, i + 1, 8);
    return v === null || v === 0 || !unicharIsValid(v) ? null : { code: v, eightBit: false, len: 9 };
  }
  if (c >= '0' && c <= '7') {
    const o = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(o)) return null;
    const v = parseInt(o, 8);
    return v === 0 || v > 255 ? null : { code: v, eightBit: true, len: 3 };
  }
  return null;
}

/**
 * Collects output; raw bytes from \x and octal escapes are buffered and decoded as UTF-8 together, so
 * "\xc3\xa9" becomes "é" as it does in systemd's byte strings (invalid sequences become U+FFFD).
 */
class WordBuilder {
  // One string grown in place: most words are plain characters pushed one at a time, and V8 appends to a
  // string far more cheaply than it joins an array of one-character strings.
  private text = '';
  private bytes: number[] | null = null;

  push(s: string): void {
    // An empty run must not cut a byte sequence (\xc3 then \xa9) in two.
    if (s === '') return;
    if (this.bytes !== null) this.flush();
    this.text += s;
  }

  pushByte(b: number): void {
    (this.bytes ??= []).push(b);
  }

  pushCodePoint(c: number): void {
    // Lone surrogates from \uD800 have no UTF-8 form; systemd would emit invalid bytes.
    this.push((c & 0xfffff800) === 0xd800 ? '\ufffd' : String.fromCodePoint(c));
  }

  private flush(): void {
    if (this.bytes === null) return;
    this.text += Buffer.from(this.bytes).toString('utf8');
    this.bytes = null;
  }

  toString(): string {
    this.flush();
    return this.text;
  }
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

/** Thrown-free error channel for extractFirstWord. */
export type ExtractResult = ({ ok: true } & ExtractStep) | { ok: false; error: string };

/**
 * systemd's extract_first_word(): the first word of s starting at index `start`. Separators before the word
 * are skipped (unless dontCoalesceSeparators) and so are separators after it, so `next` points at the next
 * word. Fails on an unterminated quote, a trailing backslash or an unknown escape, as systemd does.
 */
export function extractFirstWord(s: string, start: number | null, flags: ExtractFlags = {}): ExtractResult {
  if (start === null) return { ok: true, word: null, next: null };
  const seps = flags.separators ?? WHITESPACE;
  const plain = plainWord(s, start, flags, seps);
  if (plain !== null) return plain;
  const isSep = seps === WHITESPACE ? isWhitespace : (ch: string): boolean => seps.includes(ch);
  const len = s.length;
  const w = new WordBuilder();
  let have = flags.dontCoalesceSeparators === true;
  let i = start;
  const terminate = (): ExtractResult => ({ ok: true, word: have ? w.toString() : null, next: null });
  const next = (at: number): ExtractResult => ({ ok: true, word: w.toString(), next: at });

  for (; ; i++) {
    if (i >= len) return terminate();
    if (isSep(s[i]!)) {
      if (flags.dontCoalesceSeparators) return next(flags.retainSeparators ? i : i + 1);
    } else {
      have = true;
      break;
    }
  }

  let quote = '';
  let backslash = false;
  for (; ; i++) {
    if (backslash) {
      if (i >= len) {
        if (flags.unescapeRelax && (!quote || flags.relax)) {
          w.push('\\');
          return terminate();
        }
        if (flags.relax) return terminate();
        return { ok: false, error: 'trailing backslash' };
      }
      const c = s[i]!;
      if (flags.cunescape || flags.unescapeSeparators) {
        const u = flags.cunescape ? cunescapeOne(s, i) : null;
        if (u) {
          i += u.len - 1;
          if (u.eightBit) w.pushByte(u.code);
          else w.pushCodePoint(u.code);
        } else if (flags.unescapeSeparators && (isSep(c) || c === '\\')) w.push(c);
        else if (flags.unescapeRelax) w.push('\\' + c);
        else return { ok: false, error: `invalid escape sequence '\\${c}'` };
      } else w.push(c);
      backslash = false;
    } else if (quote) {
      for (; ; i++) {
        if (i >= len) {
          if (flags.relax) return terminate();
          return { ok: false, error: 'unbalanced quoting' };
        }
        const c = s[i]!;
        if (c === quote) {
          quote = '';
          if (flags.unquote) break;
        } else if (c === '\\' && !flags.retainEscape) {
          backslash = true;
          break;
        }
        w.push(c);
        if (!quote) break;
      }
    } else {
      // Plain characters are taken as one run, pushed when something else comes.
      const run = i;
      for (; ; i++) {
        if (i >= len) {
          w.push(s.slice(run, i));
          return terminate();
        }
        const c = s[i]!;
        if ((c === "'" || c === '"') && (flags.keepQuote || flags.unquote)) {
          w.push(s.slice(run, i));
          quote = c;
          if (!flags.unquote) w.push(c);
          break;
        } else if (c === '\\' && !flags.retainEscape) {
          w.push(s.slice(run, i));
          backslash = true;
          break;
        } else if (isSep(c)) {
          w.push(s.slice(run, i));
          if (flags.dontCoalesceSeparators) return next(flags.retainSeparators ? i : i + 1);
          if (!flags.retainSeparators) {
            for (; ; i++) {
              if (i >= len) return { ok: true, word: w.toString(), next: null };
              if (!isSep(s[i]!)) break;
            }
          }
          return next(i);
        }
      }
    }
  }
}

/** Whether s[i] is one of `seps` (systemd's WHITESPACE by default). */
function isSepAt(s: string, i: number, seps: string): boolean {
  const c = s.charCodeAt(i);
  if (seps === WHITESPACE) return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  return seps.includes(s[i]!);
}

/**
 * extractFirstWord for the usual case, a word of plain characters: no quote or backslash that the flags give a
 * meaning to. The same result without building the word character by character; null when the word is not
 * plain, and the full grammar must read it.
 */
function plainWord(s: string, start: number, flags: ExtractFlags, seps: string): ExtractResult | null {
  const len = s.length;
  const quotes = flags.keepQuote === true || flags.unquote === true;
  const escapes = flags.retainEscape !== true;
  let i = start;
  // Separators before the word.
  for (; ; i++) {
    if (i >= len) return { ok: true, word: flags.dontCoalesceSeparators ? '' : null, next: null };
    if (!isSepAt(s, i, seps)) break;
    if (flags.dontCoalesceSeparators) return { ok: true, word: '', next: flags.retainSeparators ? i : i + 1 };
  }
  const run = i;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if ((quotes && (c === 0x22 || c === 0x27)) || (escapes && c === 0x5c)) return null;
    if (isSepAt(s, i, seps)) break;
  }
  const word = s.slice(run, i);
  if (i >= len) return { ok: true, word, next: null };
  if (flags.dontCoalesceSeparators) return { ok: true, word, next: flags.retainSeparators ? i : i + 1 };
  if (flags.retainSeparators) return { ok: true, word, next: i };
  // Separators after the word; a word at the end has nothing after it.
  while (i < len && isSepAt(s, i, seps)) i++;
  return { ok: true, word, next: i >= len ? null : i };
}

/** Splits the whole string with extractFirstWord; any error fails the whole split. */
export function extractWords(s: string, flags: ExtractFlags = {}): Parsed<string[]> {
  const out: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(s, pos, flags);
    if (!r.ok) return fail(r.error);
    if (r.word === null) return ok(out);
    out.push(r.word);
    pos = r.next;
  }
}

/**
 * systemd's extract_first_word_and_warn(): on failure retries with unescapeRelax, so an unknown escape is
 * kept verbatim with a warning; only an unbalanced quote (or trailing backslash inside one) stays an error.
 */
export function extractFirstWordAndWarn(
  s: string,
  start: number | null,
  flags: ExtractFlags,
  warn?: (message: string) => void,
): ExtractResult {
  const r = extractFirstWord(s, start, flags);
  if (r.ok || flags.unescapeRelax) return r;
  const again = extractFirstWord(s, start, { ...flags, unescapeRelax: true });
  if (again.ok) {
    warn?.(`Ignoring unknown escape sequences: "${again.word ?? ''}"`);
    return again;
  }
  return { ok: false, error: 'unbalanced quoting' };
}

/** extractWords with the "and warn" retry for each word. */
export function extractWordsAndWarn(
  s: string,
  flags: ExtractFlags,
  warn?: (message: string) => void,
): Parsed<string[]> {
  const out: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWordAndWarn(s, pos, flags, warn);
    if (!r.ok) return fail(r.error);
    if (r.word === null) return ok(out);
    out.push(r.word);
    pos = r.next;
  }
}
