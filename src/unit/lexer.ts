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

/** A section name systemd accepts knows nothing of `[` `]` or control characters. */
function isValidSectionName(s: string): boolean {
  return s.length > 0 && !/[[\]\x00-\x1f\x7f]/.test(s);
}

function endsWithUnescapedBackslash(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitLines(bytes: Buffer): { lines: string[]; valid: boolean[] } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    const lines = decoder.decode(bytes).split(LINE_BREAK);
    return { lines, valid: lines.map(() => true) };
  } catch {
    // Rare: only files with invalid UTF-8 pay for a line-by-line decode.
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
    return { lines, valid };
  }
}

/**
 * Splits a unit file into assignments by the rules of systemd.syntax(7) as systemd 252's config_parse()
 * applies them. Section names are kept as written; deciding which sections and keys mean something is the
 * directive table's job, not the lexer's.
 */
export function lexUnitFile(content: Buffer | string, file: string): LexedFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const { lines, valid } = splitLines(bytes);
  const assignments: Assignment[] = [];
  const sections: SectionHeader[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (line: number, message: string): void => {
    diagnostics.push({ file, line, severity: 'warning', message });
  };
  let section: string | null = null;
  let continuation: string | null = null;

  // A file ending in a newline yields one empty string after the last line; it is not a line.
  const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let i = 0; i < count; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    if (
      raw.length > LONG_LINE_MAX ||
      (continuation !== null && continuation.length + raw.length > LONG_LINE_MAX)
    ) {
      diagnostics.push({ file, line: lineNo, severity: 'error', message: 'Line too long' });
      return { assignments, sections, diagnostics, fatal: true };
    }
    if (!valid[i]) {
      warn(lineNo, `String is not UTF-8 clean, ignoring assignment: ${raw}`);
      continuation = null;
      continue;
    }
    let text: string;
    if (continuation !== null) {
      // Comment lines inside a continued assignment are dropped, as systemd does.
      const lead = raw.trimStart();
      if (lead.startsWith('#') || lead.startsWith(';')) continue;
      text = continuation + raw;
      continuation = null;
    } else {
      text = raw;
    }
    if (endsWithUnescapedBackslash(text)) {
      continuation = text.slice(0, -1) + ' ';
      continue;
    }

    const l = strip(text);
    if (l === '' || l.startsWith('#') || l.startsWith(';')) continue;

    if (l.startsWith('[')) {
      if (!l.endsWith(']') || !isValidSectionName(l.slice(1, -1))) {
        diagnostics.push({ file, line: lineNo, severity: 'error', message: `Invalid section header '${l}'` });
        return { assignments, sections, diagnostics, fatal: true };
      }
      section = l.slice(1, -1);
      sections.push({ name: section, line: lineNo });
      continue;
    }

    if (section === null) {
      warn(lineNo, 'Assignment outside of section. Ignoring.');
      continue;
    }
    const eq = l.indexOf('=');
    if (eq < 0) {
      warn(lineNo, "Missing '=', ignoring line.");
      continue;
    }
    const key = strip(l.slice(0, eq));
    if (key === '') {
      warn(lineNo, "Missing key name before '=', ignoring line.");
      continue;
    }
    assignments.push({ section, key, value: strip(l.slice(eq + 1)), file, line: lineNo });
  }
  if (continuation !== null) {
    // A file whose last line ends in a backslash: systemd parses what was gathered.
    const l = strip(continuation);
    const eq = l.indexOf('=');
    if (section !== null && eq > 0) {
      assignments.push({
        section,
        key: strip(l.slice(0, eq)),
        value: strip(l.slice(eq + 1)),
        file,
        line: count,
      });
    }
  }
  return { assignments, sections, diagnostics, fatal: false };
}
