/**
 * Values by string key, for keys read from unit files, looked up where they stand in the file's text: slicing
 * a key out would make a new string, and V8 computes a new string's hash on its first Map lookup at a cost
 * several times that of the lookup. This table never hashes the key with V8's hash, nor uses a Map: it picks
 * a bucket of a plain array by the key's length and first and last characters, and compares the few keys
 * there in place. It is read once for every assignment of every unit.
 */
export class KeyTable<V> {
  private readonly buckets: Array<ReadonlyArray<readonly [string, V]>>;

  constructor(entries: Iterable<readonly [string, V]>) {
    const buckets: Array<Array<readonly [string, V]>> = [];
    for (let i = 0; i <= BUCKET_MASK; i++) buckets.push([]);
    for (const entry of entries) buckets[bucketOf(entry[0], 0, entry[0].length)]!.push(entry);
    this.buckets = buckets;
  }

  /** The value of the key equal to `text.slice(start, end)`, found without slicing; undefined when none. */
  getAt(text: string, start: number, end: number): V | undefined {
    // bucketOf, written out: this runs for every assignment, also before the code is optimized.
    const n = end - start;
    const b = n <= 0 ? 0 : (n * 61 + text.charCodeAt(start) * 31 + text.charCodeAt(end - 1)) & BUCKET_MASK;
    const bucket = this.buckets[b]!;
    for (let i = 0; i < bucket.length; i++) {
      const key = bucket[i]![0];
      if (key.length === end - start && text.startsWith(key, start)) return bucket[i]![1];
    }
    return undefined;
  }
}

/** Buckets per table, less one: a few times the keys of the largest section, so most buckets hold one key. */
const BUCKET_MASK = 1023;

/** The bucket of `s.slice(start, end)`, from its length and its first and last UTF-16 units. */
function bucketOf(s: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  return (n * 61 + s.charCodeAt(start) * 31 + s.charCodeAt(end - 1)) & BUCKET_MASK;
}
