/** The outcome of parsing one value: the value, or a message saying what is wrong with it. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

export function mapParsed<A, B>(p: Parsed<A>, f: (a: A) => B): Parsed<B> {
  return p.ok ? ok(f(p.value)) : p;
}
