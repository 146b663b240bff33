/**
 * rsd's console (its stdout): its own log lines and the journal's ForwardToStdout= copies, written through
 * one queue per stream so they keep their order. Text waits up to CONSOLE_DELAY_MS to be written with what
 * follows: a boot of a thousand units logs two lines a unit, nearly each in a loop turn of its own, and a
 * write each was a system call each on the main thread. Nothing waits while nothing is queued (the timer is
 * set by the first text), and what is queued when rsd exits is written then (stdout is written
 * synchronously on Linux).
 */
export const CONSOLE_DELAY_MS = 10;

class ConsoleQueue {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    process.once('exit', () => this.flush());
  }

  write(text: string): void {
    this.pending.push(text);
    this.timer ??= setTimeout(() => this.flush(), CONSOLE_DELAY_MS);
  }

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.stream.write(text);
  }
}

const queues = new Map<NodeJS.WritableStream, ConsoleQueue>();

/**
 * Writes what every queue holds, now: for an end that runs no exit handlers (execve for a re-exec,
 * reboot(2)), so the lines that explain it are not lost.
 */
export function flushConsole(): void {
  for (const q of queues.values()) q.flush();
}

/** The queue in front of `stream`, the same one for every writer of it. */
export function consoleQueue(stream: NodeJS.WritableStream): ConsoleQueue {
  let q = queues.get(stream);
  if (q === undefined) {
    q = new ConsoleQueue(stream);
    queues.set(stream, q);
  }
  return q;
}
