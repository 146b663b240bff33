import { preview } from './boolean';
import { fail, ok, type Parsed } from './result';
import { extractFirstWord } from './words';

/**
 * sysconf(_SC_ARG_MAX) with the usual 8 MiB stack limit; systemd bounds names and assignments by it. The real
 * value depends on RLIMIT_STACK, which Node cannot read.
 */
export const ARG_MAX = 2097152;

/** env_name_is_valid(): [A-Za-z_][A-Za-z0-9_]*, as bash accepts. */
export function isValidEnvName(s: string): boolean {
  return s.length > 0 && s.length <= ARG_MAX - 2 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * env_assignment_is_valid(): NAME=VALUE with a valid name; the value may hold anything but must be valid
 * UTF-8 (a JS string always is, unless it holds lone surrogates).
 */
export function parseEnvAssignment(s: string): Parsed<[string, string]> {
  const eq = s.indexOf('=');
  if (eq < 0) return fail(`invalid environment assignment, no '=': ${preview(s)}`);
  const name = s.slice(0, eq);
  const value = s.slice(eq + 1);
  if (!isValidEnvName(name)) return fail(`invalid environment variable name '${preview(name)}'`);
  if (LONE_SURROGATE.test(value) || s.length > ARG_MAX - 3) {
    return fail(`invalid environment assignment: ${preview(s)}`);
  }
  return ok([name, value]);
}

/**
 * Environment= as systemd's config_parse_environ() reads it: words split on whitespace with quotes removed
 * and C escapes decoded, specifiers expanded per word, and each word must be NAME=VALUE. systemd skips a bad
 * word with a warning and keeps the others; unbalanced quoting ignores the rest of the line. Pairs come in
 * the order written; a later assignment to the same name wins.
 */
export function parseEnvironmentLineWithWarnings(
  raw: string,
  expandSpecifiers: (w: string) => Parsed<string>,
): { vars: Array<[string, string]>; warnings: string[] } {
  const vars: Array<[string, string]> = [];
  const warnings: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(raw, pos, { cunescape: true, unquote: true });
    if (!r.ok) {
      warnings.push(`invalid syntax (${r.error}), ignoring: ${preview(raw)}`);
      break;
    }
    if (r.word === null) break;
    pos = r.next;
    const x = expandSpecifiers(r.word);
    if (!x.ok) {
      warnings.push(`failed to resolve specifiers in ${preview(r.word)}: ${x.error}`);
      continue;
    }
    const a = parseEnvAssignment(x.value);
    if (a.ok) vars.push(a.value);
    else warnings.push(a.error);
  }
  return { vars, warnings };
}

/** Strict Environment=: anything systemd would warn about is an error. An empty value gives no pairs. */
export function parseEnvironmentLine(
  raw: string,
  expandSpecifiers: (w: string) => Parsed<string>,
): Parsed<Array<[string, string]>> {
  const r = parseEnvironmentLineWithWarnings(raw, expandSpecifiers);
  return r.warnings.length > 0 ? fail(r.warnings[0]!) : ok(r.vars);
}
