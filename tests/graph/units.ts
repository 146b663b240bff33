import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UnitSource } from '../../src/load/unit-file-index';
import type { LoadedUnit } from '../../src/load/unit-loader';
import { parseUnitName } from '../../src/unit/name';
import { parseUnit } from '../../src/unit/parse-unit';
import { ok } from '../../src/unit/values/result';
import type { Lookup } from '../../src/graph/dependencies';

const BUILTIN = join(__dirname, '../../units');

function source(id: string, state: UnitSource['state'], fragmentPath: string | null): UnitSource {
  return {
    requestedName: id,
    id,
    names: [id],
    state,
    fragmentPath,
    dropInPaths: [],
    wants: [],
    requires: [],
    upholds: [],
    diagnostics: [],
  };
}

export interface FakeUnits {
  /** Unit texts by name; `null` marks a masked unit. */
  readonly [name: string]: string | null;
}

/**
 * A lookup over unit texts given inline, parsed by the real parser; rsd's own units/ (the standard
 * targets) answer for names the test does not give, as they do in rsd; anything else is not-found.
 */
export function lookupOf(units: FakeUnits, aliases: Readonly<Record<string, string>> = {}): Lookup {
  const cache = new Map<string, LoadedUnit>();
  const load = (name: string): LoadedUnit => {
    const idName = aliases[name] ?? name;
    const parsed = parseUnitName(idName);
    const type = parsed.ok ? parsed.value.type : null;
    const fail = (
      loadState: 'masked' | 'not-found' | 'bad-setting' | 'error',
      reason: string,
    ): LoadedUnit => ({
      loadState,
      id: idName,
      type,
      source: null,
      reason,
      diagnostics: [],
    });
    if (!type) return fail('error', 'bad name');
    let text: string | null | undefined = units[idName];
    let path = `/test/${idName}`;
    if (text === null) return fail('masked', `Unit ${idName} is masked.`);
    if (text === undefined && existsSync(join(BUILTIN, idName))) {
      path = join(BUILTIN, idName);
      text = readFileSync(path, 'utf8');
    }
    if (text === undefined) return fail('not-found', `Unit ${idName} not found.`);
    const r = parseUnit({ name: idName, type, files: [{ path, content: text }], expand: (s) => ok(s) });
    if (!r.ok) return fail('bad-setting', r.reason);
    return {
      loadState: 'loaded',
      id: idName,
      type,
      source: source(idName, 'found', path),
      config: r.config,
      applied: r.applied,
      diagnostics: r.diagnostics,
    };
  };
  return (name) => {
    let u = cache.get(name);
    if (!u) cache.set(name, (u = load(name)));
    return u;
  };
}

/** A unit with no default dependencies, so tests see only the edges they wrote. */
export const plain = (unitSection: string, rest = ''): string =>
  `[Unit]\nDefaultDependencies=no\n${unitSection}\n${rest}`;

/** A service with no default dependencies and no logging (which would order it after journald's socket). */
export const svc = (unitSection: string, service = ''): string =>
  plain(unitSection, `[Service]\nExecStart=/bin/true\nStandardOutput=null\n${service}`);
