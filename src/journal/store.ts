/**
 * The journal's writing side: entries are encoded into one buffer and written to the active file in one
 * write per batch (everything that arrived while the previous write ran), never synchronously. Files
 * rotate by size and the oldest are deleted to keep the directory under its cap.
 *
 * Back-pressure: `append` returns false once more than `highWater` bytes wait to be written; a source
 * then stops reading (a service's pipe fills and the service waits, as with journald) and resumes on
 * `onDrain`. Nothing is dropped for being slow; entries are lost only when a write fails (a full disk),
 * and then counted and reported once the journal can write again.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { now, type Stamp } from './clock';
import { decodePayload, encodeStatic, FILE_HEADER_SIZE, fileHeader, FrameBuffer, scanFrames } from './codec';
import type { EntryMeta, JournalEntry } from './entry';
import { fileName, listFiles, removeFile, writeUnitIndex, type JournalFile } from './files';

export interface StoreOptions {
  readonly dir: string;
  /** Total bytes the directory may hold (SystemMaxUse= / RuntimeMaxUse=). */
  readonly maxUse: number;
  /** A file is archived and a new one begun past this size (SystemMaxFileSize=). */
  readonly maxFileSize: number;
  /** Files the directory may hold, the active one counted (SystemMaxFiles=); only archived ones go. */
  readonly maxFiles: number;
  /** 16 bytes: /proc/sys/kernel/random/boot_id. */
  readonly bootId: Buffer;
  /** Where the store reports its own trouble (a failed write); not into itself. */
  readonly onError: (message: string) => void;
}

/**
 * An entry waits up to this long to be written with those that follow it: a boot logs an entry or two per
 * unit, nearly each in a loop turn of its own, and a write each was a thread pool round trip each (987
 * writes of ~90 bytes in a 1000-service boot). A reader never misses one: queries wait for the writes
 * (Journal.query), and the timer is only set while something waits.
 */
const WRITE_DELAY_MS = 10;
/** Written at once past this much, whatever the delay. */
const WRITE_NOW_BYTES = 64 * 1024;

/** Encoded once per distinct meta (one per stream), reused for every line; `batch` for the unit index. */
const staticCache = new WeakMap<EntryMeta, { stat: Buffer; batch: number }>();

export class JournalStore {
  readonly bootIdHex: string;
  private readonly archived: JournalFile[];
  private active!: JournalFile;
  private fh!: FileHandle;
  private pending = new FrameBuffer();
  private pendingEntries = 0;
  /** Numbers batches, so each stream's unit is added to the index of the file its batch lands in. */
  private batch = 0;
  private batchUnits = new Set<string>();
  private inflight = 0;
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private seqnum: number;
  /** The seqnum of the last entry on disk (or given up on): queries see everything up to it. */
  writtenSeqnum = 0;
  private lost = 0;
  /** The count told by a report entry that waits in a batch not yet written (given back if it fails). */
  private reporting: { batch: number; count: number } | null = null;
  private lastError = '';
  private closed = false;
  private readonly highWater: number;
  private readonly drainWaiters: Array<() => void> = [];
  private readonly followers = new Set<(e: JournalEntry) => void>();

  private constructor(
    private readonly opts: StoreOptions,
    archived: JournalFile[],
    seqnum: number,
  ) {
    this.bootIdHex = opts.bootId.toString('hex');
    this.archived = archived;
    this.seqnum = seqnum;
    this.writtenSeqnum = seqnum - 1;
    this.highWater = Math.max(256 * 1024, Math.min(4 * 1024 * 1024, Math.floor(opts.maxFileSize / 4)));
  }

  static async open(opts: StoreOptions): Promise<JournalStore> {
    await mkdir(opts.dir, { recursive: true, mode: 0o755 });
    const archived = await listFiles(opts.dir);
    const store = new JournalStore(opts, archived, Date.now() * 1000);
    // As journald: the caps hold from the start, not only from the first rotation (each start begins a
    // file, so a manager started often would otherwise pile them up, and list them all at every start).
    await store.vacuum();
    await store.startFile();
    return store;
  }

  get directory(): string {
    return this.opts.dir;
  }

  /** Oldest first; the last is the active one, its size what has been written. */
  files(): readonly JournalFile[] {
    // Copies: a query reads what was written when it began, however the files change meanwhile.
    return [...this.archived, this.active].map((f) => ({ ...f }));
  }

  /** Whether sources may keep sending (false: pause until onDrain). */
  get accepting(): boolean {
    return this.pending.length + this.inflight < this.highWater;
  }

  onDrain(cb: () => void): void {
    if (this.accepting) cb();
    else this.drainWaiters.push(cb);
  }

  /** Called with every entry once it is written (for `-f` and forwarding). */
  follow(listener: (e: JournalEntry) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  /** Appends one entry whose message is `msg[start, end)`; returns `accepting`. */
  append(meta: EntryMeta, priority: number, msg: Buffer, start: number, end: number, stamp: Stamp): boolean {
    let cached = staticCache.get(meta);
    if (cached === undefined) {
      cached = { stat: encodeStatic(meta), batch: -1 };
      staticCache.set(meta, cached);
    }
    if (cached.batch !== this.batch) {
      cached.batch = this.batch;
      this.batchUnits.add(meta.unit);
    }
    this.pending.encode(
      cached.stat,
      priority,
      msg,
      start,
      end,
      stamp.realtime,
      stamp.monotonic,
      this.seqnum++,
    );
    this.pendingEntries++;
    this.schedule();
    return this.pending.length + this.inflight < this.highWater;
  }

  /**
   * Makes sure what is pending gets written: a write under way takes it when it is done (the write loop
   * runs while anything is pending); otherwise a write now, past WRITE_NOW_BYTES, or after WRITE_DELAY_MS.
   * Called per entry: under a flood it must cost nothing, so it touches no timer while one is set or a
   * write is under way.
   */
  private schedule(): void {
    if (this.closed || this.writing !== null) return;
    if (this.pending.length >= WRITE_NOW_BYTES) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      this.flushTimer = setTimeout(() => void this.flush(), WRITE_DELAY_MS);
    }
  }

  /** One whole entry (rsd's own messages, datagrams). */
  write(meta: EntryMeta, message: Buffer | string, stamp: Stamp = now()): boolean {
    const m = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    return this.append(meta, meta.priority, m, 0, m.length, stamp);
  }

  /** Resolves once everything appended so far is on disk (or failed). */
  async flushed(): Promise<void> {
    while (this.writing || this.pending.length > 0) {
      if (this.writing) await this.writing;
      else await this.flush();
    }
  }

  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    await writeUnitIndex(this.active).catch(() => undefined);
  }

  private flush(): Promise<void> {
    this.scheduled = false;
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.writing) return this.writing;
    this.writing = this.writeLoop().finally(() => {
      this.writing = null;
      // Entries appended after the loop's last look (schedule() left them to it).
      if (this.pending.length > 0) this.schedule();
    });
    return this.writing;
  }

  private async writeLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const count = this.pendingEntries;
      const buf = this.pending.take();
      const lastSeq = this.seqnum - 1;
      const units = this.batchUnits;
      const number = this.batch;
      this.batchUnits = new Set();
      this.batch++;
      this.pendingEntries = 0;
      this.inflight = buf.length;
      await this.writeBatch(buf, count, units, number);
      this.inflight = 0;
      this.writtenSeqnum = lastSeq;
      if (this.followers.size > 0) this.emit(buf);
      this.pending.recycle(buf);
      if (this.accepting) {
        const waiters = this.drainWaiters.splice(0);
        for (const w of waiters) w();
      }
    }
  }

  private emit(buf: Buffer): void {
    scanFrames(buf, 0, buf.length, (p, len) => {
      const e = decodePayload(buf, p, len, this.bootIdHex);
      for (const f of this.followers) f(e);
    });
  }

  private async writeBatch(buf: Buffer, count: number, units: Set<string>, number: number): Promise<void> {
    if (this.active.size > FILE_HEADER_SIZE && this.active.size + buf.length > this.opts.maxFileSize) {
      await this.rotate().catch((e: Error) => this.opts.onError(`Journal rotation failed: ${e.message}`));
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const { bytesWritten } = await this.fh.write(buf, 0, buf.length, this.active.size);
        if (bytesWritten !== buf.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
        this.active.size += buf.length;
        for (const u of units) this.active.units?.add(u);
        if (this.reporting?.batch === number) this.reporting = null;
        if (this.lost > 0 && this.reporting === null) this.reportLost();
        return;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A full disk: give the space of our oldest file back and try again, then give up on this batch.
        if (attempt < 2 && err.code === 'ENOSPC' && this.archived.length > 0) {
          await removeFile(this.archived.shift()!);
          continue;
        }
        this.lost += count;
        // The report in this batch did not make it: its count is still to be told.
        if (this.reporting?.batch === number) {
          this.lost += this.reporting.count;
          this.reporting = null;
        }
        const why = err.code ?? err.message;
        if (why !== this.lastError) {
          this.lastError = why;
          this.opts.onError(`Journal write to ${this.active.path} failed (${why}); entries are being lost.`);
        }
        return;
      }
    }
  }

  private reportLost(): void {
    const n = this.lost;
    this.lost = 0;
    this.reporting = { batch: this.batch, count: n };
    this.lastError = '';
    this.opts.onError(`Journal writable again; ${n} entries were lost.`);
    this.write(
      {
        unit: '',
        identifier: 'rsd-journal',
        pid: process.pid,
        uid: 0,
        priority: 4,
        facility: 3,
        transport: 'driver',
        fields: [],
      },
      `Journal write failed: ${n} entries were lost.`,
    );
  }

  private async startFile(): Promise<void> {
    let created = now().realtime;
    const last = this.archived[this.archived.length - 1];
    // Names must sort after every existing file even if the clock went back.
    const lastCreated = last ? parseInt(basename(last.path).split('-')[0]!, 16) : 0;
    if (created <= lastCreated) created = lastCreated + 1;
    const name = fileName(created, this.bootIdHex);
    const path = join(this.opts.dir, name);
    this.fh = await open(path, 'w', 0o640);
    const header = fileHeader(this.opts.bootId, created);
    await this.fh.write(header, 0, header.length, 0);
    this.active = { path, size: FILE_HEADER_SIZE, units: new Set(), active: true };
  }

  private async rotate(): Promise<void> {
    const old = this.active;
    const oldFh = this.fh;
    await this.startFile();
    this.archived.push({ ...old, units: null, active: false });
    await oldFh.close().catch(() => undefined);
    await writeUnitIndex(old).catch(() => undefined);
    await this.vacuum();
  }

  /**
   * Deletes the oldest archived files until the archive and a full active file (plus one batch) fit the
   * size cap, and they with the active file fit the file count.
   */
  private async vacuum(): Promise<void> {
    let total = this.archived.reduce((s, f) => s + f.size, 0);
    const room = this.opts.maxFileSize + this.highWater * 2;
    while (
      this.archived.length > 0 &&
      (total + room > this.opts.maxUse || this.archived.length + 1 > this.opts.maxFiles)
    ) {
      const f = this.archived.shift()!;
      total -= f.size;
      await removeFile(f);
    }
  }
}
