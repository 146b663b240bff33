import {
  expandExecVariables,
  parseExecLine,
  parseExecLineDetailed,
  replaceEnv,
} from '../../src/unit/values/command-line';
import { parseEnvironmentLine } from '../../src/unit/values/environment';
import { fail, ok, type Parsed } from '../../src/unit/values/result';

const noSpec = (w: string): Parsed<string> => ok(w);
const spec = (w: string): Parsed<string> =>
  w.includes('%z') ? fail('unknown specifier') : ok(w.replace(/%n/g, 'foo.service'));

function cmds(raw: string) {
  const r = parseExecLine(raw, spec);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('parseExecLine: man systemd.service examples', () => {
  test('two commands separated by a lone ;', () => {
    const c = cmds('echo one ; echo "two two"');
    expect(c.map((x) => x.argv)).toEqual([
      ['echo', 'one'],
      ['echo', 'two two'],
    ]);
    expect(c.map((x) => x.path)).toEqual(['echo', 'echo']);
    expect(c.map((x) => x.raw)).toEqual(['echo one', 'echo "two two"']);
  });

  test('\\; is a literal argument (value after line continuation)', () => {
    const c = cmds('echo / >/dev/null & \\;  ls');
    expect(c).toHaveLength(1);
    expect(c[0]!.argv).toEqual(['echo', '/', '>/dev/null', '&', ';', 'ls']);
  });

  test("sh -c 'dmesg | tac'", () => {
    expect(cmds("sh -c 'dmesg | tac'")[0]!.argv).toEqual(['sh', '-c', 'dmesg | tac']);
  });
});

describe('parseExecLine: prefixes', () => {
  test('each prefix and its flag', () => {
    expect(cmds('-/bin/true')[0]!.flags.ignoreFailure).toBe(true);
    expect(cmds(':/bin/true')[0]!.flags.noEnvExpand).toBe(true);
    expect(cmds('+/bin/true')[0]!.flags.fullPrivileges).toBe(true);
    expect(cmds('!/bin/true')[0]!.flags.noSetuid).toBe(true);
    const amb = cmds('!!/bin/true')[0]!.flags;
    expect([amb.ambientFallback, amb.noSetuid]).toEqual([true, false]);
  });

  test('any order, combined', () => {
    const c = cmds('@-:+/bin/sleep sleeper 10')[0]!;
    expect(c.flags).toEqual({
      ignoreFailure: true,
      argv0: true,
      noEnvExpand: true,
      fullPrivileges: true,
      noSetuid: false,
      ambientFallback: false,
    });
    expect(c.path).toBe('/bin/sleep');
    expect(c.argv).toEqual(['sleeper', '10']);
  });

  test('+ and ! exclude each other; a repeated prefix is part of the path', () => {
    expect(parseExecLine('+!/bin/true', noSpec).ok).toBe(false);
    expect(parseExecLine('!+/bin/true', noSpec).ok).toBe(false);
    expect(parseExecLine('!!!/bin/true', noSpec).ok).toBe(false);
    expect(parseExecLine('--/bin/true', noSpec).ok).toBe(false);
  });

  test('a quoted first word still has its prefixes', () => {
    const c = cmds('"-/usr/bin/my prog" a')[0]!;
    expect([c.path, c.flags.ignoreFailure]).toEqual(['/usr/bin/my prog', true]);
  });
});

describe('parseExecLine: words', () => {
  test('quotes and C escapes', () => {
    expect(cmds('/bin/echo "a b" \'c d\' e\\tf \\x41 "x"y\'z\'')[0]!.argv).toEqual([
      '/bin/echo',
      'a b',
      'c d',
      'e\tf',
      'A',
      'xyz',
    ]);
  });

  test('unknown escapes are kept with a warning', () => {
    const warnings: string[] = [];
    const r = parseExecLine('/bin/echo a\\;b \\q', noSpec, (w) => warnings.push(w));
    expect(r).toEqual(ok([expect.objectContaining({ argv: ['/bin/echo', 'a\\;b', '\\q'] })]));
    expect(warnings.length).toBe(2);
  });

  test('a trailing backslash is kept verbatim, as the relaxed retry allows', () => {
    expect(cmds('/bin/echo \\')[0]!.argv).toEqual(['/bin/echo', '\\']);
  });

  test('a ; glued to a word or quoted is an argument, not a separator', () => {
    expect(cmds('/bin/echo a; b')[0]!.argv).toEqual(['/bin/echo', 'a;', 'b']);
    expect(cmds('/bin/echo ";" b')[0]!.argv).toEqual(['/bin/echo', ';', 'b']);
    expect(cmds('/bin/echo \\\\; b')[0]!.argv).toEqual(['/bin/echo', '\\;', 'b']);
  });

  test('leading and trailing ; are harmless', () => {
    expect(cmds('; /bin/a ;').map((c) => c.argv)).toEqual([['/bin/a']]);
  });

  test('specifiers are expanded per word after splitting', () => {
    expect(cmds('/bin/echo %n "a %n"')[0]!.argv).toEqual(['/bin/echo', 'foo.service', 'a foo.service']);
  });

  test('argv[0] keeps the written path, path is simplified', () => {
    const c = cmds('/usr//bin/./true')[0]!;
    expect(c.path).toBe('/usr/bin/true');
    expect(c.argv[0]).toBe('/usr//bin/./true');
  });

  test('a bare name is kept for later lookup', () => {
    expect(cmds('true')[0]).toMatchObject({ path: 'true', argv: ['true'] });
  });

  test('an empty value is a reset (no commands)', () => {
    expect(parseExecLine('', noSpec)).toEqual(ok([]));
  });
});

describe('parseExecLine: errors', () => {
  test.each([
    ['relative path with a slash', 'bin/true'],
    ['directory', '/bin/'],
    ['empty path after prefixes', '-'],
    ['@ without argv[0]', '@/bin/true'],
    ['quote in the path', '/bin/tr"ue"x\\"'],
    ['unbalanced quote in an argument', '/bin/echo "abc'],
    ['unknown specifier', '/bin/echo %z'],
  ])('%s', (_why, raw) => {
    expect(parseExecLine(raw, spec).ok).toBe(false);
  });

  test('the "-" prefix makes errors non-fatal; earlier commands are kept', () => {
    const r = parseExecLineDetailed('/bin/a ; -/bin/b "x', noSpec);
    expect(r.commands.map((c) => c.path)).toEqual(['/bin/a']);
    expect([r.error !== null, r.fatal]).toEqual([true, false]);
    expect(parseExecLineDetailed('/bin/b "x', noSpec).fatal).toBe(true);
    // An unbalanced first word is only logged by systemd, the unit still loads.
    expect(parseExecLineDetailed('"/bin/b', noSpec).fatal).toBe(false);
  });

  test('garbage never throws', () => {
    for (const g of [
      '\0',
      '"',
      "'",
      '\\',
      ';;;',
      '\0/bin/x',
      'x'.repeat(1 << 20),
      '/a "'.repeat(1000),
      '@@@@',
    ]) {
      expect(() => parseExecLine(g, spec)).not.toThrow();
    }
    expect(parseExecLine('/bin/x\x01', noSpec).ok).toBe(false);
  });
});

describe('expandExecVariables (man systemd.service)', () => {
  function envOf(line: string): Map<string, string> {
    const r = parseEnvironmentLine(line, noSpec);
    if (!r.ok) throw new Error(r.error);
    return new Map(r.value);
  }

  test('$ONE $TWO ${TWO}', () => {
    const env = envOf('"ONE=one" \'TWO=two two\'');
    expect(expandExecVariables(['echo', '$ONE', '$TWO', '${TWO}'], env)).toEqual([
      'echo',
      'one',
      'two',
      'two',
      'two two',
    ]);
  });

  test('quotes inside values: ${} keeps them, $ splits and unquotes', () => {
    const env = envOf("ONE='one' \"TWO='two two' too\" THREE=");
    // The man page says "'one'", but quotes inside an Environment= word are removed: systemd issue #42442.
    expect(expandExecVariables(['/bin/echo', '${ONE}', '${TWO}', '${THREE}'], env)).toEqual([
      '/bin/echo',
      'one',
      "'two two' too",
      '',
    ]);
    expect(expandExecVariables(['/bin/echo', '$ONE', '$TWO', '$THREE'], env)).toEqual([
      '/bin/echo',
      'one',
      'two two',
      'too',
    ]);
  });

  test('$$ is a literal $, unset ${X} is empty, unset $X vanishes', () => {
    const env = new Map([['A', 'x']]);
    expect(expandExecVariables(['$$', '$${A}', 'a$$b', '${NOPE}', '$NOPE', 'pre${A}post'], env)).toEqual([
      '$',
      '${A}',
      'a$b',
      '',
      'prexpost',
    ]);
  });

  test('$VAR inside a word is literal; a whole word starting with $ names the variable by all its text', () => {
    const env = new Map([['A', 'x']]);
    expect(expandExecVariables(['a$A', '$A/b', '${A:-d}', '${A'], env)).toEqual(['a$A', '${A:-d}', '${A']);
  });

  test('replaceEnv', () => {
    expect(replaceEnv('${A}${B}$', new Map([['A', '1']]))).toBe('1$');
  });
});
