import { parseEnvironmentFile, parseEnvFileEntries } from '../../src/unit/values/environment-file';

function vars(text: string): Record<string, string> {
  return Object.fromEntries(parseEnvironmentFile(text).vars);
}

describe('parseEnvironmentFile (man systemd.exec EnvironmentFile=)', () => {
  test('comments, blank lines, lines without "=" are ignored', () => {
    expect(vars('# c\n; c\n\nNOEQ\nA=1\n  # indented comment\n')).toEqual({ A: '1' });
  });

  test('unquoted: outer whitespace dropped, interior kept, quotes after the first character kept', () => {
    expect(vars('A =  x  y  \nB=a"b"c\nC=a \'b\'\n')).toEqual({ A: 'x  y', B: 'a"b"c', C: "a 'b'" });
  });

  test('unquoted backslashes: "\\\\" is "\\", "\\x" is "x", backslash-newline continues', () => {
    expect(vars('A=a\\\\b\nB=\\x41\nC=one \\\ntwo\n')).toEqual({ A: 'a\\b', B: 'x41', C: 'one two' });
  });

  test('single quotes: verbatim, may span lines, no escapes', () => {
    expect(vars("A='a \\n b'\nB='line1\nline2'\n")).toEqual({ A: 'a \\n b', B: 'line1\nline2' });
  });

  test('double quotes: \\" \\\\ \\` \\$ unescaped, other escapes kept, backslash-newline removed', () => {
    expect(vars('A="q\\"b\\\\s\\`t\\$d"\nB="x\\ny"\nC="a\\\nb"\nD="multi\nline"\n')).toEqual({
      A: 'q"b\\s`t$d',
      B: 'x\\ny',
      C: 'ab',
      D: 'multi\nline',
    });
  });

  test('whitespace outside quotes is discarded and text after a closing quote continues the value', () => {
    expect(vars('A=  "x y"  \nB="a"b\n')).toEqual({ A: 'x y', B: 'ab' });
  });

  test('CRLF line endings', () => {
    expect(vars('A=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });

  test('a last line without newline, and an empty value', () => {
    expect(vars('A=\nB=2')).toEqual({ A: '', B: '2' });
  });

  test('"export" is not special: the entry is dropped as an invalid name', () => {
    const r = parseEnvironmentFile('export A=1\nB=2\n');
    expect(r.vars).toEqual([['B', '2']]);
    expect(r.errors).toEqual([{ line: 1, message: expect.stringContaining('export A') }]);
  });

  test('invalid names are reported with their line', () => {
    const r = parseEnvironmentFile('A=1\n\n1B=2\nC-D=3\n');
    expect(r.vars).toEqual([['A', '1']]);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  test('a later assignment wins', () => {
    expect(parseEnvironmentFile('A=1\nB=2\nA=3\n').vars).toEqual([
      ['A', '3'],
      ['B', '2'],
    ]);
  });

  test('a comment is only a comment at the start of a line', () => {
    expect(vars('A=1 # not a comment\n')).toEqual({ A: '1 # not a comment' });
  });

  test('raw entries keep what the grammar yields', () => {
    expect(parseEnvFileEntries('  K  =  v  \n')).toEqual([{ key: 'K', value: 'v', line: 1 }]);
  });

  test('garbage never throws', () => {
    for (const g of [
      '\0',
      '"',
      "A='",
      'A="\\',
      '=\n=\n',
      '\\',
      'A=\0\nB=\uD800',
      'x'.repeat(1 << 20),
      'A=1\n'.repeat(1 << 16),
    ]) {
      expect(() => parseEnvironmentFile(g)).not.toThrow();
    }
  });
});
