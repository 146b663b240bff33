import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

/** systemd's CHASE_SYMLINKS_MAX: more hops than this is a loop. */
const CHASE_MAX = 32;

/**
 * A path resolved inside `root` the way systemd's chase_symlinks() does it: every symlink met, absolute or
 * relative, is taken as relative to `root` and `..` never climbs above it, so a link to `/lib/...` inside an
 * image means the image's `/lib/...`, not the host's. `path` already carries the root prefix. Components
 * that do not exist are kept as they are (CHASE_NONEXISTENT). With `followLast: false` the final component is
 * not followed (CHASE_NOFOLLOW). Returns the host path (root prefix included), or null on a symlink loop or a
 * path that cannot be examined.
 */
export function chaseInRoot(root: string, path: string, followLast: boolean): string | null {
  const rootAbs = posix.resolve(root);
  const rel = relativeToRoot(rootAbs, posix.resolve(path));
  if (rel === null) return null;
  let todo = rel.split('/').filter((c) => c !== '' && c !== '.');
  let done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '.') continue;
    if (c === '..') {
      done.pop();
      continue;
    }
    const host = joinRoot(rootAbs, [...done, c]);
    const isLast = todo.length === 0;
    let target: string | null = null;
    try {
      if (lstatSync(host).isSymbolicLink() && (followLast || !isLast)) target = readlinkSync(host);
    } catch {
      // Missing: the rest is kept literally, as CHASE_NONEXISTENT does.
      done = [...done, c, ...todo];
      break;
    }
    if (target === null) {
      done.push(c);
      continue;
    }
    if (++hops > CHASE_MAX) return null;
    const parts = target.split('/').filter((x) => x !== '' && x !== '.');
    if (target.startsWith('/')) done = [];
    todo = [...parts, ...todo];
  }
  return joinRoot(rootAbs, done);
}

/** The part of `path` below `root`, without a leading slash, or null when `path` is not below it. */
export function relativeToRoot(root: string, path: string): string | null {
  if (root === '/') return path.slice(1);
  if (path === root) return '';
  return path.startsWith(root + '/') ? path.slice(root.length + 1) : null;
}

/** systemd's skip_root(): the path as the image sees it (`/lib/...`), or the path itself when outside root. */
export function skipRoot(root: string, path: string): string {
  const rel = relativeToRoot(posix.resolve(root), path);
  return rel === null ? path : '/' + rel;
}

function joinRoot(root: string, parts: readonly string[]): string {
  const tail = parts.join('/');
  return root === '/' ? '/' + tail : tail === '' ? root : `${root}/${tail}`;
}
