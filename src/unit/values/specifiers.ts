import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unitNameUnescape } from '../name';
import { preview } from './boolean';
import { parseEnvFileEntries } from './environment-file';
import { fail, ok, type Parsed } from './result';

export interface SpecifierUnit {
  name: string;
  fragmentPath?: string;
}

/** What the system specifiers resolve to; null where systemd's lookup would fail. */
export interface SystemFacts {
  hostname: string;
  machineId: string | null;
  bootId: string | null;
  kernelRelease: string;
  architecture: string;
  /** Fields of /etc/os-release (or /usr/lib/os-release). */
  osRelease: Readonly<Record<string, string>>;
  /** PRETTY_HOSTNAME= of /etc/machine-info, if set and non-empty. */
  prettyHostname: string | null;
  tmpDir: string;
  varTmpDir: string;
  userName: string;
  uid: number;
  groupName: string;
  gid: number;
  home: string;
  shell: string;
  /** Resolves %y; realpath() of the fragment by default. */
  realPath: (p: string) => string | null;
}

/** uname -m spellings to systemd's architecture names (architecture_to_string()). */
const ARCHITECTURES: Readonly<Record<string, string>> = {
  x86_64: 'x86-64',
  i386: 'x86',
  i486: 'x86',
  i586: 'x86',
  i686: 'x86',
  aarch64: 'arm64',
  aarch64_be: 'arm64-be',
  ppc64le: 'ppc64-le',
  ppc64: 'ppc64',
  ppcle: 'ppc-le',
  ppc: 'ppc',
  s390x: 's390x',
  s390: 's390',
  riscv64: 'riscv64',
  riscv32: 'riscv32',
  loongarch64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mips-le',
  mips64: 'mips64',
  mips64el: 'mips64-le',
  ia64: 'ia64',
  alpha: 'alpha',
  sparc: 'sparc',
  sparc64: 'sparc64',
  parisc: 'parisc',
  parisc64: 'parisc64',
  sh: 'sh',
  sh4: 'sh',
  m68k: 'm68k',
  arc: 'arc',
  tilegx: 'tilegx',
  cris: 'cris',
};

export function architectureName(machine: string): string {
  const known = ARCHITECTURES[machine];
  if (known) return known;
  if (/^arm.*b$/.test(machine)) return 'arm-be';
  if (machine.startsWith('arm')) return 'arm';
  return machine;
}

function readText(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** A 128-bit id as sd_id128_to_string() prints it: 32 lower-case hex digits; all-zero counts as unset. */
function readId128(p: string): string | null {
  const t = readText(p);
  if (t === null) return null;
  const id = t.trim().replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : null;
}

function envFileFields(p: string): Record<string, string> | null {
  const t = readText(p);
  if (t === null) return null;
  const out: Record<string, string> = {};
  for (const e of parseEnvFileEntries(t)) out[e.key] = e.value;
  return out;
}

/** tmp_dir()/var_tmp_dir(): $TMPDIR, $TEMP, $TMP if absolute and a directory, else the default. */
function tempDir(def: string): string {
  for (const v of ['TMPDIR', 'TEMP', 'TMP']) {
    const e = process.env[v];
    if (!e || !path.isAbsolute(e)) continue;
    try {
      if (fs.statSync(e).isDirectory()) return e;
    } catch {
      // not usable; try the next variable
    }
  }
  return def;
}

function realPathOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

function readSystemFacts(): SystemFacts {
  const host = os.hostname();
  return {
    // gethostname_malloc() falls back to "localhost" for an unset hostname.
    hostname: host === '' || host === '(none)' ? 'localhost' : host,
    machineId: readId128('/etc/machine-id'),
    bootId: readId128('/proc/sys/kernel/random/boot_id'),
    kernelRelease: os.release(),
    architecture: architectureName(typeof os.machine === 'function' ? os.machine() : process.arch),
    osRelease: envFileFields('/etc/os-release') ?? envFileFields('/usr/lib/os-release') ?? {},
    prettyHostname: envFileFields('/etc/machine-info')?.['PRETTY_HOSTNAME'] || null,
    tmpDir: tempDir('/tmp'),
    varTmpDir: tempDir('/var/tmp'),
    // The system manager runs as root; systemd hardcodes these for it rather than asking NSS.
    userName: 'root',
    uid: 0,
    groupName: 'root',
    gid: 0,
    home: '/root',
    shell: '/bin/sh',
    realPath: realPathOrNull,
  };
}

let cachedFacts: SystemFacts | null = null;
let overrides: Partial<SystemFacts> = {};

/** The system facts, read from the running system once per process. */
export function systemFacts(): SystemFacts {
  if (!cachedFacts) cachedFacts = readSystemFacts();
  return { ...cachedFacts, ...overrides };
}

/** Replaces some facts (for tests); null restores the real ones. */
export function setSystemFactsForTest(partial: Partial<SystemFacts> | null): void {
  overrides = partial ?? {};
}

/** unit_name_unescape(): like unitNameUnescape but fails on a backslash that is not a \xNN escape. */
function strictUnescape(s: string): Parsed<string> {
  for (let i = s.indexOf('\\'); i >= 0; i = s.indexOf('\\', i + 4)) {
    if (!/^\\x[0-9a-fA-F]{2}/.test(s.slice(i, i + 4))) return fail(`invalid escape in '${preview(s)}'`);
  }
  return ok(unitNameUnescape(s));
}

/** unit_name_path_unescape(): "-" is "/"; otherwise no leading/trailing "/" and a normalized result. */
function strictPathUnescape(s: string): Parsed<string> {
  if (s === '') return fail('empty path');
  if (s === '-') return ok('/');
  const u = strictUnescape(s);
  if (!u.ok) return u;
  if (u.value.startsWith('/') || u.value.endsWith('/'))
    return fail(`'${preview(s)}' is not a valid escaped path`);
  const comps = u.value.split('/');
  if (comps.some((c) => c === '' || c === '.' || c === '..'))
    return fail(`'${preview(s)}' is not a normalized path`);
  return ok('/' + u.value);
}

interface NameParts {
  prefix: string;
  /** Text between "@" and the suffix; null for a non-instance name (templates count as none). */
  instance: string | null;
  /** The name without its type suffix. */
  stem: string;
}

function nameParts(name: string): NameParts {
  const dot = name.lastIndexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return { prefix: stem, instance: null, stem };
  const instance = stem.slice(at + 1);
  return { prefix: stem.slice(0, at), instance: instance === '' ? null : instance, stem };
}

type Lookup = (u: SpecifierUnit, facts: SystemFacts) => Parsed<string>;

const fromOsRelease =
  (field: string): Lookup =>
  (_u, f) =>
    ok(f.osRelease[field] ?? '');

function lastComponent(u: SpecifierUnit): string {
  const { prefix } = nameParts(u.name);
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? prefix : prefix.slice(dash + 1);
}

function shortHostname(f: SystemFacts): string {
  const dot = f.hostname.indexOf('.');
  return dot < 0 ? f.hostname : f.hostname.slice(0, dot);
}

/** The system manager's specifier table (unit_full_printf() with COMMON_* specifiers). */
const TABLE: Readonly<Record<string, Lookup>> = {
  a: (_u, f) => ok(f.architecture),
  A: fromOsRelease('IMAGE_VERSION'),
  b: (_u, f) => (f.bootId ? ok(f.bootId) : fail('boot ID not available')),
  B: fromOsRelease('BUILD_ID'),
  C: () => ok('/var/cache'),
  d: (u) => ok(`/run/credentials/${u.name}`),
  E: () => ok('/etc'),
  f: (u) => {
    const p = nameParts(u.name);
    return strictPathUnescape(p.instance ?? p.prefix);
  },
  g: (_u, f) => ok(f.groupName),
  G: (_u, f) => ok(String(f.gid)),
  h: (_u, f) => ok(f.home),
  H: (_u, f) => ok(f.hostname),
  i: (u) => ok(nameParts(u.name).instance ?? ''),
  I: (u) => strictUnescape(nameParts(u.name).instance ?? ''),
  j: (u) => ok(lastComponent(u)),
  J: (u) => strictUnescape(lastComponent(u)),
  l: (_u, f) => ok(shortHostname(f)),
  L: () => ok('/var/log'),
  m: (_u, f) => (f.machineId ? ok(f.machineId) : fail('machine ID not available')),
  M: fromOsRelease('IMAGE_ID'),
  n: (u) => ok(u.name),
  N: (u) => ok(nameParts(u.name).stem),
  o: fromOsRelease('ID'),
  p: (u) => ok(nameParts(u.name).prefix),
  P: (u) => strictUnescape(nameParts(u.name).prefix),
  q: (_u, f) => ok(f.prettyHostname || shortHostname(f)),
  s: (_u, f) => ok(f.shell),
  S: () => ok('/var/lib'),
  t: () => ok('/run'),
  T: (_u, f) => ok(f.tmpDir),
  u: (_u, f) => ok(f.userName),
  U: (_u, f) => ok(String(f.uid)),
  v: (_u, f) => ok(f.kernelRelease),
  V: (_u, f) => ok(f.varTmpDir),
  w: fromOsRelease('VERSION_ID'),
  W: fromOsRelease('VARIANT_ID'),
  y: (u, f) => {
    if (!u.fragmentPath) return fail('unit has no fragment file');
    const r = f.realPath(u.fragmentPath);
    return r === null ? fail(`cannot resolve '${preview(u.fragmentPath)}'`) : ok(r);
  },
  Y: (u, f) => {
    const y = TABLE['y']!(u, f);
    return y.ok ? ok(path.dirname(y.value)) : y;
  },
};

/** systemd's LONG_LINE_MAX, the limit for unit_full_printf(); paths use PATH_MAX (4096). */
export const SPECIFIER_MAX_LENGTH = 1024 * 1024;

/**
 * Whether expanding specifiers in `text`, or in any part of it, could give anything but itself: only a `%`
 * starts a specifier, and only text near the length limit could exceed it. Parsers that expand word by word
 * skip the calls when it cannot.
 */
export function mayHaveSpecifiers(text: string): boolean {
  return text.indexOf('%') >= 0 || text.length * 3 > SPECIFIER_MAX_LENGTH;
}

/**
 * systemd's specifier_printf() with the system manager's table: "%%" is "%", a known specifier is replaced
 * (a failing lookup fails the whole string), an unknown letter or digit is an error, any other character
 * after "%" keeps both ("%-" stays "%-"), and a trailing lone "%" is kept.
 */
export function expandSpecifiers(
  s: string,
  unit: SpecifierUnit,
  opts?: { maxLength?: number },
): Parsed<string> {
  // No default `{}`: this runs for nearly every value of every unit, and the object would be garbage.
  const max = opts?.maxLength ?? SPECIFIER_MAX_LENGTH;
  // Most values have no specifier: skip the copy (a byte count is only needed past max/3 UTF-16 units).
  if (s.indexOf('%') < 0) {
    return s.length * 3 <= max || Buffer.byteLength(s) <= max ? ok(s) : fail('expanded value is too long');
  }
  let facts: SystemFacts | null = null;
  const out: string[] = [];
  let last = 0;
  for (let i = s.indexOf('%'); i >= 0 && i < s.length; i = s.indexOf('%', last)) {
    out.push(s.slice(last, i));
    const c = s[i + 1];
    if (c === undefined) {
      out.push('%');
      last = s.length;
      break;
    }
    last = i + 2;
    if (c === '%') {
      out.push('%');
      continue;
    }
    const lookup = Object.prototype.hasOwnProperty.call(TABLE, c) ? TABLE[c] : undefined;
    if (lookup) {
      facts ??= systemFacts();
      const v = lookup(unit, facts);
      if (!v.ok) return fail(`failed to resolve specifier '%${c}': ${v.error}`);
      out.push(v.value);
    } else if (/^[A-Za-z0-9]$/.test(c))
      return fail(`failed to resolve specifiers: unknown specifier '%${c}'`);
    else out.push('%' + c);
  }
  out.push(s.slice(last));
  const result = out.join('');
  if (Buffer.byteLength(result) > max) return fail('expanded value is too long');
  return ok(result);
}

/** specifier_escape(): doubles every "%" so the text survives expansion unchanged. */
export function specifierEscape(s: string): string {
  return s.replace(/%/g, '%%');
}
