/**
 * Waiting for the first sign of life on a listening fd without touching it: for Accept=no the service gets
 * the fd with the connection (or datagram, or FIFO data) still queued, so rsd never accepts or reads.
 */
import { FdWatcher } from '../native/uv-poll';

export type ActivityEvent = { kind: 'readable'; hangup: boolean } | { kind: 'error'; errno: number };

/** One-shot, re-armable watch over a listening fd. */
export interface ActivityWatch {
  /** True while waiting for activity. */
  readonly armed: boolean;
  /** Waits again (after the service stopped); a no-op while armed or after close. */
  rearm(): void;
  /** Stops waiting without closing. */
  disarm(): void;
  /** Final; call before closing the fd. Idempotent. */
  close(): void;
}

/**
 * Calls `onActive` once when `fd` becomes readable (a pending connection, datagram or FIFO data) and then
 * stops watching, so a level-triggered poll does not spin while the service starts. `rearm()` watches again.
 * Starts armed. The fd must be pollable (not a regular file); libuv refusing it throws.
 */
export function watchForActivity(fd: number, onActive: (event: ActivityEvent) => void): ActivityWatch {
  let closed = false;
  const watcher = new FdWatcher(fd, (event) => {
    watcher.stop();
    onActive(event);
  });
  return {
    get armed() {
      return watcher.active;
    },
    rearm() {
      if (!closed) watcher.start();
    },
    disarm() {
      watcher.stop();
    },
    close() {
      closed = true;
      watcher.close();
    },
  };
}
