/** The two timestamps of an entry, taken once per chunk of input rather than once per line. */
export interface Stamp {
  /** µs since the epoch. */
  readonly realtime: number;
  /** µs of CLOCK_MONOTONIC (Node's hrtime is CLOCK_MONOTONIC). */
  readonly monotonic: number;
}

export function now(): Stamp {
  return {
    realtime: Math.floor((performance.timeOrigin + performance.now()) * 1000),
    monotonic: Number(process.hrtime.bigint() / 1000n),
  };
}
