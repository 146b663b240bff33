/**
 * journald's RateLimitIntervalSec=/RateLimitBurst=, per unit: past the burst within one interval entries
 * are dropped, and when the next interval begins one entry says how many ("Suppressed N messages from
 * UNIT", as journald writes it). Off (interval 0) by default in rsd: back-pressure loses nothing.
 */
export class RateLimiter {
  private readonly state = new Map<string, { begin: number; count: number; suppressed: number }>();

  constructor(
    private readonly intervalUs: number,
    private readonly burst: number,
    private readonly suppressed: (unit: string, n: number) => void,
  ) {}

  get enabled(): boolean {
    return this.intervalUs > 0 && this.burst > 0;
  }

  admit(unit: string, monotonicUs: number): boolean {
    let s = this.state.get(unit);
    if (!s) {
      s = { begin: monotonicUs, count: 0, suppressed: 0 };
      this.state.set(unit, s);
    }
    if (monotonicUs - s.begin >= this.intervalUs) {
      if (s.suppressed > 0) this.suppressed(unit, s.suppressed);
      s.begin = monotonicUs;
      s.count = 0;
      s.suppressed = 0;
    }
    if (s.count < this.burst) {
      s.count++;
      return true;
    }
    s.suppressed++;
    return false;
  }
}
