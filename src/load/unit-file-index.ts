import type { Diagnostic } from '../unit/diagnostic';
import { instantiate, parseUnitName, templateOf } from '../unit/name';
import { buildAliasMap, unitNames } from './alias-names';
import { byteCompare, mergeConfFiles, type ListedDir } from './conf-files';
import { dependencyLinks, type LinkMasked, type UnitIdentity } from './dependency-links';
import { errnoText } from './dir-listing';
import { dropInStems } from './dropin-dir-names';
import { usableDropIns } from './dropin-files';
import { fileKind, type FileKind } from './file-kind';
import { followAlias, type Followed } from './follow-alias';
import { plainLinkTarget } from './link-target';
import { readUnitFile, type ReadKind } from './read-unit-file';
import { scanTree, type NameEntry, type ScannedTree } from './scan-tree';

export type UnitSource = {
  readonly requestedName: string;
  /** Canonical name: the fragment's own name (an instance keeps its instance), else the requested name. */
  readonly id: string;
  /** `id` first, then every other name of the unit, sorted. */
  readonly names: readonly string[];
  readonly state: 'found' | 'masked' | 'not-found' | 'bad-setting';
  /** The file to parse; for an instance with no file of its own, the template's. */
  readonly fragmentPath: string | null;
  /** `.conf` drop-ins in the order systemd applies them. */
  readonly dropInPaths: readonly string[];
  readonly wants: readonly string[];
  readonly requires: readonly string[];
  readonly upholds: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
};

const SUBDIR_SUFFIXES = ['.d', '.wants', '.requires', '.upholds'] as const;
type SubdirSuffix = (typeof SUBDIR_SUFFIXES)[number];

export interface IndexOptions {
  /**
   * Read `NAME.upholds/` directories. systemd 252 does not (only `.wants/` and `.requires/`; `.upholds/` came
   * with later versions), so the default is off and such a directory only gets a warning.
   */
  readonly upholdsDirs?: boolean;
}

/**
 * Where every unit's files are, for one search path: systemd 252's name map (unit_file_build_name_map), fragment
 * lookup (unit_file_find_fragment) and drop-in lookup (unit_file_find_dropin_paths). Every directory is read
 * once, by `scan`. `resolve` reads the fragment and drop-ins it returns, as that is how it tells a mask (an
 * empty file) from a unit, and keeps their bytes for the loader (`takeContent`). A broken tree gives
 * diagnostics, never exceptions. Build a new index on daemon-reload.
 */
export class UnitFileIndex {
  private readonly aliasMap: Map<string, string[]>;
  /**
   * Kinds told by reading the file (kindOf). A regular file's entry holds its content until the loader takes
   * it (takeContent), then is plain REGULAR.
   */
  private readonly kinds = new Map<string, FileKind | ReadKind>();
  /** Kinds told by a stat alone (statKind): a file whose bytes will be needed is still read once. */
  private readonly statted = new Map<string, FileKind>();
  private readonly resolved = new Map<string, UnitSource>();
  /**
   * Every `.d`/`.wants`/`.requires`/`.upholds` directory by its suffix and then its name without the suffix
   * (a unit name or type: the stems dropInStems gives), with the index of its search directory.
   */
  private readonly subdirTables: Readonly<Record<SubdirSuffix, SubdirTable>> = {
    '.d': newSubdirTable(),
    '.wants': newSubdirTable(),
    '.requires': newSubdirTable(),
    '.upholds': newSubdirTable(),
  };
  /**
   * By unit type, the name prefixes (before `@` or the type) of every stem above that is a unit name. Every
   * stem dropInStems gives for a name has the name's type and a prefix that starts the name's prefix, so a name
   * that no prefix here starts has no directory to look for.
   */
  private readonly stemPrefixes = new Map<string, string[]>();

  private constructor(
    private readonly tree: ScannedTree,
    private readonly options: IndexOptions,
  ) {
    // A stat, not a read: the bytes would be kept from now until the unit is loaded, which may be much later.
    this.aliasMap = buildAliasMap(tree, (p) => this.statKind(p));
    const searchIndexOf = new Map(tree.searchPath.map((dir, i) => [dir, i]));
    for (const [path, listed] of tree.subdirs) {
      const slash = path.lastIndexOf('/');
      const searchIndex = searchIndexOf.get(path.slice(0, slash));
      const split = splitSuffix(path.slice(slash + 1));
      if (searchIndex === undefined || split === null) continue;
      getOrAdd(this.subdirTables[split.suffix].byStem, split.stem, () => []).push({ searchIndex, listed });
    }
    const tables = Object.values(this.subdirTables);
    for (const { byStem } of tables)
      for (const list of byStem.values()) list.sort((a, b) => a.searchIndex - b.searchIndex);
    for (const name of tree.entryDiagnostics.keys()) {
      const split = splitSuffix(name);
      if (split !== null) this.subdirTables[split.suffix].reported.add(split.stem);
    }
    const allStems = tables.flatMap((t) => [...t.byStem.keys(), ...t.reported]);
    for (const stem of allStems) {
      const p = parseUnitName(stem);
      if (p.ok) getOrAdd(this.stemPrefixes, p.value.type, () => []).push(p.value.prefix);
    }
  }

  static scan(searchPath: readonly string[], options: IndexOptions = {}): UnitFileIndex {
    return new UnitFileIndex(scanTree(searchPath), options);
  }

  get searchPath(): readonly string[] {
    return this.tree.searchPath;
  }

  /** Every directory `scan` read (search directories, then their subdirectories as met), for the benchmark. */
  get listedDirs(): readonly string[] {
    return this.tree.listedDirs;
  }

  /** Problems with the search directories themselves (not with one unit). */
  get diagnostics(): readonly Diagnostic[] {
    return this.tree.diagnostics;
  }

  /** Every name with a fragment or a mask in the path, templates and aliases included, sorted. */
  names(): string[] {
    const out: string[] = [];
    const { nameList, entryList } = this.tree;
    for (let i = 0; i < nameList.length; i++) {
      if (entryList[i]!.kind === 'file' || followAlias(this.tree.names, nameList[i]!).ok)
        out.push(nameList[i]!);
    }
    // Unit names are ASCII (parseUnitName admits nothing else), where the default UTF-16 order is byte order.
    return out.sort();
  }

  resolve(name: string): UnitSource {
    const cached = this.resolved.get(name);
    if (cached) return cached;
    const source = this.resolveUncached(name);
    this.resolved.set(name, source);
    return source;
  }

  /**
   * The content of a fragment or drop-in that `resolve` read (see ReadKind), handed over once (later calls
   * read the file again). Undefined when the index did not read it or could not.
   */
  takeContent(path: string): Buffer | string | undefined {
    const k = this.kinds.get(path);
    if (k === undefined || !('content' in k)) return undefined;
    this.kinds.set(path, REGULAR);
    return k.content;
  }

  private statKind(path: string): FileKind {
    let k = this.kinds.get(path) ?? this.statted.get(path);
    if (k === undefined) {
      k = fileKind(path);
      this.statted.set(path, k);
    }
    return k;
  }

  /**
   * A dependency link's mask verdict without a stat where the index can tell it: a link to a unit's own
   * fragment (`sysinit.target.wants/foo.service -> ../foo.service`, nearly every link) is judged by reading
   * that fragment, which loading the dependency needs next anyway (the manager loads what a unit wants with
   * it), so the bytes are kept for that load. Any other link is stat'ed, once per target.
   */
  private readonly linkMasked: LinkMasked = (linkPath, target) => {
    const abs = plainLinkTarget(linkPath, target);
    if (abs === null) return this.statKind(linkPath).kind === 'null-or-empty';
    const fragment = this.fragmentOfLink(linkPath, abs);
    return (
      (fragment !== null ? this.kindOf(fragment.path, fragment.regular) : this.statKind(abs)).kind ===
      'null-or-empty'
    );
  };

  /**
   * The name entry whose load reads the file at `abs` (the fragment of the link's name), or null when that
   * load reads another file (the link names another unit, or a file the search path overrides).
   */
  private fragmentOfLink(linkPath: string, abs: string): Extract<NameEntry, { kind: 'file' }> | null {
    const slash = abs.lastIndexOf('/');
    const name = abs.slice(slash + 1);
    if (name !== linkPath.slice(linkPath.lastIndexOf('/') + 1)) return null;
    const entry = this.tree.names.get(name);
    if (entry?.kind !== 'file') return null;
    const dir = abs.slice(0, slash);
    const entryDir = entry.path.slice(0, entry.path.lastIndexOf('/'));
    return dir === entryDir || dir === this.tree.realDirs.get(entryDir) ? entry : null;
  }

  /**
   * The file's kind; a regular file is read, and its bytes kept for the loader, unless it was read before.
   * `regular`: its directory entry says it is a regular file (see readUnitFile).
   */
  private kindOf(path: string, regular: boolean): FileKind {
    let k = this.kinds.get(path);
    if (k === undefined) {
      k = readUnitFile(path, regular);
      this.kinds.set(path, k);
    }
    return k;
  }

  private resolveUncached(name: string): UnitSource {
    const parsed = parseUnitName(name);
    if (!parsed.ok) {
      const d: Diagnostic = {
        file: name,
        line: 0,
        severity: 'error',
        message: `Invalid unit name: ${parsed.error}`,
      };
      return emptySource(name, name, [name], 'not-found', null, [d]);
    }
    const diagnostics: Diagnostic[] = [];
    // The entry names whose problems this unit reports; only collected when the scan met any problem.
    const consulted = this.tree.entryDiagnostics.size > 0 ? new Set<string>() : null;
    const instance = parsed.value.kind === 'instance' ? parsed.value.instance : null;

    // The literal name first; for an instance with nothing under its own name, the template.
    let found = this.follow(name, diagnostics, consulted);
    if (!found.ok && instance !== null) found = this.follow(templateOf(name) ?? name, diagnostics, consulted);
    const fragment = found.ok ? found.path : null;
    const fragmentRegular = found.ok && found.regular;
    // A fragment's path is a search directory and the entry's name (never a trailing slash).
    const fragmentName = fragment === null ? null : fragment.slice(fragment.lastIndexOf('/') + 1);

    let id = name;
    if (fragmentName !== null) {
      const inst = instance !== null ? instantiate(fragmentName, instance) : null;
      id = inst !== null && inst.ok ? inst.value : fragmentName;
    }
    const names = this.namesOf(name, id, fragmentName, instance);
    if (consulted !== null) {
      for (const n of names) consulted.add(n);
      consulted.add(name);
    }

    let state: UnitSource['state'] = 'found';
    if (fragment === null) state = 'not-found';
    else {
      const k = this.kindOf(fragment, fragmentRegular);
      if (k.kind === 'null-or-empty') state = 'masked';
      else if (k.kind === 'missing' && k.code === 'ENOENT') {
        // A dangling linked unit file: systemd fails to open it and calls the unit not found.
        diagnostics.push({
          file: fragment,
          line: 0,
          severity: 'error',
          message: `${name}: Failed to open ${fragment}: ${errnoText(k.code)}`,
        });
        state = 'not-found';
      } else if (k.kind === 'special') {
        diagnostics.push({
          file: fragment,
          line: 0,
          severity: 'error',
          message: 'Unit file is not a regular file.',
        });
        state = 'bad-setting';
      }
      // Other failures (a symlink loop, a directory) are left to the reader, whose error is systemd's.
    }

    if (state === 'masked') {
      if (consulted !== null) this.addEntryDiagnostics(consulted, diagnostics);
      return emptySource(name, id, names, state, fragment, diagnostics);
    }

    // The directories' stems, per name, then the type-wide one: looked up once for all four suffixes.
    const stems = this.stemListsOf(names);
    const dropInDirs = this.subdirsFor(stems, '.d', consulted);
    const dropInPaths =
      dropInDirs.length === 0
        ? NO_PATHS
        : usableDropIns(mergeConfFiles(dropInDirs, '.conf'), this.readKind, diagnostics);
    const wants = this.deps(stems, id, '.wants', 'Wants', consulted, diagnostics);
    const requires = this.deps(stems, id, '.requires', 'Requires', consulted, diagnostics);
    const upholds = this.options.upholdsDirs
      ? this.deps(stems, id, '.upholds', 'Upholds', consulted, diagnostics)
      : NO_PATHS;
    // Tested here, not in the callee: a call per unit for nothing costs in unoptimized code.
    const upholdsMet =
      this.subdirTables['.upholds'].byStem.size > 0 || this.subdirTables['.upholds'].reported.size > 0;
    if (!this.options.upholdsDirs && upholdsMet) this.reportIgnoredUpholds(stems, diagnostics);

    if (state === 'not-found') this.reportOrphanDropIns(names, diagnostics);
    if (consulted !== null) this.addEntryDiagnostics(consulted, diagnostics);
    return {
      requestedName: name,
      id,
      names,
      state,
      fragmentPath: state === 'not-found' ? null : fragment,
      dropInPaths,
      wants,
      requires,
      upholds,
      diagnostics,
    };
  }

  /** `id` first, then every other name of the unit, sorted (see unitNames). */
  private namesOf(
    name: string,
    id: string,
    fragmentName: string | null,
    instance: string | null,
  ): readonly string[] {
    // Most units have no other name: a name whose file is called after it, that no alias points to.
    if (instance === null && fragmentName === name) {
      if (!this.aliasMap.has(name)) return [name];
    }
    const nameSet = unitNames(this.tree.names, this.aliasMap, name, fragmentName);
    nameSet.delete(id);
    return [id, ...[...nameSet].sort(byteCompare)];
  }

  private readonly readKind = (path: string, regular: boolean): FileKind => this.kindOf(path, regular);

  /** The dependencies the unit's `.wants/`-style directories name (see dependencyLinks). */
  private deps(
    stems: StemLists,
    id: string,
    suffix: SubdirSuffix,
    kind: 'Wants' | 'Requires' | 'Upholds',
    consulted: Set<string> | null,
    diagnostics: Diagnostic[],
  ): readonly string[] {
    const dirs = this.subdirsFor(stems, suffix, consulted);
    if (dirs.length === 0) return NO_PATHS;
    const unit: UnitIdentity = { id, instance: instanceOf(id) };
    return dependencyLinks(mergeConfFiles(dirs, null), kind, unit, diagnostics, this.linkMasked);
  }

  /** followAlias, reporting broken alias chains (systemd only says "not found"; we say why). */
  private follow(name: string, diagnostics: Diagnostic[], consulted: Set<string> | null): Followed {
    const f = followAlias(this.tree.names, name);
    if (consulted !== null) for (const n of f.chain) consulted.add(n);
    if (f.ok || f.reason === 'absent') return f;
    const first = this.tree.names.get(name);
    const file = first?.kind === 'alias' ? first.linkPath : name;
    const last = f.chain[f.chain.length - 1];
    diagnostics.push(
      f.reason === 'loop'
        ? {
            file,
            line: 0,
            severity: 'error',
            message: `Cannot load unit ${name}: Too many levels of symbolic links (${f.chain.join(' -> ')})`,
          }
        : {
            file,
            line: 0,
            severity: 'warning',
            message: `${name} is an alias of ${last}, which does not exist.`,
          },
    );
    return f;
  }

  /**
   * The stems of the directories of the unit's names (see stemsOf), each name's in turn, then its type's. A
   * name with none adds no list: most units have only the type's.
   */
  private stemListsOf(unitNamesAll: readonly string[]): StemLists {
    const id = parseUnitName(unitNamesAll[0] ?? '');
    let lists: Array<readonly string[]> | null = null;
    for (let i = 0; i < unitNamesAll.length; i++) {
      const stems = this.stemsOf(unitNamesAll[i]!);
      if (stems.length > 0) (lists ??= []).push(stems);
    }
    // Then the type-wide directory (`service.d`), whose stem is the type.
    if (lists === null) return id.ok ? typeStemLists(id.value.type) : NO_STEM_LISTS;
    if (id.ok) lists.push(typeStemLists(id.value.type)[0]!);
    return lists;
  }

  /**
   * The existing directories `NAME<suffix>` for the unit's names, highest priority first: each name's own
   * hierarchy across the whole path (the id first, then the aliases), then the type-wide directory.
   */
  private subdirsFor(
    stems: StemLists,
    suffix: SubdirSuffix,
    consulted: Set<string> | null,
  ): readonly ListedDir[] {
    const table = this.subdirTables[suffix];
    // Nothing in the whole tree has this suffix (no `.upholds/` anywhere, say): nothing to find or report.
    if (table.byStem.size === 0 && table.reported.size === 0) return NO_DIRS;
    // Most units have no directory at all: then nothing is allocated.
    let out: ListedDir[] | null = null;
    for (let i = 0; i < stems.length; i++) out = this.addSubdirs(stems[i]!, suffix, table, consulted, out);
    return out ?? NO_DIRS;
  }

  /**
   * Adds to `out` the directories `STEM<suffix>` for one name's stems, search directory first, then the order
   * of the stems: the same order as trying every pair, without trying the many pairs that do not exist.
   */
  private addSubdirs(
    stems: readonly string[],
    suffix: SubdirSuffix,
    { byStem, reported }: SubdirTable,
    consulted: Set<string> | null,
    out: ListedDir[] | null,
  ): ListedDir[] | null {
    let hits: Array<{ searchIndex: number; nameIndex: number; listed: ListedDir }> | null = null;
    for (let nameIndex = 0; nameIndex < stems.length; nameIndex++) {
      const stem = stems[nameIndex]!;
      // Only names with something to report need remembering (see addEntryDiagnostics).
      if (consulted !== null && reported.has(stem)) consulted.add(stem + suffix);
      const found = byStem.get(stem);
      if (found === undefined) continue;
      hits ??= [];
      for (const { searchIndex, listed } of found) hits.push({ searchIndex, nameIndex, listed });
    }
    if (hits === null) return out;
    if (hits.length > 1) hits.sort((a, b) => a.searchIndex - b.searchIndex || a.nameIndex - b.nameIndex);
    const dirs = out ?? [];
    // A directory reached under two names counts once.
    for (const { listed } of hits) if (!dirs.some((d) => d.path === listed.path)) dirs.push(listed);
    return dirs;
  }

  /** dropInStems, for a name that may have directories at all (see stemPrefixes). */
  private stemsOf(name: string): readonly string[] {
    const p = parseUnitName(name);
    if (!p.ok) return dropInStems(name);
    const prefixes = this.stemPrefixes.get(p.value.type);
    if (prefixes === undefined) return NO_STEMS;
    for (let i = 0; i < prefixes.length; i++)
      if (p.value.prefix.startsWith(prefixes[i]!)) return dropInStems(name);
    return NO_STEMS;
  }

  /** Drop-ins written for a unit that has no file are harmless, but almost certainly a mistake: say so. */
  private reportOrphanDropIns(unitNamesAll: readonly string[], diagnostics: Diagnostic[]): void {
    for (const n of unitNamesAll) {
      for (const searchDir of this.tree.searchPath) {
        const path = `${searchDir}/${n}.d`;
        if (this.tree.subdirs.has(path)) {
          diagnostics.push({
            file: path,
            line: 0,
            severity: 'warning',
            message: `Drop-in directory for ${n}, but no unit file ${n} was found; it is not applied.`,
          });
        }
      }
    }
  }

  private reportIgnoredUpholds(stems: StemLists, diagnostics: Diagnostic[]): void {
    for (const dir of this.subdirsFor(stems, '.upholds', null)) {
      diagnostics.push({
        file: dir.path,
        line: 0,
        severity: 'warning',
        message: 'systemd 252 does not read .upholds/ directories; use Upholds= in a drop-in. Ignoring.',
      });
    }
  }

  private addEntryDiagnostics(entryNames: ReadonlySet<string>, diagnostics: Diagnostic[]): void {
    for (const n of entryNames) {
      const ds = this.tree.entryDiagnostics.get(n);
      if (ds !== undefined) diagnostics.push(...ds);
    }
  }
}

const REGULAR: FileKind = { kind: 'regular' };
const NO_STEMS: readonly string[] = [];
const NO_DIRS: readonly ListedDir[] = [];
const NO_PATHS: readonly string[] = [];

/** `[[type]]`, one per unit type: the stems of a unit with only the type-wide directory (`service.d`). */
const typeStemListsByType = new Map<string, StemLists>();
function typeStemLists(type: string): StemLists {
  let lists = typeStemListsByType.get(type);
  if (lists === undefined) {
    lists = [[type]];
    typeStemListsByType.set(type, lists);
  }
  return lists;
}
const NO_STEM_LISTS: StemLists = [];

interface SubdirHit {
  readonly searchIndex: number;
  readonly listed: ListedDir;
}

/** The directories with one suffix, by stem, and the stems of entries so named that have diagnostics. */
interface SubdirTable {
  readonly byStem: Map<string, SubdirHit[]>;
  /** A file where a directory should be, and the like. */
  readonly reported: Set<string>;
}

function newSubdirTable(): SubdirTable {
  return { byStem: new Map(), reported: new Set() };
}

/** Per name of a unit, the stems of its directories, and last the type-wide stem (see stemListsOf). */
type StemLists = ReadonlyArray<readonly string[]>;

/** `foo.service.wants` -> stem `foo.service`, suffix `.wants`; null for a name with none of the suffixes. */
function splitSuffix(name: string): { stem: string; suffix: SubdirSuffix } | null {
  const suffix = SUBDIR_SUFFIXES.find((x) => name.endsWith(x));
  return suffix === undefined ? null : { stem: name.slice(0, -suffix.length), suffix };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function instanceOf(name: string): string | null {
  const p = parseUnitName(name);
  return p.ok && p.value.kind === 'instance' ? p.value.instance : null;
}

function emptySource(
  requestedName: string,
  id: string,
  names: readonly string[],
  state: UnitSource['state'],
  fragmentPath: string | null,
  diagnostics: readonly Diagnostic[],
): UnitSource {
  return {
    requestedName,
    id,
    names,
    state,
    fragmentPath,
    dropInPaths: NO_PATHS,
    wants: NO_PATHS,
    requires: NO_PATHS,
    upholds: NO_PATHS,
    diagnostics,
  };
}
