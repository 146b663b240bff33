/**
 * Values by string key, for keys read from unit files, looked up where they stand in the file's text: slicing
 * a key out would make a new string, and V8 computes a new string's hash on its first Map lookup at a cost
 * several times that of the lookup. This table never hashes the key: it picks a bucket by the key's length and
 * first and last characters, and compares the few keys there in place.
 */
export class KeyTable<V> {
  private readonly buckets = new Map<number, Array<readonly [string, V]>>();

  constructor(entries: Iterable<readonly [string, V]>) {
    for (const entry of entries) {
      const k = bucketOf(entry[0], 0, entry[0].length);
      const bucket = this.buckets.get(k);
      if (bucket === undefined) this.buckets.set(k, [entry]);
      else bucket.push(entry);
    }
  }

  /** The value of the key equal to `text.slice(start, end)`, found without slicing; undefined when none. */
  getAt(text: string, start: number, end: number): V | undefined {
    const bucket = this.buckets.get(bucketOf(text, start, end));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const key = bucket[i]![0];
      if (key.length === end - start && text.startsWith(key, start)) return bucket[i]![1];
    }
    return undefined;
  }
}

/**
 * A small integer (V8 hashes it without a call), from the length and the first and last UTF-16 units of
 * `s.slice(start, end)`.
 */
function bucketOf(s: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  return ((n & 0x3fff) << 16) | ((s.charCodeAt(start) & 0xff) << 8) | (s.charCodeAt(end - 1) & 0xff);
}
