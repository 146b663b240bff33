import { close } from '../native/libc';
import {
  accept4,
  AF_UNIX,
  bind,
  chmod,
  chown,
  getPeerCred,
  listen,
  recvmsg,
  RecvBuffers,
  sendmsg,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_SEQPACKET,
  socket,
  unlink,
  type Ucred,
} from '../native/socket';
import { FdWatcher } from '../native/uv-poll';
import { MAX_FRAME_BYTES } from './protocol';

/**
 * The control API for requests that carry file descriptors (`rsdctl run --pipe`): the same JSON-RPC requests
 * as the stream socket, one per SOCK_SEQPACKET message, with the fds as SCM_RIGHTS; the answer is one message
 * back. Node's stream sockets drop ancillary data, so this socket is made and read through libc.
 */

/** A request as it arrived: its text, the fds that came with it (the handler's to close) and the sender. */
export interface FdRequest {
  readonly text: string;
  readonly fds: number[];
  readonly cred: Ucred | null;
}

export type FdRequestHandler = (req: FdRequest) => Promise<string | null>;

const MSG_CMSG_CLOEXEC = 0x40000000;
const MSG_DONTWAIT = 0x40;
const MAX_FDS = 16;
const EAGAIN = 11;

/** One accepted connection; compared by identity, since a closed fd's number is soon reused. */
interface Conn {
  readonly fd: number;
  readonly watcher: FdWatcher;
}

export class FdTransport {
  private readonly connections = new Map<number, Conn>();
  private readonly bufs = new RecvBuffers(MAX_FRAME_BYTES, MAX_FDS);

  private constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly watcher: FdWatcher,
    private readonly handler: FdRequestHandler,
  ) {}

  static listen(path: string, handler: FdRequestHandler, adminGid: number | undefined): FdTransport {
    unlink(path);
    const s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (!s.ok) throw new Error(`socket: errno ${s.errno}`);
    const fd = s.value;
    const bound = bind(fd, { family: 'unix', path });
    const listening = bound.ok ? listen(fd, 4096) : bound;
    if (!listening.ok) {
      close(fd);
      throw new Error(`Cannot listen on ${path}: errno ${listening.errno}`);
    }
    // The same access as the stream socket: 0660, root and the admin group.
    chmod(path, 0o660);
    if (adminGid !== undefined) chown(path, 0, adminGid);
    let transport: FdTransport | null = null;
    const watcher = new FdWatcher(fd, () => transport?.acceptAll());
    transport = new FdTransport(fd, path, watcher, handler);
    return transport;
  }

  private acceptAll(): void {
    for (;;) {
      const a = accept4(this.fd, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (!a.ok) return;
      const fd = a.value.fd;
      const conn: Conn = {
        fd,
        watcher: new FdWatcher(fd, (event) => {
          if (event.kind === 'error') return this.drop(conn);
          this.receive(conn, event.hangup);
        }),
      };
      this.connections.set(fd, conn);
    }
  }

  private receive(conn: Conn, hangup: boolean): void {
    const r = recvmsg(conn.fd, this.bufs, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (!r.ok || r.value.length === 0) {
      if (!r.ok && r.errno === EAGAIN && !hangup) return;
      return this.drop(conn);
    }
    const m = r.value;
    if (m.truncated || m.controlTruncated) {
      for (const f of m.fds) close(f);
      this.reply(conn, JSON.stringify({ jsonrpc: '2.0', id: null, error: tooLarge() }));
      return this.drop(conn);
    }
    const cred = getPeerCred(conn.fd);
    void this.handler({ text: m.data.toString('utf8'), fds: m.fds, cred: cred.ok ? cred.value : null }).then(
      (answer) => {
        if (answer !== null) this.reply(conn, answer);
      },
    );
  }

  private reply(conn: Conn, text: string): void {
    if (this.connections.get(conn.fd) === conn)
      sendmsg(conn.fd, Buffer.from(text, 'utf8'), { flags: MSG_DONTWAIT });
  }

  private drop(conn: Conn): void {
    if (this.connections.get(conn.fd) !== conn) return;
    conn.watcher.close();
    close(conn.fd);
    this.connections.delete(conn.fd);
  }

  close(): void {
    for (const conn of [...this.connections.values()]) this.drop(conn);
    this.watcher.close();
    close(this.fd);
    unlink(this.path);
  }
}

function tooLarge(): { code: number; message: string } {
  return {
    code: -32004,
    message: `Request longer than ${MAX_FRAME_BYTES} bytes or with more than ${MAX_FDS} fds`,
  };
}
