/**
 * A service's stdout or stderr, read from its pipe and cut into entries with journald's rules for stream
 * connections (journald-stream.c): a line ends at "\n"; a line longer than LineMax= is cut into LineMax=
 * pieces; a last line without "\n" is kept when the stream ends; with SyslogLevelPrefix=yes a leading
 * "<N>" sets the priority; entries above LogLevelMax= are dropped. Bytes are kept as written (invalid UTF-8,
 * NUL: rsd does not end lines at NUL as journald does, so nothing is cut that the service meant as one line).
 *
 * When the journal cannot keep up, the pipe is paused: the service blocks in write(), nothing is dropped.
 */
import type { Socket } from 'node:net';
import { now, type Stamp } from './clock';
import type { EntryMeta } from './entry';

/** Where captured lines go: the journal store, or anything that accepts entries the same way. */
export interface EntrySink {
  /** false: stop reading until onDrain. */
  append(meta: EntryMeta, priority: number, msg: Buffer, start: number, end: number, stamp: Stamp): boolean;
  onDrain(cb: () => void): void;
}

export interface StreamSettings {
  /** Built when the first bytes arrive (the pid is known by then). */
  readonly meta: () => EntryMeta;
  readonly levelPrefix: boolean;
  /** LogLevelMax= as a number: entries with a higher priority number are dropped. */
  readonly maxLevel: number;
  readonly lineMax: number;
  /** journal+console, kmsg: each entry's message also goes here. */
  readonly tee?: (meta: EntryMeta, priority: number, line: Buffer) => void;
  /** Whether an entry of this unit may be stored now (rate limiting); absent: always. */
  readonly admit?: (meta: EntryMeta, stamp: Stamp) => boolean;
}

/** `<N>` at `s`: the priority and where the text begins, or null. */
export function levelPrefix(b: Buffer, s: number, e: number): { priority: number; start: number } | null {
  if (s >= e || b[s] !== 0x3c) return null;
  let v = 0;
  let i = s + 1;
  for (; i < e && i <= s + 4; i++) {
    const c = b[i]!;
    if (c === 0x3e) break;
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
  }
  if (i === s + 1 || i >= e || b[i] !== 0x3e || v > 191) return null;
  return { priority: v & 7, start: i + 1 };
}

export class StreamCapture {
  private partial: Buffer | null = null;
  private meta: EntryMeta | null = null;
  private paused = false;

  constructor(
    private readonly sink: EntrySink,
    private readonly settings: StreamSettings,
  ) {}

  /** Reads `pipe` until it ends. */
  attach(pipe: Socket): void {
    pipe.on('data', (chunk: Buffer) => {
      if (!this.feed(chunk) && !this.paused) {
        this.paused = true;
        pipe.pause();
        this.sink.onDrain(() => {
          this.paused = false;
          pipe.resume();
        });
      }
    });
    pipe.on('end', () => this.end());
    pipe.on('error', () => pipe.destroy());
  }

  /** Returns false when the sink asks to stop reading. */
  feed(chunk: Buffer): boolean {
    const stamp = now();
    const max = this.settings.lineMax;
    let buf = chunk;
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    let ok = true;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      while (nl - start > max) {
        ok = this.emit(buf, start, start + max, stamp) && ok;
        start += max;
      }
      ok = this.emit(buf, start, nl, stamp) && ok;
      start = nl + 1;
    }
    while (buf.length - start >= max) {
      ok = this.emit(buf, start, start + max, stamp) && ok;
      start += max;
    }
    // A copy: the chunk's memory is Node's and may be reused.
    if (start < buf.length) this.partial = Buffer.from(buf.subarray(start));
    return ok;
  }

  end(): void {
    const p = this.partial;
    this.partial = null;
    if (p && p.length > 0) this.emit(p, 0, p.length, now());
  }

  private emit(b: Buffer, s: number, e: number, stamp: Stamp): boolean {
    const meta = (this.meta ??= this.settings.meta());
    let priority = meta.priority;
    if (this.settings.levelPrefix) {
      const p = levelPrefix(b, s, e);
      if (p) {
        priority = p.priority;
        s = p.start;
      }
    }
    if (priority > this.settings.maxLevel) return true;
    if (this.settings.admit && !this.settings.admit(meta, stamp)) return true;
    this.settings.tee?.(meta, priority, b.subarray(s, e));
    return this.sink.append(meta, priority, b, s, e, stamp);
  }
}

/** Without a journal: each line of `pipe` as text (rsd's own log takes them). */
export function captureLines(pipe: Socket, onLine: (line: string) => void): void {
  const sink: EntrySink = {
    append: (_meta, _priority, msg, start, end) => (onLine(msg.toString('utf8', start, end)), true),
    onDrain: (cb) => cb(),
  };
  const meta: EntryMeta = {
    unit: '',
    identifier: '',
    pid: 0,
    uid: -1,
    priority: 6,
    facility: 3,
    transport: 'stdout',
    fields: [],
  };
  new StreamCapture(sink, { meta: () => meta, levelPrefix: false, maxLevel: 7, lineMax: 48 * 1024 }).attach(
    pipe,
  );
}
