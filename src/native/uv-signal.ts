/**
 * Receives a signal through libuv's uv_signal_t on Node's own loop (see uv.ts) instead of
 * `process.on(signal)`: the handle can be ref'd, so it keeps the loop alive exactly while we wait for
 * something (Node's signal listeners never do), and it works where `process` is not the real one (jest
 * hands tests a copy whose listeners never fire). libuv runs every handle watching a signal, so this
 * coexists with Node's own listeners and with child_process's SIGCHLD handling.
 *
 * Like any signal, deliveries coalesce: one callback may stand for several signals.
 */
import { allocHandle, closeHandle, forgetHandle, uv, uvError, UV_SIGNAL } from './uv';

export class SignalWatcher {
  private readonly handle: Buffer;
  private closed = false;

  /** Starts listening; unref'd, like Node's listeners, until `ref()`. */
  constructor(
    readonly signal: number,
    onSignal: () => void,
  ) {
    this.handle = allocHandle(UV_SIGNAL, { onSignal: () => onSignal() });
    const l = uv();
    let r = l.uv.uv_signal_init(l.loop, this.handle);
    if (r !== 0) {
      forgetHandle(this.handle);
      throw uvError('uv_signal_init', r);
    }
    r = l.uv.uv_signal_start(this.handle, l.signalCb, signal);
    if (r !== 0) {
      closeHandle(this.handle);
      throw uvError(`uv_signal_start(${signal})`, r);
    }
    l.uv.uv_unref(this.handle);
  }

  /** Keep the process alive while this watcher exists. */
  ref(): void {
    if (!this.closed) uv().uv.uv_ref(this.handle);
  }

  unref(): void {
    if (!this.closed) uv().uv.uv_unref(this.handle);
  }

  /** Stops for good (libuv restores the default disposition once no handle watches the signal). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    uv().uv.uv_signal_stop(this.handle);
    closeHandle(this.handle);
  }
}
