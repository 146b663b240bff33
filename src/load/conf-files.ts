import type { DirEntry, EntryKind } from './dir-listing';

/** A directory to merge, already read: `path` is its real (symlink-free) path, as systemd's chase() gives it. */
export interface ListedDir {
  readonly path: string;
  readonly entries: readonly DirEntry[];
}

export interface ConfFile {
  readonly name: string;
  readonly path: string;
  /** The entry's d_type: whether it is a symlink, without an lstat. */
  readonly kind: EntryKind;
}

const BACKUP_SUFFIXES = [
  '~',
  '.rpmnew',
  '.rpmsave',
  '.rpmorig',
  '.dpkg-old',
  '.dpkg-new',
  '.dpkg-tmp',
  '.dpkg-dist',
  '.dpkg-bak',
  '.dpkg-backup',
  '.dpkg-remove',
  '.ucf-new',
  '.ucf-old',
  '.ucf-dist',
  '.swp',
  '.bak',
  '.old',
  '.new',
];

/** systemd's hidden_or_backup_file(): conf_files_list() never sees these. */
export function isHiddenOrBackup(name: string): boolean {
  if (name.startsWith('.')) return true;
  // A loop, not some(): a callback per suffix for every entry costs in unoptimized code.
  for (let i = 0; i < BACKUP_SUFFIXES.length; i++) if (name.endsWith(BACKUP_SUFFIXES[i]!)) return true;
  return false;
}

/**
 * C strcmp() order: bytes, not UTF-16 code units. The two agree (UTF-8 bytes sort as code points do) except
 * where surrogates meet U+E000..U+FFFF, so only a first difference between two such units is settled by bytes.
 */
export function byteCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * systemd's conf_files_list_strv(): every entry (ending in `suffix`, when given) of every directory; a name
 * seen in an earlier directory hides the same name in later ones; the survivors sorted by name. Directories
 * are given highest priority first. Subdirectories are left out: systemd would try to parse them and fail.
 */
export function mergeConfFiles(dirs: readonly ListedDir[], suffix: string | null): ConfFile[] {
  if (dirs.length === 0) return [];
  const byName = new Map<string, ConfFile>();
  for (const dir of dirs) {
    const entries = dir.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.kind === 'dir' || isHiddenOrBackup(e.name)) continue;
      if (suffix !== null && !e.name.endsWith(suffix)) continue;
      if (byName.has(e.name)) continue;
      byName.set(e.name, { name: e.name, path: `${dir.path}/${e.name}`, kind: e.kind });
    }
  }
  return [...byName.values()].sort((a, b) => byteCompare(a.name, b.name));
}
