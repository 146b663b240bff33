/**
 * StartLimitIntervalSec=/StartLimitBurst= (systemd's ratelimit_below()): at most `burst` starts in any window
 * of `intervalUsec` that begins at the first start after the previous window. Either setting at 0 means no limit.
 * Invariant: `count` is the number of starts since `windowStart`, never more than `burst`.
 */
export class StartLimit {
  private windowStart = -1;
  private count = 0;

  constructor(
    private readonly intervalUsec: number,
    private readonly burst: number,
  ) {}

  /** Records a start at `nowUsec` (monotonic); false when this start exceeds the limit. */
  tryStart(nowUsec: number): boolean {
    if (this.intervalUsec === 0 || this.burst === 0) return true;
    if (this.windowStart < 0 || nowUsec - this.windowStart > this.intervalUsec) {
      this.windowStart = nowUsec;
      this.count = 1;
      return true;
    }
    if (this.count < this.burst) {
      this.count++;
      return true;
    }
    return false;
  }

  /** `rsdctl reset-failed` forgets the starts counted so far. */
  reset(): void {
    this.windowStart = -1;
    this.count = 0;
  }
}
