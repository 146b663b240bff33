/**
 * The lines a child process writes on its stdout and stderr, collected as they come, with the time each
 * arrived, and a wait for the first line that matches (already written or still to come).
 */
export class LineLog {
  readonly lines: string[] = [];
  /** Date.now() when each line arrived. */
  readonly times: number[] = [];
  private waiters: Array<() => void> = [];

  /** Reads `streams` (a child's stdout and stderr) line by line into this log. */
  follow(...streams: Array<NodeJS.ReadableStream | null>): this {
    let buf = '';
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('utf8');
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      const at = Date.now();
      for (const text of parts) {
        this.lines.push(text);
        this.times.push(at);
      }
      for (const w of this.waiters) w();
    };
    for (const s of streams) s?.on('data', onData);
    return this;
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** The index of the first line matching `re`; rejects with the whole log after `timeoutMs`. */
  indexOf(re: RegExp, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = this.lines.findIndex((l) => re.test(l));
        if (i < 0) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(i);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no log line matching ${re} within ${timeoutMs} ms; log:\n${this.text}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }
}
