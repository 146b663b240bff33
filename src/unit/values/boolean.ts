import { fail, ok, type Parsed } from './result';

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** systemd's parse_boolean(): exact words, case-insensitive, no surrounding whitespace allowed. */
export function parseBoolean(s: string): Parsed<boolean> {
  const w = s.toLowerCase();
  if (TRUE_WORDS.has(w)) return ok(true);
  if (FALSE_WORDS.has(w)) return ok(false);
  return fail(`invalid boolean '${preview(s)}'`);
}

/** Keeps error messages short when the input is huge or contains control characters. */
export function preview(s: string, max = 64): string {
  const clean = s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
