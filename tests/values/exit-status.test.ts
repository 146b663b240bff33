import {
  exitStatusName,
  parseExitStatusSet,
  parseExitStatusSetWithWarnings,
} from '../../src/unit/values/exit-status';

describe('exitStatusName (man systemd.exec "Process Exit Codes")', () => {
  test.each([
    [0, 'SUCCESS'],
    [1, 'FAILURE'],
    [2, 'INVALIDARGUMENT'],
    [7, 'NOTRUNNING'],
    [64, 'USAGE'],
    [78, 'CONFIG'],
    [200, 'CHDIR'],
    [203, 'EXEC'],
    [226, 'NAMESPACE'],
    [231, 'APPARMOR'],
    [243, 'CREDENTIALS'],
    [245, 'BPF'],
    [255, 'EXCEPTION'],
  ])('%d = %s', (n, name) => {
    expect(exitStatusName(n)).toBe(name);
  });
  test.each([8, 223, 234, 244, 256, -1])('%d has no name', (n) => {
    expect(exitStatusName(n)).toBeNull();
  });
});

describe('parseExitStatusSet', () => {
  test('numbers, names and signals (man systemd.service SuccessExitStatus= example)', () => {
    expect(parseExitStatusSet('TEMPFAIL 250 SIGKILL')).toEqual({
      ok: true,
      value: { statuses: [75, 250], signals: [9] },
    });
  });

  test('numbers are statuses, never signals; duplicates collapse', () => {
    expect(parseExitStatusSet('15 SIGTERM TERM 15 0 255')).toEqual({
      ok: true,
      value: { statuses: [0, 15, 255], signals: [15] },
    });
  });

  test('empty value is an empty set (a reset)', () => {
    expect(parseExitStatusSet('')).toEqual({ ok: true, value: { statuses: [], signals: [] } });
  });

  test.each(['256', 'EXIT_FAILURE', 'failure', 'FOO', '-1', 'SIGFOO', '\\'])('%j is an error', (s) => {
    expect(parseExitStatusSet(s).ok).toBe(false);
  });

  test('systemd keeps the good words and warns about bad ones', () => {
    const r = parseExitStatusSetWithWarnings('1 bogus SIGHUP');
    expect(r.value).toEqual({ statuses: [1], signals: [1] });
    expect(r.warnings).toHaveLength(1);
  });

  test('garbage never throws', () => {
    for (const g of ['\0', '1'.repeat(1 << 20), '1 '.repeat(1 << 18)])
      expect(() => parseExitStatusSet(g)).not.toThrow();
  });
});
