import { readdir, readFile } from 'node:fs/promises';
import type { Reaper } from '../exec/reaper';
import type { Log } from '../log';
import { kill } from '../native/libc';

const SIGKILL = 9;
const SIGTERM = 15;
const SIGCONT = 18;
/** After SIGKILL nothing can hold out but a process stuck in the kernel: do not wait on it for long. */
const KILL_WAIT_MS = 10_000;

/** Every process below `root` in the process tree (from /proc/PID/stat's ppid field). */
async function descendantsOf(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const c of children.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

/**
 * Sends `signal` to every process left: as PID 1 to the whole PID namespace (kill(-1) spares the caller and
 * kernel threads), otherwise to our own descendants only. Returns how many were targeted (-1: unknown).
 */
async function signalRemaining(pid1: boolean, signal: number): Promise<number> {
  if (pid1) {
    kill(-1, signal);
    if (signal !== SIGKILL) kill(-1, SIGCONT);
    return -1;
  }
  const pids = await descendantsOf(process.pid);
  for (const p of pids) {
    kill(p, signal);
    if (signal !== SIGKILL) kill(p, SIGCONT);
  }
  return pids.length;
}

/**
 * Resolves true once we have no child left (every process of the namespace, or every descendant, is gone:
 * orphans all end up ours), false after `ms`. Woken by the reaper's drains, so nothing polls.
 */
function childlessWithin(reaper: Reaper, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let off = (): void => {};
    const timer = setTimeout(() => {
      off();
      resolve(false);
    }, ms);
    off = reaper.onDrain((childless) => {
      if (!childless) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
    reaper.reap();
  });
}

/**
 * The final sweep, after every unit has stopped (systemd-shutdown's killall): SIGTERM to every process
 * left, up to `timeoutMs` (DefaultTimeoutStopSec=) for them to go, SIGKILL to the rest, and reap them.
 */
export async function finalSweep(opts: {
  readonly reaper: Reaper;
  readonly pid1: boolean;
  readonly timeoutMs: number;
  readonly log: Log;
}): Promise<void> {
  const { reaper, pid1, log } = opts;
  if (await childlessWithin(reaper, 0)) return;
  const n = await signalRemaining(pid1, SIGTERM);
  if (n === 0) return;
  log.info(`Sending SIGTERM to remaining processes${n > 0 ? ` (${n})` : ''}...`);
  if (await childlessWithin(reaper, opts.timeoutMs)) return;
  const k = await signalRemaining(pid1, SIGKILL);
  log.warn(`Sending SIGKILL to remaining processes${k > 0 ? ` (${k})` : ''}...`);
  if (!(await childlessWithin(reaper, KILL_WAIT_MS)))
    log.warn('Some processes are still around after SIGKILL; going on without them.');
}
