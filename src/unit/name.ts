import { fail, ok, type Parsed } from './values/result';

/** Every unit type systemd 252 knows, in systemd's order. */
export const UNIT_TYPES = [
  'service',
  'mount',
  'swap',
  'socket',
  'target',
  'device',
  'automount',
  'timer',
  'path',
  'slice',
  'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** systemd's UNIT_NAME_MAX is 256 including the terminating NUL. */
export const UNIT_NAME_MAX = 255;

const VALID_STEM = /^[A-Za-z0-9:\-_.\\@]+$/;

/**
 * A unit name split into its parts. `kind` tells a plain name (`foo.service`), a template (`foo@.service`)
 * and an instance (`foo@bar.service`) apart; `instance` is the text after the first `@`.
 */
export type UnitName =
  | { readonly kind: 'plain'; readonly name: string; readonly prefix: string; readonly type: UnitType }
  | { readonly kind: 'template'; readonly name: string; readonly prefix: string; readonly type: UnitType }
  | {
      readonly kind: 'instance';
      readonly name: string;
      readonly prefix: string;
      readonly instance: string;
      readonly type: UnitType;
    };

export function isUnitType(s: string): s is UnitType {
  return (UNIT_TYPES as readonly string[]).includes(s);
}

/** Names repeat across units (After=sysinit.target ...); bounded because Accept=yes instances never repeat. */
const nameCache = new Map<string, Parsed<UnitName>>();
const NAME_CACHE_MAX = 4096;

/** Parses and validates a unit name by systemd's unit_name_is_valid() rules. */
export function parseUnitName(name: string): Parsed<UnitName> {
  let r = nameCache.get(name);
  if (r === undefined) {
    if (nameCache.size >= NAME_CACHE_MAX) nameCache.clear();
    r = parseUnitNameUncached(name);
    nameCache.set(name, r);
  }
  return r;
}

function parseUnitNameUncached(name: string): Parsed<UnitName> {
  if (name.length === 0) return fail('empty unit name');
  if (name.length > UNIT_NAME_MAX) return fail(`unit name is longer than ${UNIT_NAME_MAX} characters`);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return fail(`unit name '${name}' has no type suffix`);
  const type = name.slice(dot + 1);
  if (!isUnitType(type)) return fail(`unit name '${name}' has an unknown type suffix '.${type}'`);
  const stem = name.slice(0, dot);
  if (!VALID_STEM.test(stem)) return fail(`unit name '${name}' contains an invalid character`);
  const at = stem.indexOf('@');
  if (at === 0) return fail(`unit name '${name}' has an empty prefix`);
  if (at < 0) return ok({ kind: 'plain', name, prefix: stem, type });
  const prefix = stem.slice(0, at);
  const instance = stem.slice(at + 1);
  if (instance === '') return ok({ kind: 'template', name, prefix, type });
  return ok({ kind: 'instance', name, prefix, instance, type });
}

/** `foo@bar.service` -> `foo@.service`; null when the name is not an instance. */
export function templateOf(name: string): string | null {
  const p = parseUnitName(name);
  if (!p.ok || p.value.kind !== 'instance') return null;
  return `${p.value.prefix}@.${p.value.type}`;
}

/** `foo@.service` + `bar` -> `foo@bar.service`. */
export function instantiate(template: string, instance: string): Parsed<string> {
  const p = parseUnitName(template);
  if (!p.ok) return p;
  if (p.value.kind !== 'template') return fail(`'${template}' is not a template`);
  return parseUnitName(`${p.value.prefix}@${instance}.${p.value.type}`).ok
    ? ok(`${p.value.prefix}@${instance}.${p.value.type}`)
    : fail(`'${instance}' is not a valid instance name for '${template}'`);
}

/** The name without its type suffix: `foo@bar.service` -> `foo@bar`. */
export function nameWithoutSuffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function hex2(byte: number): string {
  return '\\x' + byte.toString(16).padStart(2, '0');
}

/** systemd-escape: `/` becomes `-`, anything outside [A-Za-z0-9:_.] (and a leading `.`) becomes `\xNN`. */
export function unitNameEscape(s: string): string {
  let out = '';
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (c === '/') out += '-';
    else if ((i === 0 && c === '.') || c === '-' || c === '\\' || !/[A-Za-z0-9:_.]/.test(c) || b >= 0x80)
      out += hex2(b);
    else out += c;
  }
  return out;
}

/** The inverse of unitNameEscape: `-` becomes `/`, `\xNN` becomes the byte. */
export function unitNameUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '-') bytes.push(0x2f);
    else if (c === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** systemd-escape --path: strips redundant slashes; `/` alone is `-`. */
export function unitNamePathEscape(path: string): string {
  const trimmed = path
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
  return trimmed === '' ? '-' : unitNameEscape(trimmed);
}

/** The inverse of unitNamePathEscape, always absolute: `-` -> `/`, `foo-bar` -> `/foo/bar`. */
export function unitNamePathUnescape(s: string): string {
  if (s === '' || s === '-') return '/';
  const u = unitNameUnescape(s);
  return u.startsWith('/') ? u : '/' + u;
}
