import type { Parsed } from '../values/result';

/**
 * How far rsd honours a directive:
 * - `enforced`: parsed, and the manager acts on it;
 * - `accepted`: parsed and validated, but not acted on yet ("not enforced" in `rsd verify`);
 * - `ignored`: recognised so that it never warns, not even parsed (obsolete or meaningless for rsd).
 */
export type Support = 'enforced' | 'accepted' | 'ignored';

/** What a value parser may ask about the unit whose file it reads. */
export interface ValueContext {
  readonly unitName: string;
  /** Resolves `%` specifiers for this unit. */
  expand(text: string): Parsed<string>;
  /** Reports a problem with part of a value that systemd skips while keeping the rest. */
  warn(message: string): void;
}

/**
 * A failure marked `fatal` makes the whole unit fail to load (systemd's -ENOEXEC from a parser); any other
 * failure only drops the assignment.
 */
export type RowParsed<V> = Parsed<V> | { readonly ok: false; readonly error: string; readonly fatal: true };

export type ValueParser<V> = (raw: string, ctx: ValueContext) => RowParsed<V>;

/**
 * One directive: how its value is read and where it lands. A `scalar` is replaced by each assignment (the last
 * one wins); a `list` grows with each assignment and an empty assignment resets it to `initial`.
 */
export interface Row<V> {
  readonly kind: 'scalar' | 'list';
  readonly parse: ValueParser<V>;
  readonly initial: V;
  readonly support: Support;
  readonly doc: string;
  /**
   * The field the value lands in when it is not the directive's own: a compatibility spelling (`BindTo=`
   * sets `BindsTo`), or every Condition*= setting, which all land in one `Conditions` list.
   */
  readonly field?: string | readonly string[];
  /** A field that no key names directly (`Conditions`): it only exists for other rows to land in. */
  readonly internal?: boolean;
  /** Set for settings that let a value be empty without resetting (Description=, say). */
  readonly emptyIsValue?: boolean;
}

/** Every Row<V> is a Row<unknown>: V only ever flows out of a row. */
export type AnyRow = Row<unknown>;
export type Block = Readonly<Record<string, AnyRow>>;

/** The typed settings a block of rows produces: one field per directive (aliases land on their target). */
export type ConfigOf<B extends Block> = {
  -readonly [
    K in keyof B as B[K] extends { field: string | readonly string[] } ? never : K
  ]: B[K] extends Row<infer V> ? V : never;
};

interface RowOptions {
  readonly support: Support;
  readonly doc: string;
  readonly emptyIsValue?: boolean;
}

export function scalar<V>(parse: ValueParser<V>, initial: V, opts: RowOptions): Row<V> {
  return { kind: 'scalar', parse, initial, ...opts };
}

export function list<T>(parse: ValueParser<T[]>, opts: RowOptions, initial: T[] = []): Row<T[]> {
  return { kind: 'list', parse, initial, ...opts };
}

/** A compatibility spelling that writes to another key's field with that key's parser. */
export function alias<V>(of: string, target: Row<V>, doc?: string): Row<V> & { field: string } {
  return { ...target, field: of, doc: doc ?? `Compatibility spelling of ${of}=.` };
}

/** A row that writes into another row's field (which must exist in the same block). */
export function into<V>(
  field: string | readonly string[],
  row: Row<V>,
): Row<V> & { field: string | readonly string[] } {
  return { ...row, field };
}

/** The field a row stands for: set for internal rows that only other rows write to. */
export function internal<V>(row: Row<V>): Row<V> {
  return { ...row, internal: true };
}
