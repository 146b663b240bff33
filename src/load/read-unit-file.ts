import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { errnoCode } from './dir-listing';
import type { FileKind } from './file-kind';

/** What a unit file or drop-in is, and for a regular file with content, that content. */
export type ReadKind =
  Exclude<FileKind, { kind: 'regular' }> | { readonly kind: 'regular'; readonly content: Buffer };

// libuv adds O_CLOEXEC. O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says it is not a file, and nothing is read.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * fileKind() and the read in one open: a regular file of size 0 or a character device (/dev/null) is
 * systemd's null_or_empty() mask, a directory or a special file is not read at all, and a regular file is
 * read whole. The same verdicts as a stat of the path followed by a read, with one open and one fstat fewer.
 */
export function readUnitFile(path: string): ReadKind {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    return { kind: 'missing', code: errnoCode(e) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isCharacterDevice()) return { kind: 'null-or-empty' };
    if (st.isDirectory()) return { kind: 'directory' };
    if (!st.isFile()) return { kind: 'special' };
    if (st.size === 0) return { kind: 'null-or-empty' };
    const content = Buffer.allocUnsafe(st.size);
    let got = 0;
    // A file that shrank while being read keeps what was there; one that grew is read up to its stat size.
    while (got < content.length) {
      const n = readSync(fd, content, got, content.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return { kind: 'regular', content: got === content.length ? content : content.subarray(0, got) };
  } catch (e) {
    return { kind: 'missing', code: errnoCode(e) };
  } finally {
    closeSync(fd);
  }
}
