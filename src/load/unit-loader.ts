import { readFileSync } from 'node:fs';
import { fault } from '../pid1/fault';
import type { Diagnostic } from '../unit/diagnostic';
import { parseUnitName, type UnitType } from '../unit/name';
import { parseUnit, type AppliedSettings, type UnitFileText } from '../unit/parse-unit';
import { isSupportedType, type UnitConfig } from '../unit/table';
import { expandSpecifiers } from '../unit/values/specifiers';
import type { UnitFileIndex, UnitSource } from './unit-file-index';

/**
 * A unit as the manager sees it after loading, one variant per systemd LoadState. Only `loaded` carries a
 * configuration; every variant carries the diagnostics that explain it.
 */
export type LoadedUnit =
  | {
      readonly loadState: 'loaded';
      readonly id: string;
      readonly type: UnitType;
      readonly source: UnitSource;
      readonly config: UnitConfig;
      readonly applied: AppliedSettings;
      readonly diagnostics: readonly Diagnostic[];
    }
  | {
      readonly loadState: 'masked' | 'not-found' | 'bad-setting' | 'error';
      readonly id: string;
      readonly type: UnitType | null;
      readonly source: UnitSource | null;
      readonly reason: string;
      readonly diagnostics: readonly Diagnostic[];
    };

/**
 * Reads a unit file the index has not already read (the index reads fragments and drop-ins as it resolves
 * them, to tell masks; this is for a file read again, or one it could not read, so the error is the reader's).
 */
export type ReadFile = (path: string) => Buffer;

/**
 * Turns names into loaded units: finds the files through the index, reads them once, parses them through the
 * directive table. Each unit is loaded once per loader; a daemon-reload makes a new index and loader.
 */
export class UnitLoader {
  private readonly cache = new Map<string, LoadedUnit>();

  constructor(
    private readonly index: UnitFileIndex,
    private readonly readFile: ReadFile = (p) => readFileSync(p),
  ) {}

  load(name: string): LoadedUnit {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const unit = this.loadGuarded(name);
    this.cache.set(name, unit);
    // Every name of the unit now means this unit, as in systemd's manager (unit_add_name): loading it by an
    // alias later must not read and parse the same files again.
    const names = unit.source?.names ?? [unit.id];
    for (let i = 0; i < names.length; i++) if (!this.cache.has(names[i]!)) this.cache.set(names[i]!, unit);
    return unit;
  }

  /** Every unit the search path holds (templates are not units and are left out). */
  loadAll(): LoadedUnit[] {
    const out: LoadedUnit[] = [];
    const seen = new Set<string>();
    const names = this.index.names();
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const parsed = parseUnitName(name);
      if (parsed.ok && parsed.value.kind === 'template') continue;
      const unit = this.load(name);
      if (seen.has(unit.id)) continue;
      seen.add(unit.id);
      out.push(unit);
    }
    return out;
  }

  /**
   * A unit that exists only in memory (`rsdctl run`, systemd's transient units): parsed like a file at
   * /run/systemd/transient/NAME, and found by load() before the search path is consulted.
   */
  defineTransient(name: string, text: string): LoadedUnit {
    const path = `/run/systemd/transient/${name}`;
    this.transient.set(path, Buffer.from(text));
    this.transientNames.set(name, path);
    this.cache.delete(name);
    return this.load(name);
  }

  private readonly transient = new Map<string, Buffer>();
  private readonly transientNames = new Map<string, string>();

  /** Told of a bug met while loading a unit (the manager logs it); the unit itself gets load state 'error'. */
  onInternalError: (name: string, error: unknown) => void = () => {};

  /** A bug while loading one unit leaves that unit in the 'error' load state, with the stack to show for it. */
  private loadGuarded(name: string): LoadedUnit {
    try {
      fault('load', name);
      return this.loadUncached(name);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const stack = e instanceof Error ? (e.stack ?? message) : message;
      this.onInternalError(name, e);
      return {
        loadState: 'error',
        id: name,
        type: null,
        source: null,
        reason: `internal error: ${message}`,
        diagnostics: [
          { file: name, line: 0, severity: 'error', message: `Internal error while loading: ${stack}` },
        ],
      };
    }
  }

  private loadUncached(name: string): LoadedUnit {
    const parsedName = parseUnitName(name);
    if (!parsedName.ok) {
      return {
        loadState: 'error',
        id: name,
        type: null,
        source: null,
        reason: parsedName.error,
        diagnostics: [
          { file: name, line: 0, severity: 'error', message: `Invalid unit name: ${parsedName.error}` },
        ],
      };
    }
    const transientPath = this.transientNames.size > 0 ? this.transientNames.get(name) : undefined;
    const source: UnitSource =
      transientPath !== undefined
        ? {
            requestedName: name,
            id: name,
            names: [name],
            state: 'found',
            fragmentPath: transientPath,
            dropInPaths: [],
            wants: [],
            requires: [],
            upholds: [],
            diagnostics: [],
          }
        : this.index.resolve(name);
    const diagnostics: Diagnostic[] = source.diagnostics.length > 0 ? [...source.diagnostics] : [];
    const idName = source.id === name ? parsedName : parseUnitName(source.id);
    const type = idName.ok ? idName.value.type : parsedName.value.type;
    if (source.state === 'masked')
      return failed('masked', source, type, `Unit ${source.id} is masked.`, diagnostics);
    if (source.state === 'bad-setting') {
      const reason = `Unit ${source.id} has a bad unit file setting.`;
      return failed('bad-setting', source, type, reason, diagnostics);
    }
    if (source.state === 'not-found' || source.fragmentPath === null) {
      return failed('not-found', source, type, `Unit ${source.id} not found.`, diagnostics);
    }

    const fragment = this.contentOf(source.fragmentPath);
    if (fragment instanceof ReadFailure) {
      diagnostics.push(readFailure(source.fragmentPath, fragment.code));
      const reason = `Failed to read ${source.fragmentPath}: ${fragment.code}`;
      return failed('error', source, type, reason, diagnostics);
    }
    const files: UnitFileText[] = [{ path: source.fragmentPath, content: fragment }];
    for (let i = 0; i < source.dropInPaths.length; i++) {
      const path = source.dropInPaths[i]!;
      const content = this.contentOf(path);
      if (content instanceof ReadFailure) diagnostics.push(readFailure(path, content.code));
      else files.push({ path, content });
    }
    if (!isSupportedType(type)) {
      diagnostics.push({
        file: source.fragmentPath,
        line: 0,
        severity: 'warning',
        message: `Unit type '${type}' is not supported by rsd yet: only [Unit] and [Install] were read.`,
      });
    }
    const specifierUnit = { name: source.id, fragmentPath: source.fragmentPath };
    const result = parseUnit({
      name: source.id,
      type,
      files,
      expand: (text) => expandSpecifiers(text, specifierUnit),
    });
    if (result.diagnostics.length > 0) diagnostics.push(...result.diagnostics);
    if (!result.ok) return failed('bad-setting', source, type, result.reason, diagnostics);
    const config = result.config;
    // Links in .wants/, .requires/ and .upholds/ directories are dependencies like the ones the file names.
    const u = config.Unit;
    if (source.wants.length > 0) u.Wants = [...u.Wants, ...source.wants.filter((w) => !u.Wants.includes(w))];
    if (source.requires.length > 0)
      u.Requires = [...u.Requires, ...source.requires.filter((w) => !u.Requires.includes(w))];
    if (source.upholds.length > 0)
      u.Upholds = [...u.Upholds, ...source.upholds.filter((w) => !u.Upholds.includes(w))];
    return { loadState: 'loaded', id: source.id, type, source, config, applied: result.applied, diagnostics };
  }

  /** A file's content (a transient unit's, the index's, or read now), or why it could not be read. */
  private contentOf(path: string): UnitFileText['content'] | ReadFailure {
    try {
      return (
        (this.transient.size > 0 ? this.transient.get(path) : undefined) ??
        this.index.takeContent(path) ??
        this.readFile(path)
      );
    } catch (e) {
      return new ReadFailure((e as NodeJS.ErrnoException).code ?? String(e));
    }
  }
}

/** A read that failed, with the errno name. */
class ReadFailure {
  constructor(readonly code: string) {}
}

type FailedState = Exclude<LoadedUnit['loadState'], 'loaded'>;

function failed(
  loadState: FailedState,
  source: UnitSource,
  type: UnitType,
  reason: string,
  diagnostics: readonly Diagnostic[],
): LoadedUnit {
  return { loadState, id: source.id, type, source, reason, diagnostics };
}

function readFailure(path: string, code: string): Diagnostic {
  return { file: path, line: 0, severity: 'error', message: `Failed to read: ${code}` };
}
