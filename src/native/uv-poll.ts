/**
 * Watches a raw file descriptor for readability with libuv's uv_poll_t on Node's own loop (see uv.ts):
 * the loop sleeps in epoll while nothing happens, and the callback runs on the main thread about 0.1 ms
 * after the fd becomes readable. This is how rsd watches fds Node cannot wrap (the exec helper's status
 * pipes, later notify sockets).
 *
 * Level-triggered: the callback runs on every loop iteration while the fd stays readable, so it must read
 * (or stop the watcher).
 */
import { allocHandle, closeHandle, forgetHandle, uv, uvError, UV_POLL } from './uv';

const UV_READABLE = 1;
const UV_DISCONNECT = 4;

/** What a callback learns: the fd is readable (or hung up), or libuv reported an error. */
export type PollEvent = { kind: 'readable'; hangup: boolean } | { kind: 'error'; errno: number };

/** Created watching; `stop()` pauses, `start()` resumes, `close()` is final. */
type WatcherState = 'watching' | 'stopped' | 'closed';

export class FdWatcher {
  private readonly handle: Buffer;
  private state: WatcherState = 'stopped';

  /**
   * Starts watching `fd`, which stays the caller's: close the watcher before closing the fd. Throws if
   * libuv refuses the fd (a regular file, which epoll rejects).
   */
  constructor(
    readonly fd: number,
    private readonly onEvent: (event: PollEvent) => void,
    /** `hangup`: only POLLHUP/POLLERR wake it (the fd may stay readable without a callback). */
    private readonly watchFor: 'readable' | 'hangup' = 'readable',
  ) {
    this.handle = allocHandle(UV_POLL, { onPoll: (status, events) => this.dispatch(status, events) });
    const l = uv();
    const r = l.uv.uv_poll_init(l.loop, this.handle, fd);
    if (r !== 0) {
      forgetHandle(this.handle);
      this.state = 'closed';
      throw uvError(`uv_poll_init(${fd})`, r);
    }
    this.start();
  }

  get active(): boolean {
    return this.state === 'watching';
  }

  start(): void {
    if (this.state !== 'stopped') return;
    const l = uv();
    const events = this.watchFor === 'readable' ? UV_READABLE | UV_DISCONNECT : UV_DISCONNECT;
    const r = l.uv.uv_poll_start(this.handle, events, l.pollCb);
    if (r !== 0) throw uvError(`uv_poll_start(${this.fd})`, r);
    this.state = 'watching';
  }

  stop(): void {
    if (this.state !== 'watching') return;
    uv().uv.uv_poll_stop(this.handle);
    this.state = 'stopped';
  }

  /** Stops for good. Idempotent. */
  close(): void {
    if (this.state === 'closed') return;
    this.stop();
    this.state = 'closed';
    closeHandle(this.handle);
  }

  /** An active watcher keeps the process alive by default, like a socket; `unref()` lets it exit. */
  unref(): void {
    if (this.state !== 'closed') uv().uv.uv_unref(this.handle);
  }

  ref(): void {
    if (this.state !== 'closed') uv().uv.uv_ref(this.handle);
  }

  private dispatch(status: number, events: number): void {
    if (this.state !== 'watching') return;
    if (status < 0) {
      // libuv passes -errno; after an error the watcher must not be left polling.
      this.stop();
      this.onEvent({ kind: 'error', errno: -status });
      return;
    }
    this.onEvent({ kind: 'readable', hangup: (events & UV_DISCONNECT) !== 0 });
  }
}
