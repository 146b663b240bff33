import { basename } from 'node:path';
import { instantiate, parseUnitName } from '../unit/name';
import { STRERROR, type InstallErrno } from './changes';
import { skipRoot } from './chase';
import { InstallContext, type InstallInfo } from './install-info';
import { lookupPaths, type LookupPaths } from './lookup-paths';
import { rawEntries } from './symlinks';
import { readlinkResult } from './fs-util';
import { dirname, join } from 'node:path';

/** systemd 252's UnitFileState names, as is-enabled and list-unit-files print them. */
export type UnitFileState =
  | 'enabled'
  | 'enabled-runtime'
  | 'linked'
  | 'linked-runtime'
  | 'alias'
  | 'masked'
  | 'masked-runtime'
  | 'static'
  | 'indirect'
  | 'disabled'
  | 'generated'
  | 'transient'
  | 'bad';

/**
 * States for which `systemctl is-enabled` exits 0 (systemctl-is-enabled.c). Not `transient`, although the man
 * page's table says 0: systemctl 252 exits 1 for it.
 */
const ENABLED_ISH: ReadonlySet<UnitFileState> = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'indirect',
  'generated',
  'alias',
]);

export type StateLookup =
  { readonly ok: true; readonly state: UnitFileState } | { readonly ok: false; readonly errno: InstallErrno };

/**
 * `systemctl is-enabled NAME` offline: the state word on stdout and exit 0 for the enabled-ish states, 1
 * otherwise; a unit that cannot be found is an error line on stderr (systemctl offline never prints
 * "not-found": that word comes from the manager) and exit 1.
 */
export type IsEnabledResult =
  | { readonly ok: true; readonly state: UnitFileState; readonly stdout: string; readonly exitStatus: 0 | 1 }
  | { readonly ok: false; readonly errno: InstallErrno; readonly stderr: string; readonly exitStatus: 1 };

export function isEnabled(root: string, name: string): IsEnabledResult {
  const r = unitFileState(lookupPaths(root), name);
  if (!r.ok) {
    // A name that leads to something that is not a file (a directory) fails with systemctl's other wording.
    const odd = r.errno === 'EISDIR' || r.errno === 'ENOTTY';
    const stderr = odd
      ? `Failed to look up unit file state: ${STRERROR[r.errno]}`
      : `Failed to get unit file state for ${name}: ${STRERROR[r.errno]}`;
    return { ok: false, errno: r.errno, stderr, exitStatus: 1 };
  }
  return { ok: true, state: r.state, stdout: r.state, exitStatus: ENABLED_ISH.has(r.state) ? 0 : 1 };
}

/** unit_file_lookup_state() of systemd 252. */
export function unitFileState(lp: LookupPaths, name: string): StateLookup {
  if (!parseUnitName(name).ok) return { ok: false, errno: 'EINVAL' };
  const d = new InstallContext(lp).discover(name, { load: true, followConfigSymlinks: true });
  if (!d.ok) return d;
  const info = d.info;
  const path = info.path ?? '';
  if (info.mode === 'masked')
    return { ok: true, state: isRuntime(lp, path, true) ? 'masked-runtime' : 'masked' };
  const self = parseUnitName(info.name);
  if (name !== basename(path) && !(self.ok && self.value.kind === 'instance'))
    return { ok: true, state: 'alias' };
  if (lp.generatorDirs.includes(dirname(path))) return { ok: true, state: 'generated' };
  if (dirname(path) === lp.transientDir) return { ok: true, state: 'transient' };
  const byName = symlinksInScope(lp, info, true);
  if (byName !== null) return { ok: true, state: byName };
  if (symlinksInScope(lp, info, false) !== null) return { ok: true, state: 'indirect' };
  const r = info.rules;
  if (r.aliases.length + r.wantedBy.length + r.requiredBy.length > 0) return { ok: true, state: 'disabled' };
  return { ok: true, state: r.also.length > 0 ? 'indirect' : 'static' };
}

/** path_is_runtime(): anything under /run, and the runtime config directory. */
function isRuntime(lp: LookupPaths, path: string, checkParent: boolean): boolean {
  const rel = skipRoot(lp.root, path);
  if (rel === '/run' || rel.startsWith('/run/')) return true;
  const p = checkParent ? dirname(path) : path;
  return p === lp.runtimeConfig;
}

/**
 * find_symlinks_in_scope(): where links to the unit are. A link in /etc/systemd/system means enabled; one
 * under /run, enabled-runtime; an instance linked from any other directory (a vendor .wants/), static; a link
 * of the unit's own name to its own file in a config directory, linked. Null: no link found. Directories below the one holding the unit
 * file do not count same-name entries (they are shadowed).
 */
function symlinksInScope(lp: LookupPaths, info: InstallInfo, matchName: boolean): UnitFileState | null {
  let sameNameConfig = false;
  let sameNameRuntime = false;
  let enabledRuntime = false;
  let enabledAtAll = false;
  let ignoreSameName = false;
  for (const dir of lp.searchPath) {
    const f = findSymlinks(info, matchName, ignoreSameName, dir);
    if (f.found) {
      if (dir === lp.persistentConfig) return 'enabled';
      if (isRuntime(lp, dir, false)) enabledRuntime = true;
      else enabledAtAll = true;
    } else if (f.sameNameLink) {
      if (dir === lp.persistentConfig) sameNameConfig = true;
      else if (isRuntime(lp, dir, false)) sameNameRuntime = true;
    }
    if (!ignoreSameName && info.path !== null && info.path.startsWith(dir + '/')) ignoreSameName = true;
  }
  if (enabledRuntime) return 'enabled-runtime';
  // An instance linked from a vendor directory is statically enabled; a plain name there is merely an alias.
  const self = parseUnitName(info.name);
  if (enabledAtAll && self.ok && self.value.kind === 'instance') return 'static';
  if (sameNameConfig) return 'linked';
  if (sameNameRuntime) return 'linked-runtime';
  return null;
}

interface Found {
  readonly found: boolean;
  readonly sameNameLink: boolean;
}

/** find_symlinks(): the `.wants/` and `.requires/` directories of one search directory, then the directory itself. */
function findSymlinks(info: InstallInfo, matchName: boolean, ignoreSameName: boolean, dir: string): Found {
  const entries = rawEntries(dir);
  if (entries === null) return { found: false, sameNameLink: false };
  let sameNameLink = false;
  for (const e of entries) {
    if (e.kind !== 'dir') continue;
    const dot = e.name.lastIndexOf('.');
    const suffix = dot < 0 ? '' : e.name.slice(dot);
    if (suffix !== '.wants' && suffix !== '.requires') continue;
    const r = inDirectory(`${dir}/${e.name}`, info, matchName, ignoreSameName, dir);
    sameNameLink ||= r.sameNameLink;
    if (r.found) return { found: true, sameNameLink };
  }
  const r = inDirectory(dir, info, matchName, ignoreSameName, dir);
  return { found: r.found, sameNameLink: sameNameLink || r.sameNameLink };
}

/**
 * find_symlinks_in_directory() of systemd 252: a link counts when its name is the unit's (not in directories
 * below the unit's own) or its target's file name is; a link of the unit's own name to its own file directly
 * in the search directory is a "same name" link (linked), not an enablement.
 */
function inDirectory(
  dirPath: string,
  info: InstallInfo,
  matchName: boolean,
  ignoreSameName: boolean,
  config: string,
): Found {
  let sameNameLink = false;
  for (const e of rawEntries(dirPath) ?? []) {
    if (e.kind !== 'link') continue;
    const rl = readlinkResult(`${dirPath}/${e.name}`);
    if (!rl.ok) continue;
    const dest = rl.target.startsWith('/') ? rl.target : join(dirPath, rl.target);
    const foundPath = !ignoreSameName && e.name === info.name;
    const foundDest = basename(dest) === info.name;
    const same = foundPath && foundDest && `${dirPath}/${e.name}` === `${config}/${info.name}`;
    if (same) sameNameLink = true;
    else if (foundPath || foundDest) {
      if (!matchName || knownName(info, e.name)) return { found: true, sameNameLink };
    }
  }
  return { found: false, sameNameLink };
}

/** is_symlink_with_known_name(): the unit's name, one of its Alias= names, or its default instance. */
function knownName(info: InstallInfo, name: string): boolean {
  if (name === info.name) return true;
  if (info.rules.aliases.includes(name)) return true;
  const self = parseUnitName(info.name);
  if (self.ok && self.value.kind === 'template' && info.rules.defaultInstance !== null) {
    const inst = instantiate(info.name, info.rules.defaultInstance);
    if (inst.ok && inst.value === name) return true;
  }
  return false;
}
