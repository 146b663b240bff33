/**
 * The kernel's log (/dev/kmsg) into the journal, as journald reads it when it runs on a machine (not in a
 * container): one record per read, "PRI,SEQ,USEC,FLAGS;MESSAGE" then continuation lines with device
 * fields. The whole ring buffer is read at start (rsd as PID 1 starts once per boot), then records as the
 * kernel writes them. The fd is non-blocking and read only when libuv says it is readable.
 */
import { close, O_CLOEXEC, O_NONBLOCK, O_RDONLY, open, read } from '../native/libc';
import type { EntryMeta } from './entry';
import type { Journal } from './journal';
import { FdWatcher } from '../native/uv-poll';
import { detectVirtualization } from '../conditions/virtualization';

const EPIPE = 32;
const EAGAIN = 11;
const RECORD_MAX = 8192;

/** The message of a record: the kernel escapes unprintable bytes as \xNN. */
function unescape(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x' && /^[0-9a-f]{2}$/i.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(out);
}

export interface KmsgRecord {
  readonly priority: number;
  readonly facility: number;
  readonly message: Buffer;
}

export function parseKmsg(record: string): KmsgRecord | null {
  const semi = record.indexOf(';');
  if (semi < 0) return null;
  const [pri] = record.slice(0, semi).split(',');
  const p = Number(pri);
  if (!Number.isInteger(p) || p < 0) return null;
  const nl = record.indexOf('\n', semi);
  const text = record.slice(semi + 1, nl < 0 ? record.length : nl);
  return { priority: p & 7, facility: p >> 3, message: unescape(text) };
}

export class KmsgReader {
  private readonly buf = Buffer.alloc(RECORD_MAX);
  private readonly watcher: FdWatcher;
  private readonly metas = new Map<string, EntryMeta>();

  private constructor(
    private readonly fd: number,
    private readonly journal: Journal,
  ) {
    this.watcher = new FdWatcher(fd, () => this.drain());
  }

  static open(journal: Journal, path = '/dev/kmsg'): KmsgReader | string {
    const fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (!fd.ok) return `open ${path}: errno ${fd.errno}`;
    return new KmsgReader(fd.value, journal);
  }

  private meta(priority: number, facility: number): EntryMeta {
    const key = `${priority},${facility}`;
    let m = this.metas.get(key);
    if (!m) {
      m = {
        unit: '',
        identifier: 'kernel',
        pid: 0,
        uid: 0,
        priority,
        facility,
        transport: 'kernel',
        fields: [],
      };
      this.metas.set(key, m);
    }
    return m;
  }

  private drain(): void {
    for (let i = 0; i < 256; i++) {
      if (!this.journal.store.accepting) {
        this.watcher.stop();
        this.journal.store.onDrain(() => this.watcher.start());
        return;
      }
      const r = read(this.fd, this.buf);
      if (!r.ok) {
        // EPIPE: records were overwritten before we read them; reading goes on with the next.
        if (r.errno === EPIPE) continue;
        if (r.errno === EAGAIN) return;
        return;
      }
      if (r.value <= 0) return;
      const rec = parseKmsg(this.buf.toString('utf8', 0, r.value));
      if (rec) this.journal.write(this.meta(rec.priority, rec.facility), rec.message);
    }
  }

  close(): void {
    this.watcher.close();
    close(this.fd);
  }
}

/**
 * ReadKMsg=: yes, no, or (the default) when rsd is PID 1 outside a container, as journald reads the kernel
 * log only where it owns the machine.
 */
export async function startKmsg(journal: Journal, report: (m: string) => void): Promise<KmsgReader | null> {
  const setting = journal.config.readKMsg;
  let on = setting === true;
  if (setting === 'pid1' && process.pid === 1) {
    on = !(await detectVirtualization()).container;
  }
  if (!on) return null;
  const r = KmsgReader.open(journal);
  if (typeof r === 'string') {
    report(`Cannot read the kernel log: ${r}`);
    return null;
  }
  return r;
}
