import {
  isValidEnvName,
  parseEnvironmentLine,
  parseEnvironmentLineWithWarnings,
} from '../../src/unit/values/environment';
import { fail, ok, type Parsed } from '../../src/unit/values/result';

const noSpec = (w: string): Parsed<string> => ok(w);

describe('parseEnvironmentLine (man systemd.exec Environment=)', () => {
  test('the man page example: "VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"', () => {
    expect(parseEnvironmentLine('"VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"', noSpec)).toEqual(
      ok([
        ['VAR1', 'word1 word2'],
        ['VAR2', 'word3'],
        ['VAR3', '$word 5 6'],
      ]),
    );
  });

  test('quotes anywhere in the word, escapes decoded, empty values', () => {
    expect(parseEnvironmentLine('A="1 2" B=\\x41 C= D==x', noSpec)).toEqual(
      ok([
        ['A', '1 2'],
        ['B', 'A'],
        ['C', ''],
        ['D', '=x'],
      ]),
    );
  });

  test('specifiers are expanded per word', () => {
    const spec = (w: string): Parsed<string> =>
      w.includes('%z') ? fail('unknown') : ok(w.replace('%n', 'x.service'));
    expect(parseEnvironmentLine('U=%n', spec)).toEqual(ok([['U', 'x.service']]));
    expect(parseEnvironmentLine('U=%z', spec).ok).toBe(false);
  });

  test.each(['1A=x', 'A-B=x', 'NOEQUALS', '=x', '"A=1', 'A B=1'])('%j is reported', (s) => {
    const r = parseEnvironmentLine(s, noSpec);
    expect(r.ok).toBe(false);
  });

  test('systemd skips bad words but keeps the good ones', () => {
    const r = parseEnvironmentLineWithWarnings('A=1 1B=2 C=3', noSpec);
    expect(r.vars).toEqual([
      ['A', '1'],
      ['C', '3'],
    ]);
    expect(r.warnings).toHaveLength(1);
    // Unbalanced quoting ends the line; what came before stays.
    const u = parseEnvironmentLineWithWarnings('A=1 "B=2', noSpec);
    expect(u.vars).toEqual([['A', '1']]);
    expect(u.warnings).toHaveLength(1);
  });

  test('garbage never throws', () => {
    for (const g of ['\0', '=', '"', 'A=\0', 'A='.repeat(1 << 18), 'x'.repeat(1 << 20)]) {
      expect(() => parseEnvironmentLine(g, noSpec)).not.toThrow();
    }
  });
});

describe('isValidEnvName', () => {
  test.each(['A', '_', 'a_b9', 'PATH', '_1'])('%s is valid', (s) => expect(isValidEnvName(s)).toBe(true));
  test.each(['', '1A', 'A-B', 'A.B', 'A B', 'Ä', 'A=B'])('%j is invalid', (s) =>
    expect(isValidEnvName(s)).toBe(false),
  );
});
