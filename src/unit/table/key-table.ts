/**
 * Values by string key, for keys read from unit files. A key sliced from a file is a new string, and V8
 * computes a new string's hash on its first Map lookup at a cost several times that of the lookup; this table
 * never hashes the key: it picks a bucket by the key's length and first and last characters, and compares the
 * few keys there with ===.
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

  get(key: string): V | undefined {
    const bucket = this.buckets.get(bucketOf(key, 0, key.length));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) if (bucket[i]![0] === key) return bucket[i]![1];
    return undefined;
  }

  /** The table's own key equal to `text.slice(start, end)`, found without slicing; undefined when none. */
  keyAt(text: string, start: number, end: number): string | undefined {
    const bucket = this.buckets.get(bucketOf(text, start, end));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const key = bucket[i]![0];
      if (key.length === end - start && text.startsWith(key, start)) return key;
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
