import { dirname } from 'node:path';
import { instantiate, parseUnitName } from '../unit/name';
import { aliasProblem } from './alias-rules';
import { ChangeList, type InstallErrno } from './changes';
import { InstallContext, type InstallInfo, type SearchFlags } from './install-info';
import { configPath, lookupPaths, type LookupPaths } from './lookup-paths';
import { mangleName } from './names';
import { operationResult, type InstallOptions, type OperationResult } from './result';
import { createSymlink, removeMarkedSymlinks } from './symlinks';

const LOAD: SearchFlags = { load: true, followConfigSymlinks: false };
const LOAD_FOLLOW: SearchFlags = { load: true, followConfigSymlinks: true };
const PLAIN: SearchFlags = { load: false, followConfigSymlinks: false };

/** `systemctl [--root=ROOT] enable NAME...` */
export function enable(root: string, names: readonly string[], opts: InstallOptions = {}): OperationResult {
  const changes = new ChangeList();
  const r = doEnable(
    lookupPaths(root),
    names.map((n) => mangleName(n, '.service')),
    opts,
    changes,
  );
  return enableResult('enable', changes, r);
}

/** `systemctl [--root=ROOT] disable NAME...` */
export function disable(root: string, names: readonly string[], opts: InstallOptions = {}): OperationResult {
  const changes = new ChangeList();
  const r = doDisable(
    lookupPaths(root),
    names.map((n) => mangleName(n, '.service')),
    opts,
    changes,
  );
  return operationResult('disable', changes.items, r);
}

/** `systemctl [--root=ROOT] reenable NAME...`: disable, then enable, one list of changes. */
export function reenable(root: string, names: readonly string[], opts: InstallOptions = {}): OperationResult {
  const changes = new ChangeList();
  const lp = lookupPaths(root);
  const mangled = names.map((n) => mangleName(n, '.service'));
  const d = doDisable(lp, mangled, opts, changes);
  if (d !== null) return operationResult('reenable', changes.items, d);
  const r = doEnable(lp, mangled, opts, changes);
  return enableResult('reenable', changes, r);
}

/** doEnable()'s outcome, a link count or an errno, as the verb's result. */
function enableResult(
  verb: 'enable' | 'reenable',
  changes: ChangeList,
  r: number | InstallErrno,
): OperationResult {
  return typeof r === 'number'
    ? operationResult(verb, changes.items, null, r)
    : operationResult(verb, changes.items, r);
}

/** unit_file_enable(): the number of links [Install] asked for (0: nothing to enable), or why it failed. */
function doEnable(
  lp: LookupPaths,
  names: readonly string[],
  opts: InstallOptions,
  changes: ChangeList,
): number | InstallErrno {
  const ctx = new InstallContext(lp);
  for (const name of names) {
    const d = ctx.discover(name, LOAD_FOLLOW);
    if (!d.ok) return changes.error(d.errno, name);
    const refused = mayProcess(lp, d.info, changes);
    if (refused !== null) return refused;
  }
  return applyContext(ctx, lp, configPath(lp, opts.runtime === true), opts.force === true, changes);
}

/** install_info_may_process(): masked, generated and transient units cannot be enabled. */
export function mayProcess(lp: LookupPaths, info: InstallInfo, changes: ChangeList): InstallErrno | null {
  if (info.mode === 'masked') return changes.error('ERFKILL', info.path ?? info.name);
  const parent = info.path === null ? '' : dirname(info.path);
  if (lp.generatorDirs.includes(parent) || parent === lp.transientDir)
    return changes.error('EADDRNOTAVAIL', info.path ?? info.name);
  return null;
}

/** install_context_apply(): every queued name (Also= adds to the queue) gets its links. */
function applyContext(
  ctx: InstallContext,
  lp: LookupPaths,
  config: string,
  force: boolean,
  changes: ChangeList,
): number | InstallErrno {
  let r: number | InstallErrno = 0;
  for (let i = ctx.next(); i !== null; i = ctx.next()) {
    const t = ctx.traverse(i, LOAD);
    if (!t.ok) {
      if (i.auxiliary) {
        changes.add({ type: 'auxiliary-failed', path: i.name });
        continue;
      }
      return changes.error(t.errno, i.name);
    }
    if (i.mode === 'masked') {
      changes.add({ type: 'is-masked', path: i.path ?? i.name });
      // Something could have been enabled here: no "no installation config" notice.
      if (typeof r === 'number') r += 1;
      continue;
    }
    if (i.mode !== 'regular') continue;
    const q = applyInfo(i, lp, config, force, changes);
    if (typeof r === 'number') r = typeof q === 'number' ? r + q : q;
  }
  return r;
}

/** install_info_apply(): Alias= links, then WantedBy=, then RequiredBy=, then the link of a linked unit file. */
function applyInfo(
  info: InstallInfo,
  lp: LookupPaths,
  config: string,
  force: boolean,
  changes: ChangeList,
): number | InstallErrno {
  let r: number | InstallErrno = symlinkAliases(info, lp, config, force, changes);
  let q = symlinkWants(info, lp, config, info.rules.wantedBy, '.wants/', changes);
  if (r === 0) r = q;
  q = symlinkWants(info, lp, config, info.rules.requiredBy, '.requires/', changes);
  if (r === 0) r = q;
  const inSearchPath = info.path !== null && lp.searchPath.includes(dirname(info.path));
  if (!inSearchPath && info.path !== null) {
    const l = createSymlink(lp, info.path, `${config}/${info.name}`, force, changes);
    // Linking the file itself does not count as installation config.
    if (r === 0 && typeof l === 'string') r = l;
  }
  return r;
}

function symlinkAliases(
  info: InstallInfo,
  lp: LookupPaths,
  config: string,
  force: boolean,
  changes: ChangeList,
): number | InstallErrno {
  let r: number | InstallErrno = 0;
  for (const alias of info.rules.aliases) {
    const v = verifyAlias(info, alias, changes);
    if (v.kind === 'self') continue;
    if (v.kind === 'bad') {
      if (typeof r === 'number') r = 'EXDEV';
      continue;
    }
    const q = createSymlink(lp, info.path ?? '', `${config}/${v.name}`, force, changes);
    if (typeof r === 'number') r = q;
  }
  return r;
}

type VerifiedAlias =
  { readonly kind: 'ok'; readonly name: string } | { readonly kind: 'self' } | { readonly kind: 'bad' };

/**
 * unit_file_verify_alias() for an Alias= without a slash: an instance fills its instance into a template alias;
 * the alias must then be a valid alias of the unit's name. An alias to itself is quietly skipped.
 */
function verifyAlias(info: InstallInfo, alias: string, changes: ChangeList): VerifiedAlias {
  if (alias.includes('/')) {
    // The legacy "Alias=foo.target.wants/bar.service" form is not supported: refused as a bad reference.
    changes.error('EXDEV', alias);
    return { kind: 'bad' };
  }
  let dst = alias;
  const self = parseUnitName(info.name);
  const a = parseUnitName(alias);
  if (self.ok && self.value.kind === 'instance' && a.ok && a.value.kind === 'template') {
    const filled = instantiate(alias, self.value.instance);
    if (filled.ok) dst = filled.value;
  }
  const problem = aliasProblem(dst, info.name);
  if (problem === 'ELOOP') return { kind: 'self' };
  if (problem !== null) {
    changes.error('EXDEV', dst, info.name);
    return { kind: 'bad' };
  }
  return { kind: 'ok', name: dst };
}

/** install_info_symlink_wants(): `CONFIG/TARGET.wants/NAME -> fragment` for each target (always forced). */
function symlinkWants(
  info: InstallInfo,
  lp: LookupPaths,
  config: string,
  targets: readonly string[],
  suffix: '.wants/' | '.requires/',
  changes: ChangeList,
): number | InstallErrno {
  if (targets.length === 0) return 0;
  const self = parseUnitName(info.name);
  let n = info.name;
  // A template without a default instance may only be wanted by templates (foo@.target.wants/bar@.service).
  let onlyTemplates = false;
  if (self.ok && self.value.kind === 'template') {
    if (info.rules.defaultInstance !== null) {
      const inst = instantiate(info.name, info.rules.defaultInstance);
      if (!inst.ok) return 'EINVAL';
      n = inst.value;
    } else onlyTemplates = true;
  }
  let r: number | InstallErrno = 0;
  for (const dst of targets) {
    const d = parseUnitName(dst);
    if (!d.ok || (onlyTemplates && d.value.kind !== 'template')) {
      const errno: InstallErrno = d.ok ? 'EIDRM' : 'EUCLEAN';
      changes.error(errno, dst, d.ok ? n : null);
      if (typeof r === 'number') r = errno;
      continue;
    }
    const q = createSymlink(lp, info.path ?? '', `${config}/${dst}${suffix}${n}`, true, changes);
    if (r === 0) r = q;
    if (!unitFileExists(lp, dst))
      changes.add({ type: 'destination-not-present', path: dst, source: info.path ?? info.name });
  }
  return r;
}

/** unit_file_exists(): whether a name can be found at all (not following links in /etc and /run). */
function unitFileExists(lp: LookupPaths, name: string): boolean {
  const d = new InstallContext(lp).discover(name, PLAIN);
  return d.ok || d.errno !== 'ENOENT';
}

/** unit_file_disable(): marks the units (and their Also=) and removes every link to them in the config dir. */
function doDisable(
  lp: LookupPaths,
  names: readonly string[],
  opts: InstallOptions,
  changes: ChangeList,
): InstallErrno | null {
  const ctx = new InstallContext(lp);
  for (const name of names) {
    if (!parseUnitName(name).ok) return 'EINVAL';
    ctx.add(name, false);
  }
  const marked = new Set<string>();
  for (let i = ctx.next(); i !== null; i = ctx.next()) {
    const t = ctx.traverse(i, LOAD_FOLLOW);
    if (!t.ok) {
      if (t.errno === 'ENOLINK') changes.add({ type: 'is-dangling', path: i.path ?? i.name });
      else if (t.errno !== 'ENOENT' || !i.auxiliary) changes.error(t.errno, i.path ?? i.name);
    } else if (i.mode === 'masked') {
      changes.add({ type: 'is-masked', path: i.path ?? i.name });
      continue;
    } else if (i.mode !== 'regular') continue;
    marked.add(i.name);
  }
  return removeMarkedSymlinks(marked, configPath(lp, opts.runtime === true), lp, changes);
}
