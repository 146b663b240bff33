import { parseSignal, signalName } from '../../src/unit/values/signal';

describe('parseSignal', () => {
  test.each([
    ['SIGTERM', 15],
    ['TERM', 15],
    ['15', 15],
    ['SIGKILL', 9],
    ['HUP', 1],
    ['SIGSTKFLT', 16],
    ['SIGSYS', 31],
    ['RTMIN', 34],
    ['SIGRTMIN', 34],
    ['RTMIN+3', 37],
    ['SIGRTMIN+3', 37],
    ['RTMIN+30', 64],
    ['RTMAX', 64],
    ['RTMAX-1', 63],
    ['SIGRTMAX-30', 34],
    ['64', 64],
  ])('%s = %d', (s, n) => {
    expect(parseSignal(s)).toEqual({ ok: true, value: n });
  });

  test.each([
    '0',
    '65',
    '-1',
    'sigterm',
    'term',
    'SIGIOT',
    'SIGPOLL',
    'RTMIN+31',
    'RTMAX-31',
    'RTMIN-1',
    'RTMAX+1',
    'RTMIN+',
    'SIG15',
    '',
    'SIG',
    'RTMINX',
    '\0',
    '9'.repeat(100000),
  ])('%j is an error', (s) => {
    expect(parseSignal(s).ok).toBe(false);
  });
});

describe('signalName', () => {
  test.each([
    [15, 'SIGTERM'],
    [9, 'SIGKILL'],
    [34, 'SIGRTMIN+0'],
    [37, 'SIGRTMIN+3'],
    [64, 'SIGRTMIN+30'],
    [0, '0'],
    [99, '99'],
  ])('%d = %s', (n, name) => {
    expect(signalName(n)).toBe(name);
  });
});
