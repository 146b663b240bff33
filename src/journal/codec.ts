/**
 * The on-disk format of a journal file: a 32-byte header (magic, boot id, creation time), then entries,
 * each framed as
 *
 *   u32 FRAME_MAGIC | u32 length | u32 crc32(payload) | payload (length bytes) | u32 length
 *
 * The magic and checksum let a reader tell a whole entry from a torn one (a crash mid-write) and skip it;
 * the trailing length lets a reader walk a file from its end backwards (the newest entries first), so a
 * query for the last lines never reads the whole journal.
 *
 * Payload: f64 realtime µs, f64 monotonic µs, f64 seqnum, i32 pid, i32 uid, u8 priority, u8 facility,
 * u8 transport, u8 field count, u16 unit length, u16 identifier length, then the unit, the identifier,
 * the fields (u16 name length, u32 value length, name, value), and the message, which runs to the end.
 * All little-endian.
 */
import { crc32 } from 'node:zlib';
import { TRANSPORTS, type EntryMeta, type JournalEntry, type Transport } from './entry';

export const FILE_MAGIC = Buffer.from('RSDJRNL\x01', 'latin1');
export const FILE_HEADER_SIZE = 32;
export const FRAME_MAGIC = 0xe47a1c5d;
/** Bytes a frame adds around its payload. */
export const FRAME_OVERHEAD = 16;
const FIXED = 40;
/** Larger frames are certainly garbage (a LineMax= line is far smaller; native entries are capped). */
export const MAX_PAYLOAD = 64 * 1024 * 1024;

const TRANSPORT_CODE = new Map<Transport, number>(TRANSPORTS.map((t, i) => [t, i]));

export function fileHeader(bootId: Buffer, createdUs: number): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  FILE_MAGIC.copy(b, 0);
  bootId.copy(b, 8, 0, 16);
  b.writeDoubleLE(createdUs, 24);
  return b;
}

/** The boot id (hex) of a file, or null when the header is not ours. */
export function parseFileHeader(b: Buffer): { bootId: string; created: number } | null {
  if (b.length < FILE_HEADER_SIZE || !b.subarray(0, 8).equals(FILE_MAGIC)) return null;
  return { bootId: b.toString('hex', 8, 24), created: b.readDoubleLE(24) };
}

/** The parts of an entry that are the same for every line of one stream, encoded once. */
export function encodeStatic(meta: EntryMeta): Buffer {
  const unit = Buffer.from(meta.unit, 'utf8').subarray(0, 0xffff);
  const ident = Buffer.from(meta.identifier, 'utf8').subarray(0, 0xffff);
  const parts: Buffer[] = [unit, ident];
  for (const [name, value] of meta.fields.slice(0, 255)) {
    const n = Buffer.from(name, 'utf8').subarray(0, 0xffff);
    const h = Buffer.alloc(6);
    h.writeUInt16LE(n.length, 0);
    h.writeUInt32LE(value.length, 2);
    parts.push(h, n, value);
  }
  const head = Buffer.alloc(FIXED);
  head.writeInt32LE(meta.pid | 0, 24);
  head.writeInt32LE(meta.uid | 0, 28);
  head[32] = meta.priority & 7;
  head[33] = meta.facility & 0xff;
  head[34] = TRANSPORT_CODE.get(meta.transport) ?? 0;
  head[35] = Math.min(meta.fields.length, 255);
  head.writeUInt16LE(unit.length, 36);
  head.writeUInt16LE(ident.length, 38);
  return Buffer.concat([head, ...parts]);
}

/**
 * Appends frames to one growing buffer, so a batch of entries is one write. `encode` copies the message
 * bytes; nothing per line is allocated but the checksum's view.
 */
export class FrameBuffer {
  buf: Buffer;
  length = 0;

  constructor(initial = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.length);
    this.buf = b;
  }

  /**
   * One entry: `stat` from encodeStatic (its priority byte is replaced by `priority`), the message
   * `msg[start, end)`.
   */
  encode(
    stat: Buffer,
    priority: number,
    msg: Buffer,
    start: number,
    end: number,
    realtime: number,
    monotonic: number,
    seqnum: number,
  ): number {
    const payload = stat.length + (end - start);
    this.reserve(payload + FRAME_OVERHEAD);
    const b = this.buf;
    const at = this.length;
    const p = at + 12;
    stat.copy(b, p);
    msg.copy(b, p + stat.length, start, end);
    b.writeDoubleLE(realtime, p);
    b.writeDoubleLE(monotonic, p + 8);
    b.writeDoubleLE(seqnum, p + 16);
    b[p + 32] = priority & 7;
    b.writeUInt32LE(FRAME_MAGIC, at);
    b.writeUInt32LE(payload, at + 4);
    b.writeUInt32LE(crc32(b.subarray(p, p + payload)), at + 8);
    b.writeUInt32LE(payload, p + payload);
    this.length = p + payload + 4;
    return this.length - at;
  }

  private spare: Buffer | null = null;

  /** Hands the bytes out and starts over (in the buffer given back by `recycle`, if any). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = this.spare ?? Buffer.allocUnsafe(Math.max(1 << 20, Math.min(this.buf.length, 8 << 20)));
    this.spare = null;
    this.length = 0;
    return out;
  }

  /** A buffer from `take` that is no longer needed: reused, so a steady flood allocates nothing. */
  recycle(b: Buffer): void {
    const whole = Buffer.from(b.buffer, b.byteOffset, b.buffer.byteLength - b.byteOffset);
    if (b.byteOffset === 0 && whole.length <= 8 << 20) this.spare = whole;
  }
}

/** Whether a whole, intact frame starts at `at` (and ends before `end`); its payload length if so. */
export function frameAt(b: Buffer, at: number, end: number): number | null {
  if (at + FRAME_OVERHEAD > end) return null;
  if (b.readUInt32LE(at) !== FRAME_MAGIC) return null;
  const len = b.readUInt32LE(at + 4);
  if (len < FIXED || len > MAX_PAYLOAD || at + FRAME_OVERHEAD + len > end) return null;
  if (b.readUInt32LE(at + 12 + len) !== len) return null;
  if (crc32(b.subarray(at + 12, at + 12 + len)) !== b.readUInt32LE(at + 8)) return null;
  return len;
}

export function decodePayload(b: Buffer, p: number, len: number, bootId: string): JournalEntry {
  const end = p + len;
  const unitLen = b.readUInt16LE(p + 36);
  const identLen = b.readUInt16LE(p + 38);
  let q = p + FIXED;
  const unit = b.toString('utf8', q, q + unitLen);
  q += unitLen;
  const identifier = b.toString('utf8', q, q + identLen);
  q += identLen;
  const fields: Array<[string, Buffer]> = [];
  const n = b[p + 35]!;
  for (let i = 0; i < n && q + 6 <= end; i++) {
    const nl = b.readUInt16LE(q);
    const vl = b.readUInt32LE(q + 2);
    q += 6;
    fields.push([b.toString('utf8', q, q + nl), Buffer.from(b.subarray(q + nl, q + nl + vl))]);
    q += nl + vl;
  }
  return {
    realtime: b.readDoubleLE(p),
    monotonic: b.readDoubleLE(p + 8),
    seqnum: b.readDoubleLE(p + 16),
    pid: b.readInt32LE(p + 24),
    uid: b.readInt32LE(p + 28),
    priority: b[p + 32]!,
    facility: b[p + 33]!,
    transport: TRANSPORTS[b[p + 34]!] ?? 'stdout',
    unit,
    identifier,
    fields,
    bootId,
    message: Buffer.from(b.subarray(Math.min(q, end), end)),
  };
}

/** Cheap look at an entry without decoding it: its realtime and unit (for filters). */
export function peekRealtime(b: Buffer, p: number): number {
  return b.readDoubleLE(p);
}

export function peekUnit(b: Buffer, p: number): string {
  return b.toString('utf8', p + FIXED, p + FIXED + b.readUInt16LE(p + 36));
}

/**
 * Every intact frame in `b[from, end)`, in order: `visit(payloadStart, payloadLength)`. A damaged region
 * (a torn write, garbage) is skipped up to the next intact frame. Returns the end of the last intact frame.
 */
export function scanFrames(
  b: Buffer,
  from: number,
  end: number,
  visit: (payload: number, len: number) => void,
): number {
  let at = from;
  let lastEnd = from;
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(FRAME_MAGIC, 0);
  while (at < end) {
    const len = frameAt(b, at, end);
    if (len !== null) {
      visit(at + 12, len);
      at += FRAME_OVERHEAD + len;
      lastEnd = at;
      continue;
    }
    const next = b.indexOf(magic, at + 1);
    if (next < 0 || next >= end) break;
    at = next;
  }
  return lastEnd;
}
