import {
  cunescapeOne,
  extractFirstWord,
  extractWords,
  extractWordsAndWarn,
} from '../../src/unit/values/words';
import { ok } from '../../src/unit/values/result';

const Q = { unquote: true, cunescape: true };

describe('extractWords (systemd.syntax "Quoting")', () => {
  test('whitespace splits, runs of separators coalesce', () => {
    expect(extractWords('  foobar   waldo \t\n', {})).toEqual(ok(['foobar', 'waldo']));
    expect(extractWords('', {})).toEqual(ok([]));
    expect(extractWords('   ', {})).toEqual(ok([]));
  });

  test('quotes group, are removed, and may appear mid-word', () => {
    expect(extractWords('"a b" \'c d\' x"y z"w', Q)).toEqual(ok(['a b', 'c d', 'xy zw']));
    expect(extractWords('""', Q)).toEqual(ok(['']));
    expect(extractWords('"it\'s"', Q)).toEqual(ok(["it's"]));
  });

  test('without unquote, quotes are ordinary characters', () => {
    expect(extractWords('"a b"', {})).toEqual(ok(['"a', 'b"']));
  });

  test('keepQuote groups but keeps the quotes', () => {
    expect(extractWords('"a b" c', { keepQuote: true })).toEqual(ok(['"a b"', 'c']));
  });

  test('C escapes', () => {
    expect(extractWords('\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\\'\\s', Q)).toEqual(ok(['\x07\b\f\n\r\t\v\\"\' ']));
    expect(extractWords('\\x41\\101\\u00e9\\U0001F600', Q)).toEqual(ok(['AAé😀']));
    expect(extractWords('\\xc3\\xa9', Q)).toEqual(ok(['é']));
    expect(extractWords('"a\\tb"', Q)).toEqual(ok(['a\tb']));
  });

  test('escapes that systemd refuses', () => {
    for (const bad of ['\\x00', '\\000', '\\u0000', '\\q', '\\x4', '\\400', '\\UDC00DC00', '\\U00110000']) {
      expect(extractWords(bad, Q).ok).toBe(false);
    }
  });

  test('without cunescape a backslash just quotes the next character', () => {
    expect(extractWords('a\\ b \\n', {})).toEqual(ok(['a b', 'n']));
  });

  test('unterminated quote and trailing backslash are errors unless relaxed', () => {
    expect(extractWords('"abc', Q).ok).toBe(false);
    expect(extractWords("'abc", Q).ok).toBe(false);
    expect(extractWords('abc\\', Q).ok).toBe(false);
    expect(extractWords('"abc', { ...Q, relax: true })).toEqual(ok(['abc']));
    expect(extractWords('abc\\', { ...Q, relax: true })).toEqual(ok(['abc']));
    expect(extractWords('abc\\', { ...Q, unescapeRelax: true })).toEqual(ok(['abc\\']));
  });

  test('unescapeRelax keeps unknown escapes', () => {
    expect(extractWords('a\\qb', { ...Q, unescapeRelax: true })).toEqual(ok(['a\\qb']));
  });

  test('the "and warn" variant retries relaxed and warns', () => {
    const warnings: string[] = [];
    expect(extractWordsAndWarn('a\\qb c', Q, (w) => warnings.push(w))).toEqual(ok(['a\\qb', 'c']));
    expect(warnings).toHaveLength(1);
    expect(extractWordsAndWarn('"a', Q).ok).toBe(false);
  });

  test('custom separators without coalescing give empty words', () => {
    expect(extractWords('a::b:', { separators: ':', dontCoalesceSeparators: true })).toEqual(
      ok(['a', '', 'b', '']),
    );
    expect(extractWords('a,b', { separators: ',' })).toEqual(ok(['a', 'b']));
  });

  test('unescapeSeparators', () => {
    expect(extractWords('a\\:b:c', { separators: ':', unescapeSeparators: true })).toEqual(ok(['a:b', 'c']));
  });

  test('extractFirstWord reports where the rest starts', () => {
    const r = extractFirstWord('foo   bar', 0, {});
    expect(r).toEqual({ ok: true, word: 'foo', next: 6 });
    expect(extractFirstWord('foo', 0, {})).toEqual({ ok: true, word: 'foo', next: null });
    expect(extractFirstWord('x', null, {})).toEqual({ ok: true, word: null, next: null });
  });

  test('cunescapeOne', () => {
    expect(cunescapeOne('x41', 0)).toEqual({ code: 0x41, eightBit: true, len: 3 });
    expect(cunescapeOne('', 0)).toBeNull();
  });

  test('garbage never throws', () => {
    for (const g of [
      '\0',
      '\\',
      '"\\',
      "'\0'",
      '\\x',
      '\\u12',
      'a'.repeat(1 << 20),
      '"'.repeat(100001),
      '\uD800\\',
    ]) {
      expect(() => extractWords(g, Q)).not.toThrow();
      expect(() => extractWords(g, { relax: true, unquote: true })).not.toThrow();
    }
  });
});
