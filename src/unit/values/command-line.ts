import { preview } from './boolean';
import { WHITESPACE } from './numbers';
import { fail, ok, type Parsed } from './result';
import { mayHaveSpecifiers } from './specifiers';
import { extractFirstWordAndWarn, extractWords, type ExtractFlags } from './words';

export interface ExecFlags {
  /** "-": a failing exit status is recorded but ignored; a bad command line is skipped with a warning. */
  ignoreFailure: boolean;
  /** "@": the second word is argv[0]. */
  argv0: boolean;
  /** ":": no $VAR / ${VAR} expansion at run time. */
  noEnvExpand: boolean;
  /** "+": no sandboxing, full privileges. */
  fullPrivileges: boolean;
  /** "!": sandboxing but no User=/Group= credential change. */
  noSetuid: boolean;
  /** "!!": like "!" only on kernels without ambient capabilities. */
  ambientFallback: boolean;
}

export interface ExecCommand {
  /** The executable: absolute and simplified, or a bare name still to be looked up at run time. */
  path: string;
  argv: string[];
  flags: ExecFlags;
  /** This command's text in the directive's value (between ";" separators). */
  raw: string;
}

/**
 * Everything systemd's config_parse_exec() produces for one value. Commands before a bad one are kept, as
 * systemd appends each as it goes. `fatal` is what systemd does with the error: the unit fails to load
 * ("bad-setting") unless the bad command had the "-" prefix or the value's first word had unbalanced quotes,
 * in which case the rest of the value is only ignored with a warning.
 */
export interface ExecLineResult {
  commands: ExecCommand[];
  error: string | null;
  fatal: boolean;
  warnings: string[];
}

const WORD_FLAGS: ExtractFlags = { unquote: true, cunescape: true };

function noFlags(): ExecFlags {
  return {
    ignoreFailure: false,
    argv0: false,
    noEnvExpand: false,
    fullPrivileges: false,
    noSetuid: false,
    ambientFallback: false,
  };
}

/** Takes the prefix characters off the first word, by systemd's rules; returns where the path begins. */
function parsePrefixes(word: string, flags: ExecFlags): number {
  let i = 0;
  for (; i < word.length; i++) {
    const c = word[i];
    const privileged = flags.fullPrivileges || flags.noSetuid || flags.ambientFallback;
    if (c === '-' && !flags.ignoreFailure) flags.ignoreFailure = true;
    else if (c === '@' && !flags.argv0) flags.argv0 = true;
    else if (c === ':' && !flags.noEnvExpand) flags.noEnvExpand = true;
    else if (c === '+' && !privileged) flags.fullPrivileges = true;
    else if (c === '!' && !privileged) flags.noSetuid = true;
    else if (c === '!' && !flags.fullPrivileges && !flags.ambientFallback) {
      // "!!": the second "!" upgrades the first.
      flags.noSetuid = false;
      flags.ambientFallback = true;
    } else break;
  }
  return i;
}

const UNSAFE_CHAR = /[\x01-\x1f\x7f"'\\]/;

/** string_is_safe(): no control characters, quotes or backslashes. */
function stringIsSafe(s: string): boolean {
  return !UNSAFE_CHAR.test(s);
}

/** filename_is_valid(): one path component of at most 255 bytes. */
export function filenameIsValid(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && Buffer.byteLength(s) <= 255;
}

const SIMPLIFIABLE = /\/\/|\/\.(\/|$)|.\/$/;

/** path_simplify() for an absolute path: no duplicate slashes, no "." components ("..": kept). */
export function pathSimplify(path: string): string {
  if (!path.startsWith('/')) return path;
  // Already simple (nearly always): no empty or "." component, no trailing slash.
  if (!SIMPLIFIABLE.test(path)) return path;
  const parts = path.split('/').filter((c) => c !== '' && c !== '.');
  return '/' + parts.join('/');
}

function skipWs(s: string, i: number): number {
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  return i;
}

function endsWord(s: string, i: number): boolean {
  return i >= s.length || WHITESPACE.includes(s[i]!);
}

/**
 * A value with no quote, backslash or `;`: every word is a plain run of non-whitespace, as
 * extract_first_word() would give it, and there is a single command. Nearly every Exec*= line in the wild is one.
 */
const NEEDS_WORD_GRAMMAR = /["'\\;]/;

/** The full config_parse_exec() result; see ExecLineResult. An empty value gives no commands (a reset). */
export function parseExecLineDetailed(
  raw: string,
  expandSpecifiers: (word: string) => Parsed<string>,
): ExecLineResult {
  if (!NEEDS_WORD_GRAMMAR.test(raw)) return parsePlainExecLine(raw, expandSpecifiers);
  const commands: ExecCommand[] = [];
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);
  const done = (error: string | null = null, fatal = false): ExecLineResult => ({
    commands,
    error,
    fatal,
    warnings,
  });
  let p: number | null = 0;
  let semicolon: boolean;
  do {
    semicolon = false;
    const segStart = skipWs(raw, p ?? raw.length);
    const first = extractFirstWordAndWarn(raw, p, WORD_FLAGS, warn);
    // systemd logs this one and ignores the rest of the value, without failing the unit.
    if (!first.ok) return done(`${first.error} in command line '${preview(raw)}'`, false);
    if (first.word === null) return done();
    p = first.next;
    if (first.word === ';') {
      semicolon = true;
      continue;
    }

    const head = commandHead(first.word, raw, expandSpecifiers);
    if (!head.ok) return done(head.error, head.fatal);
    const { flags, path } = head;
    const bad = (msg: string): ExecLineResult => done(msg, !flags.ignoreFailure);
    // argv[0] keeps the path as written; only the path used for execve() is simplified.
    const argv: string[] = flags.argv0 ? [] : [path];

    let segEnd = raw.length;
    while (p !== null && p < raw.length) {
      // A lone unquoted ";" separates commands; "\;" as a whole word is a literal ";" argument.
      if (raw[p] === ';' && endsWord(raw, p + 1)) {
        segEnd = p;
        p = skipWs(raw, p + 1);
        semicolon = true;
        break;
      }
      if (raw[p] === '\\' && raw[p + 1] === ';' && endsWord(raw, p + 2)) {
        p = skipWs(raw, p + 2);
        argv.push(';');
        continue;
      }
      const w = extractFirstWordAndWarn(raw, p, WORD_FLAGS, warn);
      if (!w.ok) return bad(`${w.error} in command line '${preview(raw)}'`);
      if (w.word === null) break;
      p = w.next;
      const x = expandSpecifiers(w.word);
      if (!x.ok) return bad(`failed to resolve specifiers in '${preview(w.word)}': ${x.error}`);
      argv.push(x.value);
    }

    if (argv.length === 0) return bad(`empty executable name or zeroeth argument: '${preview(raw)}'`);
    commands.push({ path: pathSimplify(path), argv, flags, raw: raw.slice(segStart, segEnd).trim() });
  } while (semicolon);
  return done();
}

type CommandHead =
  | { readonly ok: true; readonly flags: ExecFlags; readonly path: string }
  | { readonly ok: false; readonly error: string; readonly fatal: boolean };

/** The prefixes and the executable of a command's first word, checked as config_parse_exec() checks them. */
function commandHead(
  word: string,
  raw: string,
  expandSpecifiers: ((word: string) => Parsed<string>) | null,
): CommandHead {
  const flags = noFlags();
  const f = word.slice(parsePrefixes(word, flags));
  const bad = (error: string): CommandHead => ({ ok: false, error, fatal: !flags.ignoreFailure });
  let path = f;
  if (expandSpecifiers !== null) {
    const resolved = expandSpecifiers(f);
    if (!resolved.ok) return bad(`failed to resolve specifiers in '${preview(f)}': ${resolved.error}`);
    path = resolved.value;
  }
  if (path === '') return bad(`empty path in command line '${preview(raw)}'`);
  if (!stringIsSafe(path)) return bad(`executable name contains special characters: ${preview(path)}`);
  if (path.endsWith('/')) return bad(`executable path specifies a directory: ${preview(path)}`);
  if (!path.startsWith('/') && !filenameIsValid(path)) {
    return bad(`neither a valid executable name nor an absolute path: ${preview(path)}`);
  }
  return { ok: true, flags, path };
}

/**
 * parseExecLineDetailed for a value without quotes, backslashes or `;` (see NEEDS_WORD_GRAMMAR): the words
 * are the whitespace-separated runs, which is what the full word grammar gives for such a value, and the
 * checks are the same.
 */
function parsePlainExecLine(raw: string, expandSpecifiers: (word: string) => Parsed<string>): ExecLineResult {
  // A line with no specifier (nearly every one) has nothing to expand in any of its words.
  const expand = mayHaveSpecifiers(raw) ? expandSpecifiers : null;
  const argv: string[] = [];
  let flags: ExecFlags | null = null;
  let path = '';
  let segStart = -1;
  for (let i = 0; i < raw.length;) {
    // WHITESPACE, tested in line: a call per character costs in unoptimized code.
    for (; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    }
    if (i >= raw.length) break;
    const start = i;
    for (; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) break;
    }
    const word = raw.slice(start, i);
    if (flags === null) {
      segStart = start;
      const head = commandHead(word, raw, expand);
      if (!head.ok) return { commands: [], error: head.error, fatal: head.fatal, warnings: [] };
      flags = head.flags;
      path = head.path;
      if (!flags.argv0) argv.push(path);
      continue;
    }
    if (expand === null) {
      argv.push(word);
      continue;
    }
    const x = expand(word);
    if (!x.ok) {
      const error = `failed to resolve specifiers in '${preview(word)}': ${x.error}`;
      return { commands: [], error, fatal: !flags.ignoreFailure, warnings: [] };
    }
    argv.push(x.value);
  }
  if (flags === null) return { commands: [], error: null, fatal: false, warnings: [] };
  if (argv.length === 0) {
    const error = `empty executable name or zeroeth argument: '${preview(raw)}'`;
    return { commands: [], error, fatal: !flags.ignoreFailure, warnings: [] };
  }
  return {
    commands: [{ path: pathSimplify(path), argv, flags, raw: raw.slice(segStart).trim() }],
    error: null,
    fatal: false,
    warnings: [],
  };
}

/**
 * The value of ExecStart= and friends: one or more commands separated by a lone ";". Fails on anything
 * systemd would complain about (see parseExecLineDetailed for which of those are fatal in systemd).
 */
export function parseExecLine(
  raw: string,
  expandSpecifiers: (word: string) => Parsed<string>,
  warn?: (message: string) => void,
): Parsed<ExecCommand[]> {
  const r = parseExecLineDetailed(raw, expandSpecifiers);
  if (warn) r.warnings.forEach((w) => warn(w));
  return r.error === null ? ok(r.commands) : fail(r.error);
}

/** systemd's replace_env() without extensions: ${VAR} anywhere, "$$" is "$", anything else is literal. */
export function replaceEnv(format: string, env: ReadonlyMap<string, string>): string {
  const WORD = 0;
  const CURLY = 1;
  const VARIABLE = 2;
  let state = WORD;
  let out = '';
  let word = 0;
  for (let e = 0; e < format.length; e++) {
    const c = format[e];
    if (state === WORD) {
      if (c === '$') state = CURLY;
    } else if (state === CURLY) {
      if (c === '{') {
        out += format.slice(word, e - 1);
        word = e - 1;
        state = VARIABLE;
      } else if (c === '$') {
        out += format.slice(word, e);
        word = e + 1;
        state = WORD;
      } else state = WORD;
    } else if (c === '}') {
      out += env.get(format.slice(word + 2, e)) ?? '';
      word = e + 1;
      state = WORD;
    } else if (c === ':') {
      // ${VAR:-default} is not supported for command lines: left as written.
      state = WORD;
    }
  }
  return out + format.slice(word);
}

/**
 * The run-time expansion of a command's argv (systemd's replace_env_argv()): a word that starts with "$"
 * (not "${" or "$$") names a variable by all of its remaining text and is replaced by that value split at
 * whitespace, with quotes removed; if unset it vanishes. Other words get ${VAR} substituted in place.
 */
export function expandExecVariables(argv: string[], env: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const word of argv) {
    if (word[0] === '$' && word[1] !== '{' && word[1] !== '$') {
      const value = env.get(word.slice(1));
      if (value === undefined) continue;
      const split = extractWords(value, { relax: true, unquote: true });
      if (split.ok) out.push(...split.value);
      continue;
    }
    out.push(replaceEnv(word, env));
  }
  return out;
}
