import { Socket } from 'node:net';
import { FdWatcher } from '../native/uv-poll';

/**
 * The read end of a service's output pipe, made a net.Socket only once something comes out of it (output,
 * or the end of it). Most services write nothing for a long time, many never: until then the pipe costs a
 * libuv poll handle, a third of a socket's price in a boot of a thousand services. The socket then owns the
 * fd and reads what waited in the pipe; nothing is lost or reordered, since nothing read the pipe before.
 */
export class LazyPipeSocket {
  private socket: Socket | null = null;
  private waiting: ((s: Socket) => void) | null = null;
  private readonly watcher: FdWatcher;

  constructor(private readonly fd: number) {
    this.watcher = new FdWatcher(fd, () => this.open());
  }

  /** Calls `use` with the socket once there is one (now, if output has already come). */
  whenOpen(use: (s: Socket) => void): void {
    if (this.socket) use(this.socket);
    else this.waiting = use;
  }

  private open(): void {
    if (this.socket) return;
    this.watcher.close();
    this.socket = new Socket({ fd: this.fd, readable: true, writable: false });
    const use = this.waiting;
    this.waiting = null;
    use?.(this.socket);
  }
}
