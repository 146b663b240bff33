/**
 * The journal as the rest of rsd sees it: captures services' output streams, takes rsd's own messages,
 * stores them (store.ts), answers queries (reader.ts), forwards entries to rsd's stdout, and owns the
 * sockets other programs log through (sockets.ts).
 */
import { SyslogForwarder } from './syslog-forward';
import { consoleQueue } from '../console-output';
import { mkdir, open, readFile, stat, statfs, type FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { basename } from 'node:path';
import { hostname } from 'node:os';
import { StreamCapture, type EntrySink } from './capture';
import { now } from './clock';
import { PERSISTENT_DIR, VOLATILE_DIR, type JournalConfig } from './config';
import type { EntryMeta, JournalEntry } from './entry';
import { fieldValue, type JournalRecord } from './fields';
import { formatRecord } from './format';
import { RateLimiter } from './rate-limit';
import { entryMatches, readJournal, type JournalFilter, type ReadOptions } from './reader';
import { JournalStore } from './store';
import { unitLogging, type LoggingDirectives } from './stream-settings';

export interface JournalOptions {
  readonly config: JournalConfig;
  /** The directory when rsd.conf names none (from where the control socket is, see journalDirectory). */
  readonly defaultDirectory?: string | null;
  /** rsd's stdout, for ForwardToStdout= and +console. */
  readonly stdout?: NodeJS.WritableStream;
  /** Where the journal reports its own trouble (not into itself). */
  readonly onError?: (message: string) => void;
}

/** The StandardOutput=/StandardError= kind a stream was set up for. */
export type OutputKind = string;

export interface StreamSource {
  readonly unit: string;
  /** The executable's path: its basename is the identifier unless SyslogIdentifier= says otherwise. */
  readonly path: string;
  readonly pid: () => number;
  readonly uid: number;
  readonly logging: LoggingDirectives;
}

const HOSTNAME = hostname();
const LEVEL_PRIORITY = { error: 3, warn: 4, info: 6, debug: 7 } as const;
/** Cached metas of rsd's own messages: four levels for every unit of a large system, and then some. */
const RSD_METAS_MAX = 16384;

async function bootId(): Promise<Buffer> {
  const text = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '');
  const hex = text.trim().replace(/-/g, '');
  return /^[0-9a-f]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(16);
}

/** journald's defaults: 10% of the file system, at most 4 GiB; files an eighth of that, at most 128 MiB. */
async function caps(dir: string, maxUse: number | null, maxFile: number | null): Promise<[number, number]> {
  let use = maxUse;
  if (use === null) {
    const st = await statfs(dir).catch(() => null);
    const size = st ? st.blocks * st.bsize : 1024 ** 3;
    use = Math.min(4 * 1024 ** 3, Math.max(16 * 1024 ** 2, Math.floor(size / 10)));
  }
  const file = maxFile ?? Math.min(128 * 1024 ** 2, Math.max(1024 ** 2, Math.floor(use / 8)));
  return [use, Math.min(file, use)];
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export class Journal {
  private readonly limiter: RateLimiter;
  private kmsg: Promise<FileHandle | null> | null = null;
  private readonly stdout: NodeJS.WritableStream;
  /** Where entries go: the store, through the stdout forwarding when ForwardToStdout= is on. */
  readonly sink: EntrySink;
  private readonly syslog: SyslogForwarder | null;
  private readonly rsdMetas = new Map<string, EntryMeta>();

  private constructor(
    readonly store: JournalStore,
    readonly config: JournalConfig,
    opts: JournalOptions,
  ) {
    this.stdout = opts.stdout ?? process.stdout;
    this.limiter = new RateLimiter(config.rateLimitInterval, config.rateLimitBurst, (unit, n) =>
      this.rsdMessage('warn', `Suppressed ${n} messages from ${unit}`, unit),
    );
    const syslog = config.forwardToSyslog ? new SyslogForwarder(config.forwardToSyslogSocket) : null;
    this.syslog = syslog;
    const stdout = config.forwardToStdout;
    this.sink =
      stdout || syslog
        ? {
            append: (meta, priority, msg, st, en, stamp) => {
              if (stdout) this.forward(meta, msg.subarray(st, en), stamp.realtime);
              syslog?.forward(meta, priority, msg.subarray(st, en), stamp.realtime);
              return store.append(meta, priority, msg, st, en, stamp);
            },
            onDrain: (cb) => store.onDrain(cb),
          }
        : store;
  }

  static async open(opts: JournalOptions): Promise<Journal> {
    const c = opts.config;
    const persistent =
      c.storage === 'persistent' || (c.storage === 'auto' && (await isDirectory(PERSISTENT_DIR)));
    const dir = c.directory ?? opts.defaultDirectory ?? (persistent ? PERSISTENT_DIR : VOLATILE_DIR);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const [maxUse, maxFileSize] = persistent
      ? await caps(dir, c.systemMaxUse, c.systemMaxFileSize)
      : await caps(dir, c.runtimeMaxUse, c.runtimeMaxFileSize);
    const onError = opts.onError ?? ((m: string) => process.stderr.write(`rsd: ${m}\n`));
    const maxFiles = persistent ? c.systemMaxFiles : c.runtimeMaxFiles;
    const store = await JournalStore.open({
      dir,
      maxUse,
      maxFileSize,
      maxFiles,
      bootId: await bootId(),
      onError,
    });
    return new Journal(store, c, opts);
  }

  /** Reads one output stream of a service's process (StandardOutput=journal and its variants). */
  captureStream(pipe: Socket, kind: OutputKind, src: StreamSource): void {
    const l = unitLogging(src.logging);
    const identifier = l.identifier ?? basename(src.path);
    const console = kind.endsWith('+console') && !this.config.forwardToStdout;
    const kmsg = kind.startsWith('kmsg');
    const capture = new StreamCapture(this.sink, {
      meta: () => ({
        unit: src.unit,
        identifier,
        pid: src.pid(),
        uid: src.uid,
        priority: l.priority,
        facility: l.facility,
        transport: 'stdout',
        fields: l.fields,
      }),
      levelPrefix: l.levelPrefix,
      maxLevel: l.maxLevel,
      lineMax: this.config.lineMax,
      ...(console || kmsg
        ? {
            tee: (meta: EntryMeta, priority: number, line: Buffer) => {
              if (console)
                consoleQueue(this.stdout).write(
                  `${meta.identifier}[${meta.pid}]: ${line.toString('utf8')}\n`,
                );
              if (kmsg) this.toKmsg(meta, priority, line);
            },
          }
        : {}),
      ...(this.limiter.enabled ? { admit: (meta: EntryMeta) => this.admit(meta) } : {}),
    });
    capture.attach(pipe);
  }

  /** Rate limiting of one more entry from a unit's processes (entries with no unit are not limited). */
  admit(meta: EntryMeta): boolean {
    if (!this.limiter.enabled || meta.unit === '' || meta.transport === 'driver') return true;
    return this.limiter.admit(meta.unit, now().monotonic);
  }

  /** One entry from any source that delivers whole messages (sockets, kmsg). */
  write(meta: EntryMeta, message: Buffer): boolean {
    if (!this.admit(meta)) return this.store.accepting;
    const stamp = now();
    return this.sink.append(meta, meta.priority, message, 0, message.length, stamp);
  }

  /**
   * ForwardToStdout=: the entry in journalctl's short format on rsd's stdout, through the queue rsd's own
   * lines go through (src/console-output.ts), so it keeps its place among them.
   */
  private forward(meta: EntryMeta, message: Buffer, realtime: number): void {
    const record: JournalRecord = {
      __REALTIME_TIMESTAMP: String(realtime),
      _HOSTNAME: HOSTNAME,
      SYSLOG_IDENTIFIER: meta.identifier,
      MESSAGE: fieldValue(message),
    };
    if (meta.pid > 0) record._PID = String(meta.pid);
    consoleQueue(this.stdout).write(formatRecord(record, 'short') + '\n');
  }

  /** rsd's own message (the winston transport), about `unit` when given. */
  rsdMessage(level: keyof typeof LEVEL_PRIORITY, message: string, unit?: string): void {
    // One meta object per unit and level: the store encodes a meta's fixed fields once per object.
    const key = `${level}\0${unit ?? ''}`;
    let meta = this.rsdMetas.get(key);
    if (meta === undefined) {
      if (this.rsdMetas.size >= RSD_METAS_MAX) this.rsdMetas.clear();
      meta = {
        unit: unit ?? '',
        identifier: 'rsd',
        pid: process.pid,
        uid: process.getuid?.() ?? 0,
        priority: LEVEL_PRIORITY[level],
        facility: 3,
        transport: 'driver',
        fields: [],
      };
      this.rsdMetas.set(key, meta);
    }
    this.store.write(meta, message);
  }

  private toKmsg(meta: EntryMeta, priority: number, line: Buffer): void {
    this.kmsg ??= open('/dev/kmsg', 'a').catch(() => null);
    const text = Buffer.concat([
      Buffer.from(`<${meta.facility * 8 + priority}>${meta.identifier}[${meta.pid}]: `),
      line,
      Buffer.from('\n'),
    ]);
    void this.kmsg.then((fh) => fh?.write(text).catch(() => undefined));
  }

  /** Entries matching `filter`, every one appended before the call included (written first). */
  async query(
    filter: JournalFilter,
    opts: ReadOptions,
    emit: (e: JournalEntry) => void | Promise<void>,
  ): Promise<number> {
    await this.store.flushed();
    return readJournal(this.store.files(), filter, opts, emit);
  }

  /** New entries matching `filter` as they are written. */
  follow(filter: JournalFilter, listener: (e: JournalEntry) => void): () => void {
    return this.store.follow((e) => {
      if (entryMatches(filter, e)) listener(e);
    });
  }

  async close(): Promise<void> {
    this.syslog?.close();
    await this.store.close();
    const fh = await this.kmsg;
    await fh?.close().catch(() => undefined);
  }
}
