import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { errnoCode } from './dir-listing';
import type { FileKind } from './file-kind';

/**
 * What a unit file or drop-in is, and for a regular file with content, that content: as text when it is valid
 * UTF-8 (nearly always), else as the bytes, for the lexer to find the lines that are not.
 */
export type ReadKind =
  Exclude<FileKind, { kind: 'regular' }> | { readonly kind: 'regular'; readonly content: Buffer | string };

// libuv adds O_CLOEXEC. O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says it is not a file, and nothing is read.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Where files whose directory entry says "regular" are read: unit files are small, so one read fills this and
 * a second one meets the end of the file, and only the bytes read are copied out.
 */
const scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * fileKind() and the read in one open: a regular file of size 0 or a character device (/dev/null) is
 * systemd's null_or_empty() mask, a directory or a special file is not read at all, and a regular file is
 * read whole. The same verdicts as a stat of the path followed by a read, with one open and one fstat fewer.
 *
 * `regular`: the directory listing said the entry is a regular file (not a link), so the read needs no
 * fstat to tell a device or a FIFO from a file, nor for the size. A file that fills the scratch buffer (too
 * big to be a usual unit file, or a device put there since the listing) is read the careful way.
 */
export function readUnitFile(path: string, regular = false): ReadKind {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    return { kind: 'missing', code: errnoCode(e) };
  }
  try {
    if (regular) {
      const got = readToScratch(fd);
      if (got === 0) return { kind: 'null-or-empty' };
      if (got < scratch.length) return { kind: 'regular', content: scratchContent(got) };
    }
    return readAfterFstat(fd);
  } catch (e) {
    return { kind: 'missing', code: errnoCode(e) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first `n` bytes of `scratch`, decoded straight from it when they are UTF-8, else copied out. Decoding
 * first and checking only text with a U+FFFD in it (a bad byte decodes to one) spares nearly every file a view
 * of the buffer and a validation pass.
 */
function scratchContent(n: number): Buffer | string {
  const text = scratch.toString('utf8', 0, n);
  if (text.indexOf('\ufffd') < 0) return text;
  const bytes = scratch.subarray(0, n);
  return isUtf8(bytes) ? text : Buffer.from(bytes);
}

/** Reads into `scratch` until the end of the file or a full buffer; returns the byte count. */
function readToScratch(fd: number): number {
  let got = 0;
  while (got < scratch.length) {
    const n = readSync(fd, scratch, got, scratch.length - got, null);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function readAfterFstat(fd: number): ReadKind {
  const st = fstatSync(fd);
  if (st.isCharacterDevice()) return { kind: 'null-or-empty' };
  if (st.isDirectory()) return { kind: 'directory' };
  if (!st.isFile()) return { kind: 'special' };
  if (st.size === 0) return { kind: 'null-or-empty' };
  const content = Buffer.allocUnsafe(st.size);
  let got = 0;
  // A file that shrank while being read keeps what was there; one that grew is read up to its stat size.
  // Positioned reads: the file may have been read from before.
  while (got < content.length) {
    const n = readSync(fd, content, got, content.length - got, got);
    if (n === 0) break;
    got += n;
  }
  return { kind: 'regular', content: got === content.length ? content : content.subarray(0, got) };
}
