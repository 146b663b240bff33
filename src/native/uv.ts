/**
 * libuv as exported by the node binary itself (`koffi.load(null)`), so rsd can put its own handles on
 * Node's event loop: uv_poll for raw fds (uv-poll.ts) and uv_signal for signals (uv-signal.ts). Their
 * callbacks run on the main thread, from the loop, like any Node callback (microtasks drain after them).
 *
 * Each handle kind gets one native trampoline (koffi callbacks are a limited resource) that dispatches on
 * the handle's address. A handle's memory is a Buffer kept alive by `live` until uv_close's callback, as
 * libuv requires; closing is the only way to release a handle.
 */
import koffi from 'koffi';

export const UV_POLL = 8; // uv_handle_type
export const UV_SIGNAL = 16;

export interface Uv {
  uv_default_loop(): unknown;
  uv_handle_size(type: number): number;
  uv_poll_init(loop: unknown, handle: Buffer, fd: number): number;
  uv_poll_start(handle: Buffer, events: number, cb: unknown): number;
  uv_poll_stop(handle: Buffer): number;
  uv_signal_init(loop: unknown, handle: Buffer): number;
  uv_signal_start(handle: Buffer, cb: unknown, signum: number): number;
  uv_signal_stop(handle: Buffer): number;
  uv_close(handle: Buffer, cb: unknown): void;
  uv_ref(handle: Buffer): void;
  uv_unref(handle: Buffer): void;
  uv_strerror(err: number): string;
}

/** Whatever owns a handle: told about the handle's callbacks by the trampolines. */
export interface HandleOwner {
  onPoll?(status: number, events: number): void;
  onSignal?(signum: number): void;
}

interface Loaded {
  uv: Uv;
  loop: unknown;
  pollCb: unknown;
  signalCb: unknown;
  closeCb: unknown;
}

let loaded: Loaded | undefined;
const live = new Map<bigint, { handle: Buffer; owner: HandleOwner }>();

export function uv(): Loaded {
  if (loaded) return loaded;
  const self = koffi.load(null);
  const f = (decl: string): unknown => self.func(decl);
  // Unnamed types: koffi's type names are process-wide, and jest loads this module once per test file.
  const PollCb = koffi.pointer(koffi.proto('void', ['void *', 'int', 'int']));
  const SignalCb = koffi.pointer(koffi.proto('void', ['void *', 'int']));
  const CloseCb = koffi.pointer(koffi.proto('void', ['void *']));
  const api = {
    uv_default_loop: f('void *uv_default_loop(void)'),
    uv_handle_size: f('size_t uv_handle_size(int type)'),
    uv_poll_init: f('int uv_poll_init(void *loop, void *handle, int fd)'),
    uv_poll_start: self.func('uv_poll_start', 'int', ['void *', 'int', PollCb]),
    uv_poll_stop: f('int uv_poll_stop(void *handle)'),
    uv_signal_init: f('int uv_signal_init(void *loop, void *handle)'),
    uv_signal_start: self.func('uv_signal_start', 'int', ['void *', SignalCb, 'int']),
    uv_signal_stop: f('int uv_signal_stop(void *handle)'),
    uv_close: self.func('uv_close', 'void', ['void *', CloseCb]),
    uv_ref: f('void uv_ref(void *handle)'),
    uv_unref: f('void uv_unref(void *handle)'),
    uv_strerror: f('const char *uv_strerror(int err)'),
  } as Uv;
  const pollCb = koffi.register((h: unknown, status: number, events: number) => {
    live.get(koffi.address(h))?.owner.onPoll?.(status, events);
  }, PollCb);
  const signalCb = koffi.register((h: unknown, signum: number) => {
    live.get(koffi.address(h))?.owner.onSignal?.(signum);
  }, SignalCb);
  const closeCb = koffi.register((h: unknown) => {
    live.delete(koffi.address(h));
  }, CloseCb);
  loaded = { uv: api, loop: api.uv_default_loop(), pollCb, signalCb, closeCb };
  return loaded;
}

/** Memory for a handle of `type`, registered so the trampolines can find `owner`. */
export function allocHandle(type: number, owner: HandleOwner): Buffer {
  const { uv: api } = uv();
  const handle = Buffer.alloc(api.uv_handle_size(type));
  live.set(koffi.address(handle), { handle, owner });
  return handle;
}

/** Forgets a handle whose init failed (libuv never knew it, so there is nothing to close). */
export function forgetHandle(handle: Buffer): void {
  live.delete(koffi.address(handle));
}

/** uv_close; the memory is released in the close callback, on a later loop iteration. */
export function closeHandle(handle: Buffer): void {
  const l = uv();
  l.uv.uv_close(handle, l.closeCb);
}

export function uvError(call: string, code: number): Error {
  return new Error(`${call}: ${uv().uv.uv_strerror(code)}`);
}
