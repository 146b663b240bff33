import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { instantiate, parseUnitName, templateOf } from '../unit/name';
import { aliasProblem, mayTemplate } from './alias-rules';
import type { InstallErrno } from './changes';
import { chaseInRoot } from './chase';
import { errnoOf, listNames, lstatResult, nullOrEmpty, nullOrEmptyInRoot, readlinkResult } from './fs-util';
import { NO_RULES, readInstallRules, type InstallRules } from './install-section';
import { isUnderSearchPath, prefixRoot, type LookupPaths } from './lookup-paths';

/**
 * What a name turned out to be (install.c's InstallMode): a unit file to read, a symlink to outside the search
 * path (a linked unit file), a symlink to another name inside it (an alias), or a mask.
 */
export type InstallMode = 'regular' | 'linked' | 'alias' | 'masked';

/** SEARCH_LOAD: read [Install]. SEARCH_FOLLOW_CONFIG_SYMLINKS: follow aliases and links that live in /etc or /run. */
export interface SearchFlags {
  readonly load: boolean;
  readonly followConfigSymlinks: boolean;
}

/** One name being installed or looked up: install.c's InstallInfo. Mutable, like its C counterpart. */
export class InstallInfo {
  /** The file found for the name (root prefix included). */
  path: string | null = null;
  mode: InstallMode | null = null;
  /** For an alias or a linked file: where the symlink leads (root prefix included). */
  symlinkTarget: string | null = null;
  /** Files whose [Install] sections apply, in the order they were loaded. */
  files: string[] = [];
  rules: InstallRules = NO_RULES;

  constructor(
    readonly name: string,
    /** Named only by other units' Also=: its failures are warnings. */
    public auxiliary: boolean,
  ) {}
}

export type Traversed =
  { readonly ok: true; readonly info: InstallInfo } | { readonly ok: false; readonly errno: InstallErrno };

/**
 * The names an operation works through (install.c's InstallContext): Also= adds to `willProcess` while files
 * are read, and a name is never processed twice, which is what makes Also= cycles harmless.
 */
export class InstallContext {
  private readonly willProcess = new Map<string, InstallInfo>();
  private readonly haveProcessed = new Map<string, InstallInfo>();

  constructor(readonly lp: LookupPaths) {}

  /** install_info_add(): the existing info for the name, or a new one queued for processing. */
  add(name: string, auxiliary: boolean): InstallInfo {
    const existing = this.haveProcessed.get(name) ?? this.willProcess.get(name);
    if (existing) {
      // Named directly as well as by Also=: no longer merely auxiliary.
      existing.auxiliary = existing.auxiliary && auxiliary;
      return existing;
    }
    const info = new InstallInfo(name, auxiliary);
    this.willProcess.set(name, info);
    return info;
  }

  /** The next queued info, moved to the processed set. */
  next(): InstallInfo | null {
    const first = this.willProcess.entries().next();
    if (first.done === true) return null;
    const [name, info] = first.value;
    this.willProcess.delete(name);
    this.haveProcessed.set(name, info);
    return info;
  }

  /** install_info_discover(): add the name and follow it to the file that defines it. */
  discover(name: string, flags: SearchFlags): Traversed {
    if (!parseUnitName(name).ok) return { ok: false, errno: 'EINVAL' };
    return this.traverse(this.add(name, false), flags);
  }

  /** install_info_traverse(): search for the name, then follow aliases and linked files to a unit file. */
  traverse(start: InstallInfo, flags: SearchFlags): Traversed {
    const r = this.search(start, flags);
    if (typeof r === 'string') return { ok: false, errno: r };
    let i = start;
    let hops = 0;
    while (i.mode === 'alias' || i.mode === 'linked') {
      // UNIT_FILE_FOLLOW_SYMLINK_MAX
      if (++hops > 64) return { ok: false, errno: 'ELOOP' };
      // A symlink written in /etc or /run is the admin's: enable refuses to act on it (unless following).
      if (!flags.followConfigSymlinks && this.isConfig(i.path)) return { ok: false, errno: 'ELOOP' };
      let q = this.follow(i, flags, i.mode === 'linked');
      if (q === 'EXDEV') {
        const target = basename(i.symlinkTarget ?? '');
        let bn = target;
        const self = parseUnitName(i.name);
        const tgt = parseUnitName(target);
        if (self.ok && self.value.kind === 'instance' && tgt.ok && tgt.value.kind === 'template') {
          const filled = instantiate(target, self.value.instance);
          if (!filled.ok) return { ok: false, errno: 'EINVAL' };
          if (filled.value === i.name) {
            // Filling in our own instance gives our own name: honour the link as it is.
            q = this.follow(i, flags, true);
            if (typeof q === 'string') return { ok: false, errno: q };
            continue;
          }
          bn = filled.value;
        }
        if (!parseUnitName(bn).ok) return { ok: false, errno: 'EINVAL' };
        i = this.add(bn, false);
        q = this.search(i, flags);
        if (q === 'ENOENT') return { ok: false, errno: 'ENOLINK' };
      }
      if (typeof q === 'string') return { ok: false, errno: q };
    }
    return { ok: true, info: i };
  }

  private isConfig(path: string | null): boolean {
    if (path === null) return false;
    const parent = dirname(path);
    return parent === this.lp.persistentConfig || parent === this.lp.runtimeConfig;
  }

  /** install_info_follow(): load what the symlink points to, under the same name. */
  private follow(info: InstallInfo, flags: SearchFlags, ignoreDifferentName: boolean): number | InstallErrno {
    if (info.symlinkTarget === null) return 'EINVAL';
    if (!ignoreDifferentName && basename(info.symlinkTarget) !== info.name) return 'EXDEV';
    info.path = info.symlinkTarget;
    info.symlinkTarget = null;
    info.mode = null;
    return this.loadOrReadlink(info, info.path, flags, false);
  }

  /** unit_file_search(): the first file for the name along the search path (an instance falls back to its template), then drop-ins. */
  search(info: InstallInfo, flags: SearchFlags): number | InstallErrno {
    if (info.mode !== null) return 0;
    if (info.path !== null) return this.loadOrReadlink(info, info.path, flags, false);
    const template = parseUnitName(info.name).ok ? templateOf(info.name) : null;
    let result: number | null = null;
    for (const candidate of template === null ? [info.name] : [info.name, template]) {
      for (const dir of this.lp.searchPath) {
        const path = `${dir}/${candidate}`;
        const r = this.loadOrReadlink(info, path, flags, false);
        if (typeof r === 'number') {
          info.path = path;
          result = r;
          break;
        }
        if (r !== 'ENOENT' && r !== 'ENOTDIR' && r !== 'EACCES') return r;
      }
      if (result !== null) break;
    }
    if (result === null) return 'ENOENT';
    if (info.mode === 'masked') return result;

    const dirs: string[] = [];
    for (const n of template === null ? [info.name] : [info.name, template])
      for (const dir of this.lp.searchPath) dirs.push(`${dir}/${n}.d`);
    for (const conf of confFiles(dirs)) {
      const r = this.loadOrReadlink(info, conf, flags, true);
      if (typeof r === 'string') return r;
    }
    return result;
  }

  /** unit_file_load_or_readlink(): a file is read; a symlink is classified as mask, linked file or alias. */
  private loadOrReadlink(
    info: InstallInfo,
    path: string,
    flags: SearchFlags,
    dropin: boolean,
  ): number | InstallErrno {
    const r = this.load(info, path, flags, dropin);
    if (r !== 'ELOOP' || dropin) return r;
    const read = readlinkResult(path);
    if (!read.ok) return read.errno;
    // An absolute target means the one inside the root; a relative one is relative to the link's directory.
    const link = read.target;
    const abs = link.startsWith('/') ? prefixRoot(this.lp.root, link) : join(dirname(path), link);
    const simplified = chaseInRoot(this.lp.root, abs, false);
    if (simplified === null) return 'ELOOP';
    const inside = isUnderSearchPath(this.lp, simplified) !== null;
    if (inside) {
      const problem = aliasProblem(basename(path), basename(simplified));
      if (problem !== null) return problem;
    }
    info.symlinkTarget = simplified;
    // A target that cannot be examined (missing, a loop) is simply not a mask: systemctl 252 goes on and
    // reports the problem when it follows the link.
    if (nullOrEmptyInRoot(this.lp.root, simplified) === true) info.mode = 'masked';
    else info.mode = inside ? 'alias' : 'linked';
    return 0;
  }

  /** unit_file_load(): classify (and with SEARCH_LOAD read) one file, never following a symlink at the end. */
  private load(info: InstallInfo, path: string, flags: SearchFlags, dropin: boolean): number | InstallErrno {
    if (!dropin) {
      const n = parseUnitName(info.name);
      if (!n.ok) return 'EINVAL';
      if (n.value.kind !== 'plain' && !mayTemplate(n.value.type)) return 'EINVAL';
      const l = lstatResult(path);
      if (!l.ok) return l.errno;
      if (l.st.isSymbolicLink()) return 'ELOOP';
      if (nullOrEmpty(l.st)) {
        info.mode = 'masked';
        return 0;
      }
      if (l.st.isDirectory()) return 'EISDIR';
      if (!l.st.isFile()) return 'ENOTTY';
      if (!flags.load) {
        info.mode = 'regular';
        return 0;
      }
      info.files.push(path);
      this.reparse(info);
      info.mode = 'regular';
      return info.rules.aliases.length + info.rules.wantedBy.length + info.rules.requiredBy.length;
    }
    if (!flags.load) return 0;
    const real = chaseInRoot(this.lp.root, path, true);
    if (real === null) return 'ELOOP';
    try {
      const st = statSync(real);
      if (nullOrEmpty(st)) return 0;
      if (!st.isFile()) return st.isDirectory() ? 'EISDIR' : 'ENOTTY';
    } catch (e) {
      return errnoOf(e);
    }
    info.files.push(real);
    this.reparse(info);
    return info.rules.aliases.length + info.rules.wantedBy.length + info.rules.requiredBy.length;
  }

  /** Re-reads the info's files; Also= names join the queue as they are met (config_parse_also). */
  private reparse(info: InstallInfo): void {
    info.rules = readInstallRules(info.name, info.files);
    for (const also of info.rules.also) this.add(also, true);
  }
}

/**
 * conf_files_list_strv(): the `.conf` files of the directories, one per file name (the first directory holding
 * a name wins), sorted by file name.
 */
function confFiles(dirs: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of listNames(dir)) {
      if (!name.endsWith('.conf') || byName.has(name)) continue;
      byName.set(name, `${dir}/${name}`);
    }
  }
  return [...byName.keys()].sort().map((n) => byName.get(n) as string);
}
