/** One line of the benchmark table: a figure, and the baseline measured in the same run. */
export interface BenchRow {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number;
  readonly baselineName: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Times `fn` `runs` times after `warmup` untimed runs; returns the median in milliseconds. */
export function timeMedianMs(fn: () => void, runs: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

export function renderTable(rows: readonly BenchRow[]): string {
  const header = ['figure', 'value', 'baseline (same run)', 'ratio'];
  const body = rows.map((r) => [
    r.figure,
    `${r.value.toFixed(2)} ${r.unit}`,
    `${r.baseline.toFixed(2)} ${r.unit} (${r.baselineName})`,
    `${(r.value / r.baseline).toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}
