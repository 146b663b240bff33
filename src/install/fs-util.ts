import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import type { InstallErrno } from './changes';
import { chaseInRoot, relativeToRoot } from './chase';

export type StatResult =
  { readonly ok: true; readonly st: Stats } | { readonly ok: false; readonly errno: InstallErrno };

const KNOWN: ReadonlySet<string> = new Set([
  'ENOENT',
  'ENOTDIR',
  'EACCES',
  'ELOOP',
  'EISDIR',
  'EEXIST',
  'EINVAL',
]);

/** The errno of a failed fs call, as one of ours (anything unexpected is EIO). */
export function errnoOf(e: unknown): InstallErrno {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return KNOWN.has(code) ? (code as InstallErrno) : 'EIO';
}

export function lstatResult(path: string): StatResult {
  try {
    return { ok: true, st: lstatSync(path) };
  } catch (e) {
    return { ok: false, errno: errnoOf(e) };
  }
}

/** systemd's null_or_empty(): a character device or an empty regular file masks a unit. */
export function nullOrEmpty(st: Stats): boolean {
  return st.isCharacterDevice() || (st.isFile() && st.size === 0);
}

/**
 * null_or_empty_path_with_root(): a path inside `root` that is /dev/null by name (an image need not have a
 * /dev), or that leads, links followed inside the root, to a device or an empty file.
 */
export function nullOrEmptyInRoot(root: string, path: string): boolean | InstallErrno {
  if (relativeToRoot(root, path) === 'dev/null') return true;
  const real = chaseInRoot(root, path, true);
  if (real === null) return 'ELOOP';
  if (relativeToRoot(root, real) === 'dev/null') return true;
  try {
    return nullOrEmpty(statSync(real));
  } catch (e) {
    return errnoOf(e);
  }
}

export type ReadlinkResult =
  { readonly ok: true; readonly target: string } | { readonly ok: false; readonly errno: InstallErrno };

export function readlinkResult(path: string): ReadlinkResult {
  try {
    return { ok: true, target: readlinkSync(path) };
  } catch (e) {
    return { ok: false, errno: errnoOf(e) };
  }
}

/** Directory entries by name, sorted; an unreadable or missing directory has none. */
export function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
