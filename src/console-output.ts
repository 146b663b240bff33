/**
 * rsd's console (its stdout): its own log lines and the journal's ForwardToStdout= copies, written through
 * one queue per stream so they keep their order, the lines of one turn of the event loop in one write.
 * Not later than that: a line is how a user (or a test) sees that a unit has started, and a delay of a few
 * milliseconds more would show in every restart (the journal's files can wait longer, store.ts). What is
 * queued when rsd exits is written then (stdout is written synchronously on Linux).
 */
class ConsoleQueue {
  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    process.once('exit', () => this.flush());
  }

  write(text: string): void {
    this.pending.push(text);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled !== null) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
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
