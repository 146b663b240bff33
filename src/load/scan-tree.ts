import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from '../unit/diagnostic';
import { isUnitType, parseUnitName } from '../unit/name';
import type { ListedDir } from './conf-files';
import { errnoCode, errnoText, listDir } from './dir-listing';
import { fileKind } from './file-kind';
import { aliasSymlinkProblem } from './symlink-names';

/**
 * One name in the search path, as systemd's unit_file_build_name_map() records it: a file to load (a regular
 * file, or a symlink to outside the search path: a linked unit file or a mask, recorded under the link's own
 * path), or an alias naming another unit by name (a symlink into the search path).
 */
export type NameEntry =
  /** `regular`: the directory entry is a regular file (its d_type), not a link to one. */
  | { readonly kind: 'file'; readonly path: string; readonly regular: boolean }
  | { readonly kind: 'alias'; readonly target: string; readonly linkPath: string };

export interface ScannedTree {
  readonly searchPath: readonly string[];
  /** Every valid unit name found, mapped from its highest-priority directory. */
  readonly names: ReadonlyMap<string, NameEntry>;
  /**
   * The same names and entries, in the map's order, for walking by index: walking a Map costs an iterator
   * step or a callback per entry, which unoptimized code pays in full.
   */
  readonly nameList: readonly string[];
  readonly entryList: readonly NameEntry[];
  /** `.d`/`.wants`/`.requires`/`.upholds` directories, by their path in the search directory, already read. */
  readonly subdirs: ReadonlyMap<string, ListedDir>;
  /** Problems with a single entry, by the entry's file name (`foo.service`, `foo.service.d`). */
  readonly entryDiagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  /** Problems with the search directories themselves. */
  readonly diagnostics: readonly Diagnostic[];
  /** Every directory read, search directories and subdirectories, in the order they were read. */
  readonly listedDirs: readonly string[];
  /** Real paths of the search directories (null for a missing one) and of directories links pointed into. */
  readonly realDirs: ReadonlyMap<string, string | null>;
}

const SUBDIR_SUFFIXES = ['.wants', '.requires', '.upholds', '.d'];

/** systemd's directory_name_is_valid(): a unit name or a unit type followed by one of SUBDIR_SUFFIXES. */
export function isSubdirName(name: string): boolean {
  return SUBDIR_SUFFIXES.some((suffix) => {
    if (!name.endsWith(suffix)) return false;
    const chopped = name.slice(0, -suffix.length);
    return parseUnitName(chopped).ok || isUnitType(chopped);
  });
}

class Scanner {
  readonly names = new Map<string, NameEntry>();
  readonly nameList: string[] = [];
  readonly entryList: NameEntry[] = [];

  /** Records the entry for a name not met before. */
  private addName(name: string, entry: NameEntry): void {
    this.names.set(name, entry);
    this.nameList.push(name);
    this.entryList.push(entry);
  }
  readonly subdirs = new Map<string, ListedDir>();
  readonly entryDiagnostics = new Map<string, Diagnostic[]>();
  readonly diagnostics: Diagnostic[] = [];
  readonly listedDirs: string[] = [];
  /**
   * The search path plus the real path of each directory: a symlink into /lib/systemd/system is an alias
   * whether it is spelled /lib/... or /usr/lib/... (systemd 252's expanded_search_path).
   */
  private readonly expanded: string[];
  /**
   * Real paths of directories, found once per scan: most links of a directory point into the same one, and
   * realpath(3) costs a readlink(2) per path component.
   */
  readonly realDirs = new Map<string, string | null>();

  constructor(searchPath: readonly string[]) {
    const expanded = new Set<string>();
    for (const dir of searchPath) {
      expanded.add(dir);
      // A missing directory only counts under its own name.
      const real = this.realDir(dir);
      if (real !== null) expanded.add(real);
    }
    this.expanded = [...expanded];
  }

  private realDir(dir: string): string | null {
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      try {
        real = realpathSync.native(dir);
      } catch {
        real = null;
      }
      this.realDirs.set(dir, real);
    }
    return real;
  }

  /** Normalises `.`/`..` and resolves symlinks in the parent directories only, as chase(CHASE_NOFOLLOW) does. */
  private simplify(abs: string): string {
    const real = this.realDir(dirname(abs));
    return real === null ? resolve(abs) : join(real, basename(abs));
  }

  /**
   * simplify(join(dir, name)) for a name with no slash (nearly every alias link: `../foo.service` and
   * absolute targets take the general way): the same path, without taking it apart again.
   */
  private inRealDir(dir: string, name: string): string {
    const real = this.realDir(dir);
    return real === null ? resolve(`${dir}/${name}`) : `${real}/${name}`;
  }

  private warn(
    entryName: string,
    file: string,
    message: string,
    severity: 'warning' | 'error' = 'warning',
  ): void {
    const list = this.entryDiagnostics.get(entryName) ?? [];
    list.push({ file, line: 0, severity, message });
    this.entryDiagnostics.set(entryName, list);
  }

  scanDir(dir: string): void {
    const listing = listDir(dir);
    if (!listing.ok) {
      // A missing directory is normal (most of the search path does not exist); anything else is worth saying.
      if (listing.code !== 'ENOENT') {
        this.diagnostics.push({
          file: dir,
          line: 0,
          severity: 'warning',
          message: `Failed to open "${dir}", ignoring: ${errnoText(listing.code)}`,
        });
      }
      return;
    }
    this.listedDirs.push(dir);
    const entries = listing.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const path = `${dir}/${e.name}`;
      const isUnitName = parseUnitName(e.name).ok;
      if (isUnitName && e.kind === 'file') {
        if (!this.names.has(e.name)) this.addName(e.name, { kind: 'file', path, regular: true });
      } else if (isUnitName && e.kind === 'link') {
        if (!this.names.has(e.name)) this.scanLink(dir, e.name);
      } else if (isUnitName) {
        this.warn(e.name, path, 'Not a regular file or symlink, ignoring.');
      } else if (isSubdirName(e.name)) {
        if (e.kind === 'dir' || e.kind === 'link') this.scanSubdir(dir, e.name, e.kind === 'dir');
        else this.warn(e.name, path, 'Not a directory, ignoring.');
      }
      // Anything else (README, garbage names) is not ours: systemd skips it silently too.
    }
  }

  private scanLink(dir: string, name: string): void {
    const path = `${dir}/${name}`;
    let target: string;
    try {
      target = readlinkSync(path);
    } catch (e) {
      this.warn(name, path, `Failed to read symlink, ignoring: ${errnoText(errnoCode(e))}`);
      return;
    }
    const simplified = isPlainName(target)
      ? this.inRealDir(dir, target)
      : this.simplify(isAbsolute(target) ? target : join(dir, target));
    const base = this.expanded.find((d) => simplified.startsWith(d + '/'));
    if (base === undefined) {
      // Outside the search path: a linked unit file or a mask. The link itself is the fragment; its name is
      // the unit's name whatever the target is called.
      this.addName(name, { kind: 'file', path, regular: false });
      return;
    }
    const targetName = basename(simplified);
    // A link to the same name further down the path adds nothing: systemd ignores it and the lower file wins.
    if (targetName === name) return;
    const problem = aliasSymlinkProblem(path, name, targetName);
    if (problem !== null) {
      this.warn(name, path, problem);
      return;
    }
    if (simplified.slice(base.length + 1).includes('/')) {
      this.warn(name, path, `Suspicious symlink ${path} -> ${simplified}, treating as alias.`);
    }
    this.addName(name, { kind: 'alias', target: targetName, linkPath: path });
  }

  private scanSubdir(dir: string, name: string, isDir: boolean): void {
    const path = `${dir}/${name}`;
    // systemd chases the directory's symlinks and reports drop-ins under the real path. A real directory (its
    // d_type says so) is found under its parent's real path; only a link needs chasing and a stat.
    const realParent = isDir ? this.realDir(dir) : null;
    let real: string;
    if (realParent !== null) real = `${realParent}/${name}`;
    else {
      try {
        real = realpathSync.native(path);
      } catch (e) {
        this.warn(name, path, `Failed to resolve directory, ignoring: ${errnoText(errnoCode(e))}`);
        return;
      }
      if (fileKind(real).kind !== 'directory') {
        this.warn(name, path, 'Not a directory, ignoring.');
        return;
      }
    }
    const listing = listDir(real);
    if (!listing.ok) {
      this.warn(name, path, `Failed to read directory, ignoring: ${errnoText(listing.code)}`);
      return;
    }
    if (listing.badNames > 0) {
      this.warn(name, real, `${listing.badNames} entries with names that are not UTF-8, ignoring them.`);
    }
    this.listedDirs.push(real);
    this.subdirs.set(path, { path: real, entries: listing.entries });
  }
}

/** A link target that is one file name in the link's own directory. */
function isPlainName(target: string): boolean {
  return target !== '' && target !== '.' && target !== '..' && !target.includes('/');
}

/** Reads every directory of the search path, and every drop-in and dependency directory in them, once. */
export function scanTree(searchPath: readonly string[]): ScannedTree {
  const s = new Scanner(searchPath);
  for (const dir of searchPath) s.scanDir(dir);
  return {
    searchPath,
    names: s.names,
    nameList: s.nameList,
    entryList: s.entryList,
    subdirs: s.subdirs,
    entryDiagnostics: s.entryDiagnostics,
    diagnostics: s.diagnostics,
    listedDirs: s.listedDirs,
    realDirs: s.realDirs,
  };
}
