import { fail, ok } from '../values/result';
import type { ValueParser } from './row';

/** WorkingDirectory=: a path, `~` for the user's home, and `-` for "ignore if missing". */
export type WorkingDirectory =
  | { readonly kind: 'unset' }
  | { readonly kind: 'home'; readonly ignoreMissing: boolean }
  | { readonly kind: 'path'; readonly path: string; readonly ignoreMissing: boolean };

export const workingDirectory: ValueParser<WorkingDirectory> = (raw, ctx) => {
  const ignoreMissing = raw.startsWith('-');
  const rest = ignoreMissing ? raw.slice(1) : raw;
  if (rest === '~') return ok({ kind: 'home', ignoreMissing });
  const e = ctx.expand(rest);
  if (!e.ok) return e;
  if (!e.value.startsWith('/')) return fail(`'${e.value}' is neither an absolute path nor ~`);
  return ok({ kind: 'path', path: e.value.replace(/\/+/g, '/'), ignoreMissing });
};

export type StandardInput =
  | { readonly kind: 'null' | 'tty' | 'tty-force' | 'tty-fail' | 'socket' | 'data' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'fd'; readonly name: string };

export type StandardOutput =
  | {
      readonly kind:
        | 'inherit'
        | 'null'
        | 'tty'
        | 'journal'
        | 'kmsg'
        | 'journal+console'
        | 'kmsg+console'
        | 'socket'
        | 'syslog'
        | 'syslog+console';
    }
  | { readonly kind: 'file' | 'append' | 'truncate'; readonly path: string }
  | { readonly kind: 'fd'; readonly name: string };

const INPUT_WORDS = ['null', 'tty', 'tty-force', 'tty-fail', 'socket', 'data'] as const;
const OUTPUT_WORDS = [
  'inherit',
  'null',
  'tty',
  'journal',
  'kmsg',
  'journal+console',
  'kmsg+console',
  'socket',
  'syslog',
  'syslog+console',
] as const;

function fileOrFd<K extends string>(
  raw: string,
  kinds: readonly K[],
  expand: (s: string) => ReturnType<ValueParser<string>>,
): ReturnType<ValueParser<{ kind: K; path: string } | { kind: 'fd'; name: string }>> {
  const colon = raw.indexOf(':');
  if (colon < 0) return fail('unknown value');
  const kind = raw.slice(0, colon);
  const arg = raw.slice(colon + 1);
  if (kind === 'fd') return ok({ kind: 'fd', name: arg === '' ? 'stdin' : arg });
  if (!(kinds as readonly string[]).includes(kind)) return fail('unknown value');
  const e = expand(arg);
  if (!e.ok) return e;
  if (!e.value.startsWith('/')) return fail(`'${e.value}' is not an absolute path`);
  return ok({ kind: kind as K, path: e.value });
}

export const standardInput: ValueParser<StandardInput> = (raw, ctx) => {
  if ((INPUT_WORDS as readonly string[]).includes(raw))
    return ok({ kind: raw as (typeof INPUT_WORDS)[number] });
  return fileOrFd(raw, ['file'] as const, (s) => ctx.expand(s));
};

export const standardOutput: ValueParser<StandardOutput> = (raw, ctx) => {
  if ((OUTPUT_WORDS as readonly string[]).includes(raw))
    return ok({ kind: raw as (typeof OUTPUT_WORDS)[number] });
  return fileOrFd(raw, ['file', 'append', 'truncate'] as const, (s) => ctx.expand(s));
};

/** PIDFile=: relative paths are taken relative to /run, as systemd 252 does. */
export const pidFile: ValueParser<string> = (raw, ctx) => {
  const e = ctx.expand(raw);
  if (!e.ok) return e;
  const p = e.value.startsWith('/') ? e.value : `/run/${e.value}`;
  return ok(p.replace(/\/+/g, '/'));
};

/**
 * One CapabilityBoundingSet= or AmbientCapabilities= line: its names as written and whether `~` inverts
 * it. Lines are kept apart because systemd merges them in order (src/exec/capabilities.ts); an empty line
 * is a value too (the empty set). Names are checked when the set is computed: systemd ignores unknown ones.
 */
export interface CapabilityLine {
  readonly invert: boolean;
  readonly names: readonly string[];
}

export const capabilityLine: ValueParser<CapabilityLine[]> = (raw) => {
  const invert = raw.startsWith('~');
  const names = (invert ? raw.slice(1) : raw).split(/\s+/).filter((w) => w !== '');
  return ok([{ invert, names }]);
};
