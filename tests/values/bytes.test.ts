import {
  parseByteLimit,
  parseBytes,
  parsePermyriad,
  parseRlimit,
  parseSizeExact,
} from '../../src/unit/values/bytes';

const K = 1024;
const M = K * K;
const G = M * K;

describe('parseBytes (K M G T P E to the base 1024)', () => {
  test.each([
    ['0', 0],
    ['512', 512],
    ['512B', 512],
    ['1K', K],
    ['16G', 16 * G],
    ['1.5G', 1.5 * G],
    ['1.5K', 1536],
    ['10.M', 10 * M],
    ['1G 512M', G + 512 * M],
    ['1G512M', G + 512 * M],
    ['1K5', K + 5],
    ['  5 K', 5 * K],
    ['1T', K * G],
    ['1P', K * K * G],
    ['infinity', Infinity],
  ])('%s', (s, n) => {
    expect(parseBytes(s)).toEqual({ ok: true, value: n });
  });

  test('1E is 2^60 exactly', () => {
    expect(parseSizeExact('1E')).toEqual({ ok: true, value: 1n << 60n });
    expect(parseSizeExact('15E').ok).toBe(true);
    expect(parseSizeExact('16E').ok).toBe(false);
  });

  test.each([
    '',
    '-1',
    '1KB',
    '1k',
    '1KiB',
    '1M 1G',
    '1K 1K',
    '1 2',
    'K',
    '.5K',
    '1X',
    'infinite',
    '18446744073709551616',
    '1e3',
  ])('%j is an error', (s) => {
    expect(parseBytes(s).ok).toBe(false);
  });

  test('SI base', () => {
    expect(parseSizeExact('1.5K', 1000)).toEqual({ ok: true, value: 1500n });
  });
});

describe('parseByteLimit', () => {
  test('bytes, infinity, percentages only when allowed', () => {
    expect(parseByteLimit('1G')).toEqual({ ok: true, value: { kind: 'bytes', bytes: G } });
    expect(parseByteLimit('infinity')).toEqual({ ok: true, value: { kind: 'infinity' } });
    expect(parseByteLimit('50%').ok).toBe(false);
    expect(parseByteLimit('50%', { allowPercent: true })).toEqual({
      ok: true,
      value: { kind: 'percent', percent: 50 },
    });
    expect(parseByteLimit('12.5%', { allowPercent: true })).toEqual({
      ok: true,
      value: { kind: 'percent', percent: 12.5 },
    });
    expect(parseByteLimit('125‰', { allowPercent: true })).toEqual({
      ok: true,
      value: { kind: 'percent', percent: 12.5 },
    });
    expect(parseByteLimit('101%', { allowPercent: true }).ok).toBe(false);
  });

  test('parsePermyriad returns basis points', () => {
    expect(parsePermyriad('12.34%')).toEqual({ ok: true, value: 1234 });
    expect(parsePermyriad('1.5‰')).toEqual({ ok: true, value: 15 });
    expect(parsePermyriad('7‱')).toEqual({ ok: true, value: 7 });
    for (const bad of ['12.345%', '.5%', '5.%', '-1%', '%', '1.5‱', 'x%'])
      expect(parsePermyriad(bad).ok).toBe(false);
  });
});

describe('parseRlimit (man systemd.exec Limit*=)', () => {
  test('single value, soft:hard, infinity', () => {
    expect(parseRlimit('1024', 'count')).toEqual({ ok: true, value: { soft: 1024, hard: 1024 } });
    expect(parseRlimit('1024:524288', 'count')).toEqual({ ok: true, value: { soft: 1024, hard: 524288 } });
    expect(parseRlimit('infinity', 'count')).toEqual({ ok: true, value: { soft: Infinity, hard: Infinity } });
    expect(parseRlimit('1024:infinity', 'count')).toEqual({
      ok: true,
      value: { soft: 1024, hard: Infinity },
    });
    expect(parseRlimit('4G:16G', 'bytes')).toEqual({ ok: true, value: { soft: 4 * G, hard: 16 * G } });
  });

  test('soft above hard, empty halves and extra fields are errors', () => {
    for (const bad of ['2:1', 'infinity:5', '1:', ':1', '', '1:2:3', '1K', 'x'])
      expect(parseRlimit(bad, 'count').ok).toBe(false);
  });

  test('LimitCPU= is seconds, rounded up; LimitRTTIME= is microseconds', () => {
    expect(parseRlimit('30', 'time')).toEqual({ ok: true, value: { soft: 30, hard: 30 } });
    expect(parseRlimit('1min', 'time')).toEqual({ ok: true, value: { soft: 60, hard: 60 } });
    expect(parseRlimit('1500ms', 'time')).toEqual({ ok: true, value: { soft: 2, hard: 2 } });
    expect(parseRlimit('500', 'usec')).toEqual({ ok: true, value: { soft: 500, hard: 500 } });
    expect(parseRlimit('1s', 'usec')).toEqual({ ok: true, value: { soft: 1e6, hard: 1e6 } });
  });

  test('LimitNICE=: +/- are nice levels, bare numbers raw 0..40', () => {
    expect(parseRlimit('-20', 'nice')).toEqual({ ok: true, value: { soft: 40, hard: 40 } });
    expect(parseRlimit('+19', 'nice')).toEqual({ ok: true, value: { soft: 1, hard: 1 } });
    expect(parseRlimit('+0', 'nice')).toEqual({ ok: true, value: { soft: 20, hard: 20 } });
    expect(parseRlimit('0', 'nice')).toEqual({ ok: true, value: { soft: 0, hard: 0 } });
    expect(parseRlimit('40', 'nice')).toEqual({ ok: true, value: { soft: 40, hard: 40 } });
    for (const bad of ['+20', '-21', '41', 'x']) expect(parseRlimit(bad, 'nice').ok).toBe(false);
  });

  test('garbage never throws', () => {
    for (const g of ['\0', ':', '::', '1'.repeat(1 << 20), '1.'.repeat(1 << 18), '\\', '1\\:2']) {
      for (const k of ['bytes', 'count', 'time', 'usec', 'nice'] as const)
        expect(() => parseRlimit(g, k)).not.toThrow();
      expect(() => parseBytes(g)).not.toThrow();
      expect(() => parseByteLimit(g, { allowPercent: true })).not.toThrow();
    }
  });
});
