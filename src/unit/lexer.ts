import { isAscii, isUtf8 } from 'node:buffer';
import type { Diagnostic } from './diagnostic';

/** One `Key=value` line of a unit file, after continuation lines are joined. */
export interface Assignment {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly file: string;
  /** The physical line the assignment ends on: systemd reports a continued assignment at its last line. */
  readonly line: number;
}

export interface SectionHeader {
  readonly name: string;
  readonly line: number;
}

export interface LexedFile {
  readonly assignments: Assignment[];
  readonly sections: SectionHeader[];
  readonly diagnostics: Diagnostic[];
  /** Set when systemd would refuse the whole file (bad section header, a line over 1 MiB). */
  readonly fatal: boolean;
}

/** systemd's LONG_LINE_MAX: a longer line makes the whole file fail to load. */
export const LONG_LINE_MAX = 1024 * 1024;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** systemd's strstrip(): only space, tab, CR and LF count, unlike String.prototype.trim(). */
function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** read_line() ends a line at \n, \r\n, \r or NUL. */
const LINE_BREAK = /\r\n|[\n\r\0]/;

const BAD_SECTION_CHAR = /[[\]\x00-\x1f\x7f]/;

/** A section name systemd accepts knows nothing of `[` `]` or control characters. */
function isValidSectionName(s: string): boolean {
  return s.length > 0 && !BAD_SECTION_CHAR.test(s);
}

/** Whether s[start, end) ends in an odd number of backslashes. */
function endsWithUnescapedBackslash(s: string, start: number, end: number): boolean {
  let n = 0;
  for (let i = end - 1; i >= start && s.charCodeAt(i) === 0x5c; i--) n++;
  return n % 2 === 1;
}

/**
 * The file as one string whose lines end in \n only, and which lines are not UTF-8 (null: all are). Content
 * given as a string is the file's text already decoded. Nearly every unit file is plain ASCII or valid UTF-8
 * with \n line ends and takes the first path.
 */
function decode(content: Buffer | string): { text: string; valid: boolean[] | null } {
  let text: string;
  if (typeof content === 'string') text = content;
  else if (isAscii(content)) text = content.toString('latin1');
  else if (isUtf8(content)) text = content.toString('utf8');
  else return decodeByLine(content);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) text = text.split(LINE_BREAK).join('\n');
  return { text, valid: null };
}

/** Rare: only files with invalid UTF-8 pay for a line-by-line decode. */
function decodeByLine(bytes: Buffer): { text: string; valid: boolean[] } {
  const lenient = new TextDecoder('utf-8', { fatal: false });
  const lines: string[] = [];
  const valid: boolean[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = start; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i] : 0x0a;
    if (b !== 0x0a && b !== 0x0d && b !== 0x00) continue;
    const chunk = bytes.subarray(start, i);
    lines.push(lenient.decode(chunk));
    valid.push(Buffer.from(lines[lines.length - 1]!, 'utf8').equals(chunk));
    if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
    start = i + 1;
  }
  return { text: lines.join('\n'), valid };
}

function warn(diagnostics: Diagnostic[], file: string, line: number, message: string): void {
  diagnostics.push({ file, line, severity: 'warning', message });
}

/**
 * What the lexer hands on, line by line in file order. An assignment's key is given as a range of `text`, not
 * as a string: the parser looks most keys up in its table without copying them out.
 */
export interface LexSink {
  section(name: string, line: number): void;
  assignment(text: string, keyStart: number, keyEnd: number, value: string, line: number): void;
}

/**
 * Splits a unit file into sections and assignments by the rules of systemd.syntax(7) as systemd 252's
 * config_parse() applies them, handing each to `sink` as it is read; the lexer's own complaints go to
 * `diagnostics`. Returns true when systemd would refuse the whole file (bad section header, a line over
 * 1 MiB), at which point lexing stops. Section names are kept as written; deciding which sections and keys
 * mean something is the directive table's job, not the lexer's.
 */
export function lexUnitFileInto(
  content: Buffer | string,
  file: string,
  sink: LexSink,
  diagnostics: Diagnostic[],
): boolean {
  const { text, valid } = decode(content);
  let inSection = false;
  let continuation: string | null = null;

  // Lines are walked as index ranges of `text`: only the value of an assignment becomes a string.
  // A file ending in a newline has no line after it.
  const len = text.length;
  let count = 0;
  for (let pos = 0; pos < len;) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const lineStart = pos;
    pos = end + 1;
    const lineNo = ++count;
    const rawLength = end - lineStart;
    if (
      rawLength > LONG_LINE_MAX ||
      (continuation !== null && continuation.length + rawLength > LONG_LINE_MAX)
    ) {
      diagnostics.push({ file, line: lineNo, severity: 'error', message: 'Line too long' });
      return true;
    }
    if (valid !== null && !valid[lineNo - 1]) {
      warn(
        diagnostics,
        file,
        lineNo,
        `String is not UTF-8 clean, ignoring assignment: ${text.slice(lineStart, end)}`,
      );
      continuation = null;
      continue;
    }
    // [s, e) of `line`: the whole text, or a continued assignment joined into a string of its own.
    let line = text;
    let s = lineStart;
    let e = end;
    if (continuation !== null) {
      const raw = text.slice(lineStart, end);
      // Comment lines inside a continued assignment are dropped, as systemd does.
      const lead = raw.trimStart();
      if (lead.startsWith('#') || lead.startsWith(';')) continue;
      line = continuation + raw;
      s = 0;
      e = line.length;
      continuation = null;
    }
    // The character test first: most lines do not end in a backslash, and a call costs more than a test.
    if (e > s && line.charCodeAt(e - 1) === 0x5c && endsWithUnescapedBackslash(line, s, e)) {
      continuation = line.slice(s, e - 1) + ' ';
      continue;
    }

    // strip(), on the range. isSpace is written out in these loops, which run for every line of every unit,
    // also before the code is optimized, when each call costs.
    for (; s < e; s++) {
      const c = line.charCodeAt(s);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    for (; e > s; e--) {
      const c = line.charCodeAt(e - 1);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    if (s === e) continue;
    const first = line.charCodeAt(s);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;

    if (first === 0x5b /* [ */) {
      const name = line.slice(s + 1, e - 1);
      if (line.charCodeAt(e - 1) !== 0x5d /* ] */ || e - s < 2 || !isValidSectionName(name)) {
        const l = line.slice(s, e);
        diagnostics.push({ file, line: lineNo, severity: 'error', message: `Invalid section header '${l}'` });
        return true;
      }
      inSection = true;
      sink.section(name, lineNo);
      continue;
    }

    if (!inSection) {
      warn(diagnostics, file, lineNo, 'Assignment outside of section. Ignoring.');
      continue;
    }
    const eq = line.indexOf('=', s);
    if (eq < 0 || eq >= e) {
      warn(diagnostics, file, lineNo, "Missing '=', ignoring line.");
      continue;
    }
    let ke = eq;
    for (; ke > s; ke--) {
      const c = line.charCodeAt(ke - 1);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    if (ke === s) {
      warn(diagnostics, file, lineNo, "Missing key name before '=', ignoring line.");
      continue;
    }
    let vs = eq + 1;
    for (; vs < e; vs++) {
      const c = line.charCodeAt(vs);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    sink.assignment(line, s, ke, line.slice(vs, e), lineNo);
  }
  if (continuation !== null) {
    // A file whose last line ends in a backslash: systemd parses what was gathered.
    const l = strip(continuation);
    const eq = l.indexOf('=');
    if (inSection && eq > 0) {
      const key = strip(l.slice(0, eq));
      sink.assignment(key, 0, key.length, strip(l.slice(eq + 1)), count);
    }
  }
  return false;
}

/** Collects what lexUnitFileInto hands on, for callers that want the whole file at once. */
class Collector implements LexSink {
  readonly assignments: Assignment[] = [];
  readonly sections: SectionHeader[] = [];
  private current = '';

  constructor(private readonly file: string) {}

  section(name: string, line: number): void {
    this.current = name;
    this.sections.push({ name, line });
  }

  assignment(text: string, keyStart: number, keyEnd: number, value: string, line: number): void {
    const key = text.slice(keyStart, keyEnd);
    this.assignments.push({ section: this.current, key, value, file: this.file, line });
  }
}

/** lexUnitFileInto, with the whole file's sections and assignments returned at once. */
export function lexUnitFile(content: Buffer | string, file: string): LexedFile {
  const sink = new Collector(file);
  const diagnostics: Diagnostic[] = [];
  const fatal = lexUnitFileInto(content, file, sink, diagnostics);
  return { assignments: sink.assignments, sections: sink.sections, diagnostics, fatal };
}
