import { unlinkSync } from 'node:fs';
import { parseUnitName } from '../unit/name';
import { ChangeList, type InstallErrno } from './changes';
import { skipRoot } from './chase';
import { errnoOf, nullOrEmptyInRoot } from './fs-util';
import { configPath, lookupPaths } from './lookup-paths';
import { mangleName } from './names';
import { operationResult, type InstallOptions, type OperationResult } from './result';
import { createSymlink, removeMarkedSymlinks } from './symlinks';

/**
 * `systemctl mask NAME...`: `CONFIG/NAME -> /dev/null` whether or not the unit exists; a real file of that name
 * in the config directory is never replaced (EEXIST), another symlink only with --force.
 */
export function mask(root: string, names: readonly string[], opts: InstallOptions = {}): OperationResult {
  const lp = lookupPaths(root);
  const changes = new ChangeList();
  const config = configPath(lp, opts.runtime === true);
  let failure: InstallErrno | null = null;
  for (const raw of names) {
    const name = mangleName(raw, '.service');
    if (!parseUnitName(name).ok) {
      failure ??= 'EINVAL';
      continue;
    }
    const q = createSymlink(
      lp,
      lp.root === '/' ? '/dev/null' : lp.root + '/dev/null',
      `${config}/${name}`,
      opts.force === true,
      changes,
    );
    if (typeof q === 'string') failure ??= q;
  }
  return operationResult('mask', changes.items, failure);
}

/**
 * `systemctl unmask NAME...`: removes `CONFIG/NAME` when it is a mask (a link to /dev/null or an empty file),
 * then any link to the removed path.
 */
export function unmask(root: string, names: readonly string[], opts: InstallOptions = {}): OperationResult {
  const lp = lookupPaths(root);
  const changes = new ChangeList();
  const config = configPath(lp, opts.runtime === true);
  const todo: string[] = [];
  for (const raw of names) {
    const name = mangleName(raw, '.service');
    if (!parseUnitName(name).ok) return operationResult('unmask', changes.items, 'EINVAL');
    const isMask = nullOrEmptyInRoot(lp.root, `${config}/${name}`);
    if (isMask === 'ENOENT' || isMask === false) continue;
    if (typeof isMask === 'string') return operationResult('unmask', changes.items, isMask);
    if (!todo.includes(name)) todo.push(name);
  }
  let failure: InstallErrno | null = null;
  const marked = new Set<string>();
  for (const name of todo) {
    const path = `${config}/${name}`;
    try {
      unlinkSync(path);
    } catch (e) {
      const errno = errnoOf(e);
      if (errno !== 'ENOENT') failure ??= changes.error(errno, path);
      continue;
    }
    changes.add({ type: 'unlink', path });
    marked.add(skipRoot(lp.root, path));
  }
  const q = removeMarkedSymlinks(marked, config, lp, changes);
  return operationResult('unmask', changes.items, failure ?? q);
}
