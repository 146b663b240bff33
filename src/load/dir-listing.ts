import { readdirSync, type Dirent } from 'node:fs';

/** What a directory entry is, without following it (readdir's d_type). */
export type EntryKind = 'file' | 'dir' | 'link' | 'other';

export interface DirEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

export type DirListing =
  | { readonly ok: true; readonly entries: readonly DirEntry[]; readonly badNames: number }
  | { readonly ok: false; readonly code: string };

function kindOf(d: Dirent | Dirent<Buffer>): EntryKind {
  if (d.isSymbolicLink()) return 'link';
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  return 'other';
}

/**
 * Reads a directory once. A name that is not valid UTF-8 cannot be a unit or drop-in name we could address by
 * string, so it is counted in `badNames` and left out instead of being mangled into U+FFFD (which could
 * collide with a real name). Names are decoded as UTF-8 directly; only a directory where one came out with a
 * U+FFFD (a bad byte, or a real U+FFFD) is read again as bytes to tell which.
 */
export function listDir(path: string): DirListing {
  let raw: Dirent[];
  try {
    raw = readdirSync(path, { withFileTypes: true });
  } catch (e) {
    return { ok: false, code: errnoCode(e) };
  }
  const entries: DirEntry[] = [];
  for (let i = 0; i < raw.length; i++) {
    const d = raw[i]!;
    if (d.name.includes('\ufffd')) return listDirAsBytes(path);
    entries.push({ name: d.name, kind: kindOf(d) });
  }
  return { ok: true, entries, badNames: 0 };
}

function listDirAsBytes(path: string): DirListing {
  let raw: Dirent<Buffer>[];
  try {
    raw = readdirSync(path, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    return { ok: false, code: errnoCode(e) };
  }
  const entries: DirEntry[] = [];
  let badNames = 0;
  for (const d of raw) {
    const name = d.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(d.name)) {
      badNames++;
      continue;
    }
    entries.push({ name, kind: kindOf(d) });
  }
  return { ok: true, entries, badNames };
}

/** The errno name of a failed fs call (ENOENT, ELOOP, ...), for messages. */
export function errnoCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(e);
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ELOOP: 'Too many levels of symbolic links',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENAMETOOLONG: 'File name too long',
};

/** strerror() wording, as systemd's `%m` prints it. */
export function errnoText(code: string): string {
  return ERRNO_TEXT[code] ?? code;
}
