import {
  mkdirSync,
  opendirSync,
  readlinkSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  renameSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, posix } from 'node:path';
import { parseUnitName } from '../unit/name';
import type { ChangeList, InstallErrno } from './changes';
import { chaseInRoot, skipRoot } from './chase';
import { errnoOf } from './fs-util';
import type { LookupPaths } from './lookup-paths';

/**
 * create_symlink() of systemd 252: `newPath -> oldPath` (oldPath written as the root sees it). A link already
 * there and equivalent counts as done; another link is replaced only with `force`, anything else is EEXIST.
 * Returns 1 when the link is in place, or the errno (also recorded in `changes`).
 */
export function createSymlink(
  lp: LookupPaths,
  oldPath: string,
  newPath: string,
  force: boolean,
  changes: ChangeList,
): 1 | InstallErrno {
  const target = skipRoot(lp.root, oldPath);
  try {
    mkdirSync(dirname(newPath), { recursive: true, mode: 0o755 });
  } catch {
    // symlink() below reports the failure that matters.
  }
  try {
    symlinkSync(target, newPath);
    changes.add({ type: 'symlink', path: newPath, source: target });
    return 1;
  } catch (e) {
    const errno = errnoOf(e);
    if (errno !== 'EEXIST') return changes.error(errno, newPath);
  }
  let dest: string;
  try {
    dest = readlinkSync(newPath);
  } catch (e) {
    // Not a symlink (EINVAL): a real file is in the way.
    const errno = errnoOf(e);
    return changes.error(errno === 'EINVAL' ? 'EEXIST' : errno, newPath);
  }
  if (equivalent(lp, newPath, dest, target)) return 1;
  if (!force) return changes.error('EEXIST', newPath, dest);
  try {
    // symlink_atomic(): a temporary link renamed over the old one.
    const tmp = join(dirname(newPath), `.#${basename(newPath)}${process.pid}`);
    symlinkSync(target, tmp);
    renameSync(tmp, newPath);
  } catch (e) {
    return changes.error(errnoOf(e), newPath);
  }
  changes.add({ type: 'unlink', path: newPath });
  changes.add({ type: 'symlink', path: newPath, source: target });
  return 1;
}

/** chroot_unit_symlinks_equivalent(): the same path inside the root, or the same file. */
function equivalent(lp: LookupPaths, src: string, a: string, b: string): boolean {
  const abs = (t: string): string => (isAbsolute(t) ? posix.join(lp.root, t) : posix.join(dirname(src), t));
  const pa = abs(a);
  const pb = abs(b);
  if (pa === pb) return true;
  try {
    const sa = statSync(pa);
    const sb = statSync(pb);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** systemd's hidden_or_backup_file(): entries FOREACH_DIRENT skips. */
function hiddenOrBackup(name: string): boolean {
  if (name.startsWith('.')) return true;
  if (name.endsWith('~')) return true;
  return /\.(rpmnew|rpmsave|rpmorig|dpkg-old|dpkg-new|dpkg-tmp|dpkg-dist|dpkg-bak|dpkg-backup|dpkg-remove|ucf-new|ucf-old|ucf-dist|swp|bak|old|new)$/.test(
    name,
  );
}

interface DirEntry {
  readonly name: string;
  readonly kind: 'dir' | 'link' | 'file' | 'other';
}

/**
 * A directory's entries in the order the kernel returns them (readdirSync would sort them): systemd walks
 * directories with readdir(), and the order of its "Removed" lines is that order.
 */
export function rawEntries(dir: string): DirEntry[] | null {
  let d;
  try {
    d = opendirSync(dir);
  } catch {
    return null;
  }
  const out: DirEntry[] = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) {
      if (hiddenOrBackup(e.name)) continue;
      out.push({
        name: e.name,
        kind: e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'link' : e.isFile() ? 'file' : 'other',
      });
    }
  } finally {
    d.closeSync();
  }
  return out;
}

/**
 * remove_marked_symlinks(): removes, under `configPath`, every symlink named like a marked unit or leading to
 * one (by path or file name); each removed link is marked in turn (root-relative path), and the walk repeats
 * until nothing new is marked. Empty directories left behind are removed up to `configPath`.
 */
export function removeMarkedSymlinks(
  marked: Set<string>,
  configPath: string,
  lp: LookupPaths,
  changes: ChangeList,
): InstallErrno | null {
  if (marked.size === 0) return null;
  let failure: InstallErrno | null = null;
  let restart: boolean;
  do {
    restart = false;
    const walk = (dir: string): void => {
      const entries = rawEntries(dir);
      if (entries === null) return;
      for (const e of entries) {
        const p = `${dir}/${e.name}`;
        if (e.kind === 'dir') {
          walk(p);
          continue;
        }
        if (e.kind !== 'link' || !parseUnitName(e.name).ok) continue;
        let found = marked.has(e.name);
        if (!found) {
          const dest = chaseInRoot(lp.root, p, true);
          if (dest === null) {
            failure ??= changes.error('ELOOP', p);
            continue;
          }
          found = marked.has(dest) || marked.has(basename(dest));
        }
        if (!found) continue;
        try {
          unlinkSync(p);
        } catch (err) {
          const errno = errnoOf(err);
          if (errno !== 'ENOENT') {
            failure ??= changes.error(errno, p);
            continue;
          }
        }
        rmdirParents(p, configPath);
        changes.add({ type: 'unlink', path: p });
        const rp = skipRoot(lp.root, p);
        if (!marked.has(rp)) {
          marked.add(rp);
          restart = true;
        }
      }
    };
    walk(configPath);
  } while (restart);
  return failure;
}

/** rmdir_parents(): remove now-empty directories from the link's up to (not including) `stop`. */
function rmdirParents(path: string, stop: string): void {
  for (let d = dirname(path); d.startsWith(stop + '/'); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
