import { lexUnitFile, LONG_LINE_MAX } from '../../src/unit/lexer';

const lex = (text: string | Buffer) => lexUnitFile(text, '/u/x.service');
const pairs = (text: string) => lex(text).assignments.map((a) => [a.section, a.key, a.value, a.line]);

describe('lexUnitFile', () => {
  it('reads sections, keys and values with surrounding whitespace stripped', () => {
    expect(pairs('[Unit]\n Description = a  b \n\t[Service]  \nExecStart = /bin/true \n')).toEqual([
      ['Unit', 'Description', 'a  b', 2],
      ['Service', 'ExecStart', '/bin/true', 4],
    ]);
  });

  it('skips # and ; comments and blank lines', () => {
    expect(pairs('# c\n; c\n\n[Unit]\n  # indented\nA=1\n')).toEqual([['Unit', 'A', '1', 6]]);
  });

  it('joins continuation lines with a space, drops comments inside them, reports the last line', () => {
    const r = lex('[Unit]\nDescription=a \\\n# comment inside\n  b\nAfter=x\n');
    expect(r.assignments[0]).toMatchObject({ key: 'Description', value: 'a    b', line: 4 });
    expect(r.assignments[1]).toMatchObject({ key: 'After', line: 5 });
  });

  it('does not continue after an escaped backslash', () => {
    expect(pairs('[S]\nA=x\\\\\nB=y\n')).toEqual([
      ['S', 'A', 'x\\\\', 2],
      ['S', 'B', 'y', 3],
    ]);
  });

  it('keeps repeated keys in order; keys are case-sensitive', () => {
    expect(pairs('[S]\nA=1\nA=2\na=3\n').map((p) => p[1] + '=' + p[2])).toEqual(['A=1', 'A=2', 'a=3']);
  });

  it('warns like systemd about missing =, empty keys and assignments before any section', () => {
    const r = lex('K=1\n[S]\nFoo\n=bar\n');
    expect(r.assignments).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([
      '1: Assignment outside of section. Ignoring.',
      "3: Missing '=', ignoring line.",
      "4: Missing key name before '=', ignoring line.",
    ]);
    expect(r.fatal).toBe(false);
  });

  it('refuses the file on an invalid section header', () => {
    const r = lex('[Unit]\nA=1\n[Service\nB=2\n');
    expect(r.fatal).toBe(true);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ line: 3, message: "Invalid section header '[Service'" }),
    );
  });

  it('refuses the file on a line longer than 1 MiB', () => {
    const r = lex('[S]\nA=' + 'x'.repeat(LONG_LINE_MAX + 1) + '\n');
    expect(r.fatal).toBe(true);
    expect(r.diagnostics[0]).toMatchObject({ line: 2, message: 'Line too long' });
  });

  it('treats NUL, CR and CRLF as line ends and strips a BOM', () => {
    expect(pairs('\ufeff[S]\r\nA=1\rB=a\0C=2\n')).toEqual([
      ['S', 'A', '1', 2],
      ['S', 'B', 'a', 3],
      ['S', 'C', '2', 4],
    ]);
  });

  it('skips lines that are not UTF-8 and keeps the rest', () => {
    const r = lex(Buffer.concat([Buffer.from('[S]\nA='), Buffer.from([0xff, 0xfe]), Buffer.from('\nB=2\n')]));
    expect(r.assignments.map((a) => a.key)).toEqual(['B']);
    expect(r.diagnostics[0]!.message).toMatch(/^String is not UTF-8 clean/);
  });

  it('survives binary garbage without throwing', () => {
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    expect(() => lex(garbage)).not.toThrow();
  });

  it('parses what a last line ending in a backslash gathered', () => {
    expect(pairs('[S]\nA=1 \\')).toEqual([['S', 'A', '1', 2]]);
  });
});
