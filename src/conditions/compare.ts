/** The comparison operators ConditionKernelVersion=, ConditionCPUs=, ConditionMemory=, ConditionOSRelease= take. */
export type Operator = '<' | '<=' | '=' | '!=' | '>=' | '>';

const OPERATORS: readonly Operator[] = ['<=', '>=', '!=', '<', '>', '='];

/** Splits a leading operator off (systemd's parse_compare_operator()); null when there is none. */
export function splitOperator(s: string): { op: Operator; rest: string } | null {
  const t = s.trimStart();
  for (const op of OPERATORS) if (t.startsWith(op)) return { op, rest: t.slice(op.length).trimStart() };
  return null;
}

export function holds(cmp: number, op: Operator): boolean {
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
  }
}

/**
 * Version comparison in the spirit of systemd's strverscmp_improved(): runs of digits compare as numbers, other
 * runs as text, `~` sorts before anything.
 */
export function compareVersions(a: string, b: string): number {
  const split = (s: string) => s.match(/~|\d+|[A-Za-z]+|[^A-Za-z\d~]+/g) ?? [];
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === '~') return -1;
    if (q === '~') return 1;
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (pn !== qn) {
      return pn ? 1 : -1;
    } else {
      return p < q ? -1 : 1;
    }
  }
  return 0;
}

/** fnmatch(3) without flags: `*`, `?` and `[...]`. */
export function fnmatch(pattern: string, text: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(re + '$', 's').test(text);
}
