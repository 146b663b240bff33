import { Socket } from 'node:net';
import { bytesWaiting, close } from '../native/libc';
import { FdWatcher } from '../native/uv-poll';

/**
 * The read end of a service's output pipe, made a net.Socket only once something comes out of it (output,
 * or the end of it). Most services write nothing for a long time, many never: until then the pipe costs a
 * libuv poll handle, a third of a socket's price in a boot of a thousand services. The socket then owns the
 * fd and reads what waited in the pipe; nothing is lost or reordered, since nothing read the pipe before.
 * A pipe that ends empty never becomes a socket: whoever waited for one is simply never called.
 */
export class LazyPipeSocket {
  private socket: Socket | null = null;
  private waiting: ((s: Socket) => void) | null = null;
  private readonly watcher: FdWatcher;

  /** Set when the pipe ended with nothing in it: no socket was ever needed. */
  private endedEmpty = false;

  constructor(private readonly fd: number) {
    this.watcher = new FdWatcher(fd, (event) =>
      event.kind === 'readable' && event.hangup ? this.hungUp() : this.open(),
    );
  }

  /** Calls `use` with the socket once there is one (now, if output has already come). */
  whenOpen(use: (s: Socket) => void): void {
    if (this.socket) use(this.socket);
    else if (!this.endedEmpty) this.waiting = use;
  }

  /**
   * The writers are gone: most often (a service stopped without a word) nothing is left to read, and the
   * pipe is closed without ever making a socket, which a stop of a thousand services would otherwise make
   * all at once.
   */
  private hungUp(): void {
    const waiting = bytesWaiting(this.fd);
    if (!waiting.ok || waiting.value > 0) {
      this.open();
      return;
    }
    this.endedEmpty = true;
    this.waiting = null;
    this.watcher.close();
    close(this.fd);
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
