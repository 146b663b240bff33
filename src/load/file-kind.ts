import { statSync } from 'node:fs';
import { errnoCode } from './dir-listing';

/**
 * What a path holds once symlinks are followed. `null-or-empty` is systemd's null_or_empty(): a character
 * device (in practice /dev/null) or a regular file of size 0; both mask a unit or a drop-in.
 */
export type FileKind =
  | { readonly kind: 'regular' }
  | { readonly kind: 'null-or-empty' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'special' }
  | { readonly kind: 'missing'; readonly code: string };

export function fileKind(path: string): FileKind {
  try {
    const st = statSync(path);
    if (st.isCharacterDevice()) return { kind: 'null-or-empty' };
    if (st.isFile()) return st.size === 0 ? { kind: 'null-or-empty' } : { kind: 'regular' };
    if (st.isDirectory()) return { kind: 'directory' };
    // FIFOs, sockets, block devices: reading them could block or make no sense as a unit file.
    return { kind: 'special' };
  } catch (e) {
    return { kind: 'missing', code: errnoCode(e) };
  }
}
