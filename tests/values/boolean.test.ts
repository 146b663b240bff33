import { parseBoolean } from '../../src/unit/values/boolean';

describe('parseBoolean (man systemd.syntax)', () => {
  test.each(['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'True', 'On'])('%s is true', (s) => {
    expect(parseBoolean(s)).toEqual({ ok: true, value: true });
  });
  test.each(['0', 'no', 'n', 'false', 'f', 'off', 'NO', 'False', 'OFF'])('%s is false', (s) => {
    expect(parseBoolean(s)).toEqual({ ok: true, value: false });
  });
  test.each(['', ' yes', 'yes ', '2', 'enable', 'oui', '\0', 'x'.repeat(1 << 20)])('%j is an error', (s) => {
    const r = parseBoolean(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeLessThan(200);
  });
});
