/**
 * The sockets other programs log through: the syslog socket (/dev/log), journald's native socket
 * (/run/systemd/journal/socket, sd_journal_send) and its stream socket (/run/systemd/journal/stdout,
 * sd_journal_stream_fd, systemd-cat). Entries belong to the unit of the sending process, found from the
 * kernel's credentials (SCM_CREDENTIALS, SO_PEERCRED), not from what the message claims.
 *
 * A datagram that does not parse is stored as it came (syslog) or dropped with a counted log line
 * (native); a datagram over the buffer size is cut there, as journald does. Reading stops while the
 * journal is behind (the datagrams wait in the socket's buffer; senders block or get EAGAIN).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import * as S from '../native/socket';
import { peerCredentials } from '../native/peercred';
import { FdWatcher } from '../native/uv-poll';
import { StreamCapture } from './capture';
import {
  DEFAULT_NATIVE_SOCKET,
  DEFAULT_STDOUT_SOCKET,
  DEFAULT_SYSLOG_SOCKET,
  type JournalConfig,
  type SocketSetting,
} from './config';
import type { EntryMeta } from './entry';
import type { Journal } from './journal';
import { parseNative } from './native-message';
import { PidUnits } from './pid-unit';
import { parseSyslog } from './syslog-message';
import { priorityNumber } from './stream-settings';

/** journald's DATA_SIZE_MAX-ish bound for one datagram we read (larger ones are cut). */
const DGRAM_MAX = 256 * 1024;
const RCVBUF = 8 * 1024 * 1024;
const MAX_PER_WAKEUP = 256;

type Report = (message: string) => void;

interface Datagram {
  readonly data: Buffer;
  readonly length: number;
  readonly pid: number;
  /** The sender's unit, looked up on arrival (see pid-unit.ts). */
  readonly unit: string;
  readonly uid: number;
  readonly fds: number[];
}

/** One bound AF_UNIX datagram socket with SO_PASSCRED, read when readable, in order. */
class DatagramSocket {
  private readonly bufs = new S.RecvBuffers(DGRAM_MAX, 8);
  private readonly watcher: FdWatcher;
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private paused = false;
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly path: string,
    private readonly handle: (d: Datagram) => Promise<void>,
    private readonly journal: Journal,
    private readonly units: PidUnits,
  ) {
    this.watcher = new FdWatcher(fd, () => this.drain());
  }

  static open(
    path: string,
    handle: (d: Datagram) => Promise<void>,
    journal: Journal,
    units: PidUnits,
  ): DatagramSocket | string {
    const sock = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK);
    if (!sock.ok) return `socket: errno ${sock.errno}`;
    const fd = sock.value;
    if (!S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_RCVBUFFORCE, RCVBUF).ok)
      S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_RCVBUF, RCVBUF);
    const parents: string[] = [];
    for (let d = dirname(path); d !== '/'; d = dirname(d)) parents.unshift(d);
    for (const d of parents) S.mkdir(d, 0o755);
    S.unlink(path);
    const steps: Array<[string, () => { ok: boolean; errno?: number }]> = [
      ['SO_PASSCRED', () => S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_PASSCRED, 1)],
      ['bind', () => S.bind(fd, { family: 'unix', path })],
      ['chmod', () => S.chmod(path, 0o666)],
    ];
    for (const [what, step] of steps) {
      const r = step();
      if (!r.ok) {
        S.close(fd);
        return `${what}(${path}): errno ${(r as { errno: number }).errno}`;
      }
    }
    return new DatagramSocket(fd, path, handle, journal, units);
  }

  private drain(): void {
    if (this.paused || this.closed) return;
    for (let i = 0; i < MAX_PER_WAKEUP; i++) {
      if (!this.journal.store.accepting || this.waiting > 1024) {
        // Behind: leave the rest in the socket buffer until the journal catches up.
        this.paused = true;
        this.watcher.stop();
        this.journal.store.onDrain(() => {
          this.paused = false;
          if (!this.closed) this.watcher.start();
        });
        return;
      }
      const r = S.recvmsg(this.fd, this.bufs, S.MSG_DONTWAIT | S.MSG_CMSG_CLOEXEC | S.MSG_TRUNC);
      if (!r.ok) return;
      const m = r.value;
      const d: Datagram = {
        data: m.data,
        length: m.length,
        pid: m.creds?.pid ?? 0,
        unit: this.units.unitOf(m.creds?.pid ?? 0),
        uid: m.creds?.uid ?? -1,
        fds: m.fds,
      };
      this.waiting++;
      // In order: a sender's messages keep their order even when a unit lookup waits for /proc.
      this.queue = this.queue
        .then(() => this.handle(d))
        .catch(() => undefined)
        .finally(() => this.waiting--);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    S.close(this.fd);
    S.unlink(this.path);
  }
}

export interface LogSocketPaths {
  readonly syslog: string | null;
  readonly native: string | null;
  readonly stdout: string | null;
}

export class LogSockets {
  private readonly closers: Array<() => void> = [];
  private readonly units = new PidUnits();
  private readonly rejected = new Map<string, number>();

  constructor(
    private readonly journal: Journal,
    private readonly report: Report,
  ) {}

  /** Opens each socket that has a path; a failure is reported and the others still open. */
  async open(paths: LogSocketPaths): Promise<void> {
    if (paths.syslog) this.datagram(paths.syslog, (d) => this.syslog(d));
    if (paths.native) this.datagram(paths.native, (d) => this.native(d));
    if (paths.stdout) await this.stream(paths.stdout);
  }

  close(): void {
    for (const c of this.closers.splice(0)) c();
  }

  private datagram(path: string, handle: (d: Datagram) => Promise<void>): void {
    const s = DatagramSocket.open(path, handle, this.journal, this.units);
    if (typeof s === 'string') this.report(`Cannot open the log socket ${path}: ${s}`);
    else this.closers.push(() => s.close());
  }

  private meta(d: Datagram, over: Partial<EntryMeta>): EntryMeta {
    return {
      unit: d.unit,
      identifier: '',
      pid: d.pid,
      uid: d.uid,
      priority: 6,
      facility: 3,
      transport: 'syslog',
      fields: [],
      ...over,
    };
  }

  private async syslog(d: Datagram): Promise<void> {
    for (const f of d.fds) S.close(f);
    if (d.length === 0) return;
    const m = parseSyslog(d.data);
    const fields: Array<[string, Buffer]> = [];
    if (m.pid !== null) fields.push(['SYSLOG_PID', Buffer.from(String(m.pid))]);
    const meta = this.meta(d, {
      identifier: m.identifier,
      priority: m.priority,
      facility: m.facility,
      transport: 'syslog',
      fields,
    });
    this.journal.write(meta, m.message);
  }

  private async native(d: Datagram): Promise<void> {
    let data = d.data;
    // A message too big for a datagram comes as a sealed memfd (sd_journal_send does this).
    if (d.length === 0 && d.fds.length === 1) {
      data = await readFile(`/proc/self/fd/${d.fds[0]}`).catch(() => Buffer.alloc(0));
    }
    for (const f of d.fds) S.close(f);
    if (d.length > data.length && d.fds.length === 0) {
      this.count('native', `a datagram of ${d.length} bytes, over ${DGRAM_MAX}: cut`);
    }
    const fields = parseNative(data);
    if (typeof fields === 'string') {
      this.count('native', `a malformed entry (${fields}) from pid ${d.pid}`);
      return;
    }
    let message: Buffer = Buffer.alloc(0);
    let priority = 6;
    let facility = 3;
    let identifier = '';
    const extra: Array<[string, Buffer]> = [];
    for (const [k, v] of fields) {
      if (k === 'MESSAGE') message = v;
      else if (k === 'PRIORITY') priority = /^[0-7]$/.test(v.toString()) ? Number(v.toString()) : priority;
      else if (k === 'SYSLOG_FACILITY')
        facility = /^\d{1,2}$/.test(v.toString()) ? Number(v.toString()) : facility;
      else if (k === 'SYSLOG_IDENTIFIER') identifier = v.toString('utf8');
      else extra.push([k, v]);
    }
    const meta = this.meta(d, { identifier, priority, facility, transport: 'journal', fields: extra });
    this.journal.write(meta, message);
  }

  /** Bad input is logged, but once a minute per kind at most, with how many there were. */
  private count(kind: string, what: string): void {
    const n = (this.rejected.get(kind) ?? 0) + 1;
    this.rejected.set(kind, n);
    if (n === 1) {
      this.report(`Log socket (${kind}): dropped ${what}.`);
      setTimeout(() => {
        const more = (this.rejected.get(kind) ?? 1) - 1;
        this.rejected.delete(kind);
        if (more > 0) this.report(`Log socket (${kind}): dropped ${more} more such messages.`);
      }, 60_000).unref();
    }
  }

  /**
   * The stream socket: a header of seven lines (identifier, unit, priority, level prefix, and three
   * forwarding flags we ignore), then the stream's lines, as journald's stdout protocol has them.
   */
  private async stream(path: string): Promise<void> {
    const parents: string[] = [];
    for (let d = dirname(path); d !== '/'; d = dirname(d)) parents.unshift(d);
    for (const d of parents) S.mkdir(d, 0o755);
    S.unlink(path);
    const server: Server = createServer((sock) => this.streamConnection(sock));
    server.on('error', (e) => this.report(`Log socket ${path}: ${e.message}`));
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(path, () => resolve(true));
    });
    if (!ok) return;
    S.chmod(path, 0o666);
    this.closers.push(() => {
      server.close();
      S.unlink(path);
    });
  }

  private streamConnection(sock: Socket): void {
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    const cred = typeof fd === 'number' ? peerCredentials(fd) : null;
    const pid = cred?.ok ? cred.value.pid : 0;
    const uid = cred?.ok ? cred.value.uid : -1;
    const unit = this.units.unitOf(pid);
    let header = Buffer.alloc(0);
    const onHeader = (chunk: Buffer): void => {
      header = Buffer.concat([header, chunk]);
      let lines = 0;
      let at = 0;
      while (lines < 7) {
        const nl = header.indexOf(0x0a, at);
        if (nl < 0) break;
        lines++;
        at = nl + 1;
      }
      if (lines < 7) {
        if (header.length > 4096) sock.destroy();
        return;
      }
      sock.off('data', onHeader);
      const h = header.toString('utf8', 0, at).split('\n');
      const rest = header.subarray(at);
      {
        const meta: EntryMeta = {
          unit: unit || h[1] || '',
          identifier: h[0] ?? '',
          pid,
          uid,
          priority: /^[0-7]$/.test(h[2] ?? '') ? Number(h[2]) : 6,
          facility: 3,
          transport: 'stdout',
          fields: [],
        };
        const capture = new StreamCapture(this.journal.sink, {
          meta: () => meta,
          levelPrefix: h[3] === '1',
          maxLevel: priorityNumber('debug', 7),
          lineMax: this.journal.config.lineMax,
          admit: (m) => this.journal.admit(m),
        });
        if (rest.length > 0) capture.feed(rest);
        capture.attach(sock);
      }
    };
    sock.on('data', onHeader);
    sock.on('error', () => sock.destroy());
  }
}

/** Where each socket goes: a configured path, nothing, or (by default) journald's paths when PID 1. */
export function socketPaths(c: JournalConfig, pid1: boolean): LogSocketPaths {
  const pick = (s: SocketSetting, fallback: string): string | null =>
    s.kind === 'path' ? s.path : s.kind === 'pid1' && pid1 ? fallback : null;
  return {
    syslog: pick(c.syslogSocket, DEFAULT_SYSLOG_SOCKET),
    native: pick(c.nativeSocket, DEFAULT_NATIVE_SOCKET),
    stdout: pick(c.stdoutSocket, DEFAULT_STDOUT_SOCKET),
  };
}
