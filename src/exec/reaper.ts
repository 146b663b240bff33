/**
 * The process-wide child reaper: on SIGCHLD it collects every exited child and tells whoever watches that
 * pid how it ended.
 *
 * DECISION — who may call waitpid(-1):
 *
 * The rsd manager process never uses Node's child_process (it starts everything with posix_spawn through
 * src/exec/spawn.ts), so its reaper runs with scope 'all': on SIGCHLD, waitpid(-1, WNOHANG) until it
 * returns 0 or ECHILD. That is one syscall per exit however many services run, and it is the only way to
 * reap orphans reparented to us as child subreaper (or as PID 1): nobody registered their pids.
 *
 * waitpid(-1) steals libuv's children: libuv waits for each child_process child with waitpid(pid), and if
 * we reaped it first libuv gets ECHILD and silently never emits 'exit'. So in a process whose reaper has
 * scope 'all', async child_process (spawn, exec, execFile, fork) must not be used. spawnSync/execFileSync
 * are safe: they reap their child inside the call, before any JS (our SIGCHLD listener) can run.
 *
 * Scope 'registered' exists for processes that also use async child_process (tools, some tests): it
 * calls waitpid(pid, WNOHANG) for each registered pid only, O(registered) per SIGCHLD, and never reaps
 * orphans (they stay zombies until we exit), so it must not be combined with becomeSubreaper().
 *
 * Rejected: waitid(P_ALL, WNOWAIT) to peek and reap only our own (a zombie of libuv's stays at the head and
 * hides the others); a pidfd and uv_poll per child (an fd per service, and still blind to orphans); a
 * periodic orphan sweep (a timer that fires when nothing happens).
 *
 * Other details:
 * - SIGCHLD arrives through a libuv uv_signal handle (src/native/uv-signal.ts), not process.on('SIGCHLD'):
 *   Node's listener never keeps the loop alive, and under jest `process` is a copy that never hears
 *   signals. The handle is ref'd exactly while some pid is watched, so awaiting a child's exit cannot be
 *   cut short by the loop running dry, and an idle manager holds nothing.
 * - Signals coalesce, hence the drain loop; a child that exited before the handle existed sent its signal
 *   to nobody, hence the drain at start.
 * - A spawn on a worker thread (src/exec/spawn.ts) learns its pid a few ticks after the child exists, and
 *   the child may exit and be reaped in between. So while any spawn is under way (holdExitsUntil), the exit
 *   of a pid nobody watches is held instead of counted as an orphan's, and watch() delivers it. Once no
 *   spawn is under way and the spawners had their tick to watch, what is left over was an orphan after all.
 *   (A held exit could in theory be an older process whose pid the new child reused within those few
 *   ticks; pids are handed out in increasing order, so that needs a wrap of the whole pid space.)
 * - Orphans' exits are counted and remembered (the last 128) so that `adopt()`, for a pid learned later
 *   (a PIDFile written by a forking daemon), still hears about a process that died before it was adopted.
 */
import { setChildSubreaper, waitpid, WNOHANG } from '../native/libc';
import { SignalWatcher } from '../native/uv-signal';
import { fault } from '../pid1/fault';
import { decodeWaitStatus, type ChildExit } from './wait-status';

export type { ChildExit } from './wait-status';

export type ReaperScope = 'all' | 'registered';
export type { Reaper };
export type ExitListener = (exit: ChildExit) => void;

const SIGCHLD = 17;
const ECHILD = 10;
const EINTR = 4;
const RECENT_ORPHANS = 128;

/** Exported as a type only: startReaper() is the one way to get one. */
class Reaper {
  private readonly watched = new Map<number, ExitListener>();
  private readonly recentOrphans = new Map<number, ChildExit>();
  /** Exits of unwatched pids reaped while a spawn was under way: perhaps that spawn's child. */
  private readonly held = new Map<number, ChildExit>();
  private spawnsUnderWay = 0;
  private readonly sigchld: SignalWatcher;
  private orphans = 0;
  private running = true;
  private childless = false;
  private readonly drainListeners = new Set<(childless: boolean) => void>();
  /** Called for each reaped child nobody watched (scope 'all' only). */
  onOrphan: ExitListener | undefined;

  constructor(readonly scope: ReaperScope) {
    this.sigchld = new SignalWatcher(SIGCHLD, () => this.reap());
    this.reap();
  }

  /** Children reaped that nobody watched: orphans reparented to us, or exits whose watcher left. */
  get orphansReaped(): number {
    return this.orphans;
  }

  get watching(): number {
    return this.watched.size;
  }

  /**
   * Watches a child we spawned, in the tick its spawn settled. Replaces an earlier listener for the pid. An
   * exit already held for it is delivered on the next tick.
   */
  watch(pid: number, onExit: ExitListener): void {
    if (!this.running) throw new Error('reaper stopped');
    // A remembered orphan with this pid is a previous process: the pid has been reused by this child.
    this.recentOrphans.delete(pid);
    const early = this.held.get(pid);
    if (early) {
      this.held.delete(pid);
      process.nextTick(callSafely, onExit, early);
      return;
    }
    this.watched.set(pid, onExit);
    this.sigchld.ref();
    // Scope 'registered' reaps only watched pids: a child that exited before this watch sent its SIGCHLD
    // to nobody, so look once.
    if (this.scope === 'registered') process.nextTick(() => this.reapOne(pid));
  }

  /**
   * Watches a process we did not spawn but that is (or was) our child, e.g. a daemon that double-forked
   * and was reparented to us. If it was already reaped as an orphan, `onExit` runs on the next tick and
   * this returns 'already-exited'.
   */
  adopt(pid: number, onExit: ExitListener): 'watching' | 'already-exited' {
    const past = this.recentOrphans.get(pid);
    if (past) {
      this.recentOrphans.delete(pid);
      process.nextTick(onExit, past);
      return 'already-exited';
    }
    this.watch(pid, onExit);
    return 'watching';
  }

  /** Holds unwatched exits until `spawn` has settled and its caller had the tick to watch the pid. */
  holdExitsUntil<T>(spawn: Promise<T>): Promise<T> {
    this.spawnsUnderWay++;
    const settled = (): void => {
      // setImmediate: after the promise callbacks of this tick, where the spawner watches its pid.
      setImmediate(() => {
        if (--this.spawnsUnderWay === 0) this.releaseHeld();
      });
    };
    spawn.then(settled, settled);
    return spawn;
  }

  private releaseHeld(): void {
    const left = [...this.held.values()];
    this.held.clear();
    for (const exit of left) this.deliver(exit);
  }

  unwatch(pid: number): void {
    this.watched.delete(pid);
    if (this.watched.size === 0) this.sigchld.unref();
  }

  /** Collects every exited child now. Runs on SIGCHLD; callable any time (it never blocks). */
  reap(): void {
    if (this.scope === 'all') this.reapAll();
    else this.reapRegistered();
    for (const l of this.drainListeners) l(this.childless);
  }

  /**
   * Calls `listener` after each drain (scope 'all'): whether we had no child left at all (ECHILD). The
   * final sweep at shutdown waits on this. Returns the function that removes the listener.
   */
  onDrain(listener: (childless: boolean) => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Removes the SIGCHLD listener and releases the loop. Watched pids are forgotten. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.sigchld.close();
    this.watched.clear();
    if (active === this) active = undefined;
  }

  private reapAll(): void {
    for (;;) {
      const r = waitpid(-1, WNOHANG);
      if (!r.ok) {
        if (r.errno === EINTR) continue;
        if (r.errno === ECHILD) {
          this.childless = true;
          return;
        }
        throw new Error(`waitpid(-1): errno ${r.errno}`);
      }
      this.childless = false;
      if (r.value.kind === 'none') return;
      const exit = decodeWaitStatus(r.value.pid, r.value.status);
      if (exit) this.deliver(exit);
    }
  }

  private reapRegistered(): void {
    for (const pid of [...this.watched.keys()]) this.reapOne(pid);
  }

  private reapOne(pid: number): void {
    if (!this.watched.has(pid)) return;
    const r = waitpid(pid, WNOHANG);
    if (!r.ok) {
      // ECHILD: not (or no longer) our child, e.g. reaped by someone else; nobody will ever see it exit.
      if (r.errno === ECHILD) this.unwatch(pid);
      return;
    }
    if (r.value.kind === 'none') return;
    const exit = decodeWaitStatus(r.value.pid, r.value.status);
    if (exit) this.deliver(exit);
  }

  private deliver(exit: ChildExit): void {
    const listener = this.watched.get(exit.pid);
    if (!listener && this.spawnsUnderWay > 0) {
      this.held.set(exit.pid, exit);
      return;
    }
    if (!listener) {
      this.orphans++;
      this.recentOrphans.set(exit.pid, exit);
      if (this.recentOrphans.size > RECENT_ORPHANS) {
        this.recentOrphans.delete(this.recentOrphans.keys().next().value as number);
      }
      if (this.onOrphan) callSafely(this.onOrphan, exit);
      return;
    }
    this.unwatch(exit.pid);
    callSafely(listener, exit);
  }
}

/** A throwing listener must not abort the drain (other exits would wait for the next SIGCHLD). */
function callSafely(listener: ExitListener, exit: ChildExit): void {
  try {
    fault('reaper', String(exit.pid));
    listener(exit);
  } catch (err) {
    process.nextTick(() => {
      throw err;
    });
  }
}

let active: Reaper | undefined;

/** Starts the process's one reaper. Throws if one is running: two would race for the same children. */
export function startReaper(scope: ReaperScope = 'all'): Reaper {
  if (active) throw new Error(`a reaper is already running (scope '${active.scope}')`);
  active = new Reaper(scope);
  return active;
}

/** The running reaper, if any. */
export function currentReaper(): Reaper | undefined {
  return active;
}

export type SubreaperResult = { kind: 'pid1' } | { kind: 'subreaper' } | { kind: 'failed'; errno: number };

/**
 * Makes orphaned descendants reparent to this process instead of PID 1, so services that double-fork are
 * still ours to reap. PID 1 gets them anyway. Pair with scope 'all' only.
 */
export function becomeSubreaper(): SubreaperResult {
  if (process.pid === 1) return { kind: 'pid1' };
  const r = setChildSubreaper(true);
  return r.ok ? { kind: 'subreaper' } : { kind: 'failed', errno: r.errno };
}
