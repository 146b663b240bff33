import { fail, ok, type Parsed } from './result';

// Shared (and frozen): every boolean setting of every unit parses to one of these.
const TRUE: Parsed<boolean> = Object.freeze(ok(true));
const FALSE: Parsed<boolean> = Object.freeze(ok(false));

/** systemd's parse_boolean(): exact words, case-insensitive, no surrounding whitespace allowed. */
export function parseBoolean(s: string): Parsed<boolean> {
  // Compared, not looked up in a Set: a value read from a file is a new string, which a Set would hash first.
  switch (s.length <= 5 ? s.toLowerCase() : '') {
    case '1':
    case 'yes':
    case 'y':
    case 'true':
    case 't':
    case 'on':
      return TRUE;
    case '0':
    case 'no':
    case 'n':
    case 'false':
    case 'f':
    case 'off':
      return FALSE;
    default:
      return fail(`invalid boolean '${preview(s)}'`);
  }
}

/** Keeps error messages short when the input is huge or contains control characters. */
export function preview(s: string, max = 64): string {
  const clean = s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
