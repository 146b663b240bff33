/**
 * The journal's reading side: entries matching a filter, oldest first, or the last N (read from the newest
 * file backwards, so `-n 100` costs about 100 entries however large the journal is). Files whose unit
 * index names none of the wanted units are skipped without being read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  decodePayload,
  FILE_HEADER_SIZE,
  FRAME_OVERHEAD,
  frameAt,
  FRAME_MAGIC,
  MAX_PAYLOAD,
  parseFileHeader,
  peekRealtime,
  peekUnit,
  scanFrames,
} from './codec';
import type { JournalEntry } from './entry';
import { archivedUnits, type JournalFile } from './files';

export interface JournalFilter {
  /** Any of these units (already compiled from globs); empty: all. */
  readonly units?: readonly RegExp[];
  /** Priorities from..to inclusive (0 = emerg). */
  readonly priority?: readonly [number, number];
  /** µs since the epoch, inclusive. */
  readonly since?: number;
  readonly until?: number;
  readonly grep?: RegExp;
  readonly bootId?: string;
  /** Only entries with a seqnum above this (a -f that follows an initial query). */
  readonly afterSeqnum?: number;
}

const CHUNK = 1 << 20;
const MAGIC_BYTES = Buffer.alloc(4);
MAGIC_BYTES.writeUInt32LE(FRAME_MAGIC, 0);

function unitWanted(filter: JournalFilter, unit: string): boolean {
  const u = filter.units;
  if (!u || u.length === 0) return true;
  return u.some((r) => r.test(unit));
}

async function fileMayMatch(
  filter: JournalFilter,
  f: JournalFile,
  nextCreated: number | null,
): Promise<boolean> {
  if (filter.until !== undefined && createdOf(f) > filter.until) return false;
  // Every entry of a file predates the next file.
  if (filter.since !== undefined && nextCreated !== null && nextCreated < filter.since) return false;
  if (!filter.units || filter.units.length === 0) return true;
  const units = f.active ? f.units : await archivedUnits(f);
  return units === null || [...units].some((u) => unitWanted(filter, u));
}

function createdOf(f: JournalFile): number {
  return parseInt(basename(f.path).split('-')[0]!, 16);
}

/** The full check, on a decoded entry. */
export function entryMatches(filter: JournalFilter, e: JournalEntry): boolean {
  if (!unitWanted(filter, e.unit)) return false;
  if (filter.priority && (e.priority < filter.priority[0] || e.priority > filter.priority[1])) return false;
  if (filter.since !== undefined && e.realtime < filter.since) return false;
  if (filter.until !== undefined && e.realtime > filter.until) return false;
  if (filter.bootId !== undefined && e.bootId !== filter.bootId) return false;
  if (filter.afterSeqnum !== undefined && e.seqnum <= filter.afterSeqnum) return false;
  if (filter.grep) {
    filter.grep.lastIndex = 0;
    if (!filter.grep.test(e.message.toString('utf8'))) return false;
  }
  return true;
}

/** Cheap checks on the raw payload before decoding it. */
function rawMayMatch(filter: JournalFilter, b: Buffer, p: number): boolean {
  if (filter.units && filter.units.length > 0 && !unitWanted(filter, peekUnit(b, p))) return false;
  const t = peekRealtime(b, p);
  if (filter.since !== undefined && t < filter.since) return false;
  if (filter.until !== undefined && t > filter.until) return false;
  return true;
}

class OpenFile {
  private constructor(
    readonly fh: FileHandle,
    readonly bootId: string,
    readonly size: number,
  ) {}

  static async open(f: JournalFile): Promise<OpenFile | null> {
    const fh = await open(f.path, 'r').catch(() => null);
    if (!fh) return null;
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await fh.read(head, 0, FILE_HEADER_SIZE, 0).catch(() => ({ bytesRead: 0 }));
    const h = bytesRead === FILE_HEADER_SIZE ? parseFileHeader(head) : null;
    if (!h) {
      await fh.close();
      return null;
    }
    // The active file may have grown since; only what the store reported written holds whole entries.
    const size = f.active ? f.size : (await fh.stat()).size;
    return new OpenFile(fh, h.bootId, size);
  }

  /** The same file, read only up to `end`. */
  upTo(end: number): OpenFile {
    return new OpenFile(this.fh, this.bootId, end);
  }

  async read(pos: number, len: number): Promise<Buffer> {
    const b = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(b, got, len - got, pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return b.subarray(0, got);
  }

  close(): Promise<void> {
    return this.fh.close().catch(() => undefined);
  }
}

/** Oldest to newest, every matching entry of one file; `visit` returning false stops. */
async function forwardFile(
  of: OpenFile,
  filter: JournalFilter,
  visit: (e: JournalEntry) => boolean | Promise<boolean>,
): Promise<boolean> {
  let pos = FILE_HEADER_SIZE;
  while (pos < of.size) {
    const buf = await of.read(pos, Math.min(CHUNK * 4, of.size - pos));
    if (buf.length === 0) break;
    const found: JournalEntry[] = [];
    let end = scanFrames(buf, 0, buf.length, (p, len) => {
      if (rawMayMatch(filter, buf, p)) {
        const e = decodePayload(buf, p, len, of.bootId);
        if (entryMatches(filter, e)) found.push(e);
      }
    });
    if (end === 0) {
      // No whole frame in this chunk: one frame bigger than the chunk, or damage.
      const len = buf.length >= 8 && buf.readUInt32LE(0) === FRAME_MAGIC ? buf.readUInt32LE(4) : -1;
      if (len >= 0 && len <= MAX_PAYLOAD && pos + len + FRAME_OVERHEAD <= of.size) {
        const whole = await of.read(pos, len + FRAME_OVERHEAD);
        if (frameAt(whole, 0, whole.length) !== null) {
          const e = decodePayload(whole, 12, len, of.bootId);
          if (entryMatches(filter, e)) found.push(e);
          end = whole.length;
        }
      }
      if (end === 0) {
        // Damage (a torn write): go on from the next place a frame may start.
        const next = buf.indexOf(MAGIC_BYTES, 1);
        if (next > 0) end = next;
        else if (pos + buf.length >= of.size) break;
        else end = Math.max(1, buf.length - 3);
      }
    }
    for (const e of found) if (!(await visit(e))) return false;
    pos += end;
  }
  return true;
}

/**
 * Newest to oldest through one file by the trailing lengths. A frame that does not check out (a torn
 * tail, damage) makes this file be read forwards once instead, which skips the damage.
 */
async function backwardFile(
  of: OpenFile,
  filter: JournalFilter,
  visit: (e: JournalEntry) => boolean,
): Promise<boolean> {
  let pos = of.size;
  while (pos > FILE_HEADER_SIZE) {
    const start = Math.max(FILE_HEADER_SIZE, pos - CHUNK);
    let buf = await of.read(start, pos - start);
    let base = start;
    let at = buf.length;
    let progressed = false;
    while (at > 0) {
      // Fewer bytes than a frame: damage (a cut) that only a forward scan can sort out.
      if (at < FRAME_OVERHEAD) {
        if (progressed) break;
        return backwardByScan(of, filter, visit, base + at);
      }
      const len = buf.readUInt32LE(at - 4);
      let fs = at - FRAME_OVERHEAD - len;
      if (base + fs < FILE_HEADER_SIZE) return backwardByScan(of, filter, visit, base + at);
      if (fs < 0) {
        if (progressed) break;
        // One frame larger than the chunk.
        buf = await of.read(base + fs, at - fs);
        base = base + fs;
        at = buf.length;
        fs = 0;
      }
      const ok = frameAt(buf, fs, at);
      if (ok === null) return backwardByScan(of, filter, visit, base + at);
      if (rawMayMatch(filter, buf, fs + 12)) {
        const e = decodePayload(buf, fs + 12, len, of.bootId);
        if (entryMatches(filter, e) && !visit(e)) return false;
      }
      // Entries are in time order within a file; past `since` nothing older can match.
      if (filter.since !== undefined && peekRealtime(buf, fs + 12) < filter.since) return false;
      at = fs;
      progressed = true;
    }
    pos = base + at;
  }
  return true;
}

async function backwardByScan(
  of: OpenFile,
  filter: JournalFilter,
  visit: (e: JournalEntry) => boolean,
  end: number,
): Promise<boolean> {
  const all: JournalEntry[] = [];
  await forwardFile(of.upTo(end), filter, (e) => {
    all.push(e);
    return true;
  });
  for (let i = all.length - 1; i >= 0; i--) if (!visit(all[i]!)) return false;
  return true;
}

export interface ReadOptions {
  /** Only the last N matching entries (still delivered oldest first unless `reverse`). */
  readonly lines?: number;
  readonly reverse?: boolean;
}

/**
 * Delivers matching entries from `files` (oldest first, as JournalStore.files() lists them) to `emit`,
 * which may wait (a slow client) before the next.
 */
export async function readJournal(
  files: readonly JournalFile[],
  filter: JournalFilter,
  opts: ReadOptions,
  emit: (e: JournalEntry) => void | Promise<void>,
): Promise<number> {
  const list = files.map((f, i) => ({
    f,
    next: i + 1 < files.length ? createdOf(files[i + 1]!) : null,
  }));
  let count = 0;
  if (opts.lines !== undefined || opts.reverse) {
    const limit = opts.lines ?? Infinity;
    const got: JournalEntry[] = [];
    for (let i = list.length - 1; i >= 0 && got.length < limit; i--) {
      const { f, next } = list[i]!;
      if (!(await fileMayMatch(filter, f, next))) continue;
      const of = await OpenFile.open(f);
      if (!of) continue;
      try {
        const more = await backwardFile(of, filter, (e) => {
          got.push(e);
          return got.length < limit;
        });
        if (!more) break;
      } finally {
        await of.close();
      }
    }
    if (!opts.reverse) got.reverse();
    for (const e of got) {
      await emit(e);
      count++;
    }
    return count;
  }
  for (const { f, next } of list) {
    if (!(await fileMayMatch(filter, f, next))) continue;
    const of = await OpenFile.open(f);
    if (!of) continue;
    try {
      await forwardFile(of, filter, async (e) => {
        await emit(e);
        count++;
        return true;
      });
    } finally {
      await of.close();
    }
  }
  return count;
}
