/**
 * The manager's notification socket (systemd 252 manager_setup_notify / manager_dispatch_notify_fd): an
 * AF_UNIX datagram socket with SO_PASSCRED that services reach through $NOTIFY_SOCKET. Each datagram is read
 * with recvmsg when libuv says the socket is readable; its sender comes from SCM_CREDENTIALS (filled in by
 * the kernel, so it cannot be forged by an unprivileged sender), its fds from SCM_RIGHTS.
 *
 * Datagrams are checked as systemd checks them and dropped (with a reason) when the control data was
 * truncated, credentials are missing, the text is longer than NOTIFY_BUFFER_MAX (4096 bytes) or holds a NUL
 * other than one trailing NUL. Passed fds are closed unless a handler keeps them (FDSTORE=1); closing them
 * promptly is also what releases a sender waiting in sd_notify_barrier() (BARRIER=1).
 */
import { dirname } from 'node:path';
import * as S from '../native/socket';
import { FdWatcher } from '../native/uv-poll';
import { errnoName, failure, type SocketResult } from '../sockets/errors';
import { parseNotifyMessage, type NotifyMessage } from './message';

/** systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): longer datagrams are dropped. */
export const NOTIFY_BUFFER_MAX = 4096;
/** systemd's NOTIFY_FD_MAX: most fds one message may carry. */
export const NOTIFY_FD_MAX = 768;
/** systemd's NOTIFY_RCVBUF_SIZE. */
const NOTIFY_RCVBUF_SIZE = 8 * 1024 * 1024;
/** Datagrams read per wakeup before letting the loop run other work (the poll is level-triggered). */
const MAX_PER_WAKEUP = 64;

export const DEFAULT_NOTIFY_SOCKET = '/run/rsd/notify';

export interface NotifySender {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Called for each accepted message. `fds` are the passed descriptors (CLOEXEC); return the ones the handler
 * keeps (they become its to close); the rest are closed once every handler has run.
 */
export type NotifyHandler = (
  msg: NotifyMessage,
  sender: NotifySender,
  fds: number[],
) => readonly number[] | void;

export type DropReason =
  'control-truncated' | 'no-credentials' | 'oversize' | 'embedded-nul' | 'receive-error' | 'handler-error';

export interface Drop {
  readonly reason: DropReason;
  /** A log line's worth of detail. */
  readonly detail: string;
  /** The sender, when the kernel said. */
  readonly sender: NotifySender | null;
}

export interface NotifyStats {
  received: number;
  accepted: number;
  dropped: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

export class NotifySocket {
  private readonly handlers: NotifyHandler[] = [];
  private readonly dropHandlers: ((drop: Drop) => void)[] = [];
  private readonly bufs = new S.RecvBuffers(NOTIFY_BUFFER_MAX + 1, NOTIFY_FD_MAX);
  private readonly watcher: FdWatcher;
  private closed = false;
  readonly stats: NotifyStats = { received: 0, accepted: 0, dropped: 0 };

  private constructor(
    /** The raw fd (CLOEXEC, NONBLOCK). */
    readonly fd: number,
    /** What $NOTIFY_SOCKET should say: a path, or `@name` for an abstract socket. */
    readonly address: string,
  ) {
    this.watcher = new FdWatcher(fd, (event) => {
      if (event.kind === 'error') {
        this.drop('receive-error', `poll: ${errnoName(event.errno)}`, null);
        return;
      }
      this.drain();
    });
  }

  /**
   * Creates, binds and starts watching the socket at `address` (a path, replacing a stale node and creating
   * parent directories 0755, or `@name` in the abstract namespace).
   */
  static open(address: string = DEFAULT_NOTIFY_SOCKET): SocketResult<NotifySocket> {
    const abstract = address.startsWith('@');
    if (!abstract && !address.startsWith('/')) return failure(S.EINVAL, `notify socket ${address}`);
    const addr: S.SockAddr = abstract
      ? { family: 'abstract', name: address.slice(1) }
      : { family: 'unix', path: address };
    const sock = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK);
    if (!sock.ok) return failure(sock.errno, 'socket(AF_UNIX, SOCK_DGRAM)');
    const fd = sock.value;
    const fail = (errno: number, what: string): SocketResult<NotifySocket> => {
      S.close(fd);
      return failure(errno, `${what}(${address})`);
    };
    // Best effort, as systemd's fd_increase_rxbuf: a burst of notifications must not be lost.
    if (!S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_RCVBUFFORCE, NOTIFY_RCVBUF_SIZE).ok) {
      S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_RCVBUF, NOTIFY_RCVBUF_SIZE);
    }
    if (!abstract) {
      const parents: string[] = [];
      for (let d = dirname(address); d !== '/'; d = dirname(d)) parents.unshift(d);
      for (const d of parents) S.mkdir(d, 0o755);
      S.unlink(address);
    }
    // Credentials before bind, so no datagram can arrive without them.
    const pc = S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_PASSCRED, 1);
    if (!pc.ok) return fail(pc.errno, 'SO_PASSCRED');
    const b = S.bind(fd, addr);
    if (!b.ok) return fail(b.errno, 'bind');
    if (!abstract) {
      // Services running as any user must be able to send; SCM_CREDENTIALS, not the mode, says who they are.
      const m = S.chmod(address, 0o777);
      if (!m.ok) return fail(m.errno, 'chmod');
    }
    try {
      return { ok: true, value: new NotifySocket(fd, address) };
    } catch (e) {
      if (!abstract) S.unlink(address);
      return fail(S.EINVAL, `uv_poll: ${(e as Error).message}`);
    }
  }

  /** Adds a handler for accepted messages. */
  onMessage(handler: NotifyHandler): void {
    this.handlers.push(handler);
  }

  /** Adds a listener for dropped datagrams (for logging). */
  onDrop(handler: (drop: Drop) => void): void {
    this.dropHandlers.push(handler);
  }

  /** Lets the process exit while only this socket is open (tests); a manager keeps the default. */
  unref(): void {
    this.watcher.unref();
  }

  /** Stops watching, closes the socket and removes its node. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    S.close(this.fd);
    if (!this.address.startsWith('@')) S.unlink(this.address);
  }

  /** Reads what is queued now (bounded per wakeup; the level-triggered poll calls back for the rest). */
  private drain(): void {
    for (let i = 0; i < MAX_PER_WAKEUP && !this.closed; i++) {
      const r = S.recvmsg(this.fd, this.bufs, S.MSG_DONTWAIT | S.MSG_CMSG_CLOEXEC | S.MSG_TRUNC);
      if (!r.ok) {
        if (r.errno === S.EAGAIN || r.errno === 4 /* EINTR */) return;
        this.drop('receive-error', `recvmsg: ${errnoName(r.errno)}`, null);
        return;
      }
      this.dispatch(r.value);
    }
  }

  private dispatch(m: S.Received): void {
    this.stats.received++;
    const sender = m.creds && m.creds.pid > 0 ? m.creds : null;
    const closeAll = (): void => m.fds.forEach((f) => S.close(f));
    if (m.controlTruncated) {
      closeAll();
      return this.drop('control-truncated', 'control data truncated (too many fds sent?)', sender);
    }
    if (!sender) {
      closeAll();
      return this.drop('no-credentials', 'message without valid credentials', null);
    }
    if (m.length > NOTIFY_BUFFER_MAX || m.truncated) {
      closeAll();
      return this.drop('oversize', `message of ${m.length} bytes exceeds ${NOTIFY_BUFFER_MAX}`, sender);
    }
    let data = m.data;
    const nul = data.indexOf(0);
    if (nul >= 0 && nul < data.length - 1) {
      closeAll();
      return this.drop('embedded-nul', 'message with embedded NUL bytes', sender);
    }
    if (nul === data.length - 1) data = data.subarray(0, nul);
    let text: string;
    let utf8Valid = true;
    try {
      text = strictUtf8.decode(data);
    } catch {
      text = lenientUtf8.decode(data);
      utf8Valid = false;
    }
    const msg = parseNotifyMessage(text, utf8Valid);
    this.stats.accepted++;
    const kept = new Set<number>();
    for (const h of this.handlers) {
      try {
        const k = h(msg, { pid: sender.pid, uid: sender.uid, gid: sender.gid }, [...m.fds]);
        if (k) for (const f of k) if (m.fds.includes(f)) kept.add(f);
      } catch (e) {
        this.drop('handler-error', `handler threw: ${(e as Error)?.message ?? String(e)}`, sender);
      }
    }
    for (const f of m.fds) if (!kept.has(f)) S.close(f);
  }

  private drop(reason: DropReason, detail: string, sender: NotifySender | null): void {
    if (reason !== 'handler-error') this.stats.dropped++;
    for (const h of this.dropHandlers) {
      try {
        h({ reason, detail, sender });
      } catch {
        // a logging hook must not break the socket
      }
    }
  }
}
