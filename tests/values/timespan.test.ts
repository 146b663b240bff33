import { execFileSync } from 'child_process';
import { formatTimeSpan, parseTimeSpan, parseTimeSpanExact } from '../../src/unit/values/timespan';

/** Inputs checked against `systemd-analyze timespan`, the reference implementation. */
const ORACLE_INPUTS = [
  '1min 30s',
  '1.5s',
  '1min30s',
  '2h 5m',
  '+5s',
  '.5s',
  '5.s',
  '5 6',
  '12.34 .56',
  '1M',
  '1y',
  '1µs',
  '1μs',
  '5 s',
  '0',
  'infinity',
  ' infinity ',
  '1.5',
  '1w 2d',
  '100ms',
  '1.234567s',
  '61s',
  '59.5s',
  '1d 0.5h',
  '5S',
  '5mo',
  '1234567us',
  '1.1us',
  '18446744073709551615us',
  '9223372036854775807',
  '1y 1M',
  '90min',
  '0.0000001s',
  '1 2 3',
  '',
  '  ',
  '1hr',
  '1msec',
  '1usec',
  '1hours',
  '1e3s',
  '0x10s',
  '1.2.3',
  '12.34s.56',
  '-5s',
  '5sec5',
  '1.05min',
  '59.999999s',
  '0.5ms',
  '3y 5month 2w 3d 4h 5min 6s 7ms 8us',
  '1m30',
  '584542y',
  '500000y',
  'infinityx',
  'INFINITY',
  '5s infinity',
  '1ms1us',
  '123.',
  '1.-0',
  '1.+1',
  '1weeks',
  '2days',
  '1 min',
  '7 d 3 h',
  '10ms 5us',
  '1.000001s',
  '45.5min',
  'x',
  '5 5x',
  '0.5y',
  '1.5M',
];

function oracle(input: string): { usec: bigint; human: string } | null {
  try {
    const out = execFileSync('systemd-analyze', ['timespan', '--', input], { encoding: 'utf8' });
    const usec = /: (\d+)\n/.exec(out.split('\n')[1] + '\n');
    const human = /Human: (.*)/.exec(out);
    return usec && human ? { usec: BigInt(usec[1]!), human: human[1]! } : null;
  } catch {
    return null;
  }
}

function haveOracle(): boolean {
  try {
    execFileSync('systemd-analyze', ['timespan', '1s'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('parseTimeSpan against systemd-analyze', () => {
  const run = haveOracle() ? test : test.skip;
  run.each(ORACLE_INPUTS)('%j', (input) => {
    const expected = oracle(input);
    const got = parseTimeSpanExact(input);
    if (expected === null) {
      expect(got.ok).toBe(false);
      return;
    }
    expect(got).toEqual({ ok: true, value: expected.usec });
    expect(formatTimeSpan(expected.usec)).toBe(expected.human);
  });
});

describe('parseTimeSpan (man systemd.time)', () => {
  test.each([
    ['2 h', 7200e6],
    ['2hours', 7200e6],
    ['48hr', 48 * 3600e6],
    ['1y 12month', 31557600e6 + 12 * 2629800e6],
    ['55s500ms', 55.5e6],
    ['300ms20s 5day', 5 * 86400e6 + 20e6 + 300e3],
    ['1min30s', 90e6],
    ['2h 5m', 7500e6],
  ])('%s', (input, usec) => {
    expect(parseTimeSpan(input)).toEqual({ ok: true, value: usec });
  });

  test('infinity is Infinity', () => {
    expect(parseTimeSpan('infinity')).toEqual({ ok: true, value: Infinity });
  });

  test('bare numbers take the default unit', () => {
    expect(parseTimeSpan('5')).toEqual({ ok: true, value: 5e6 });
    expect(parseTimeSpan('5', 'ms')).toEqual({ ok: true, value: 5000 });
    expect(parseTimeSpan('5', 'us')).toEqual({ ok: true, value: 5 });
    expect(parseTimeSpan('1.5', 'ms')).toEqual({ ok: true, value: 1500 });
    expect(parseTimeSpan('5min 3', 'ms')).toEqual({ ok: true, value: 300003000 });
  });

  test('errors name the input', () => {
    const r = parseTimeSpan('5 apples');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('5 apples');
  });

  test('garbage never throws', () => {
    for (const g of [
      '\0',
      '5\0s',
      '1'.repeat(1 << 20),
      '.'.repeat(1 << 20),
      '1s'.repeat(1 << 18),
      '\uD800',
      '%%%',
    ]) {
      expect(() => parseTimeSpan(g)).not.toThrow();
    }
    expect(parseTimeSpan('1'.repeat(1 << 20)).ok).toBe(false);
  });
});

describe('formatTimeSpan', () => {
  test.each([
    [0, '0'],
    [Infinity, 'infinity'],
    [90e6, '1min 30s'],
    [500e3, '500ms'],
    [1.5e6, '1.500000s'],
    [1, '1us'],
    [1001, '1.001ms'],
    [3600e6 + 1, '1h 1us'],
    [-5, '0'],
    [NaN, '0'],
  ])('%s', (usec, text) => {
    expect(formatTimeSpan(usec)).toBe(text);
  });

  test('accuracy drops smaller parts like systemctl show', () => {
    expect(formatTimeSpan(90.5e6, 1e6)).toBe('1min 30s');
    expect(formatTimeSpan(1.5e6, 1000)).toBe('1.500s');
  });
});
