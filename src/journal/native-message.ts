/**
 * journald's native protocol (systemd.journal-fields(7), "Native protocol"): a datagram of fields, each
 * "NAME=value\n", or "NAME\n" followed by a little-endian u64 length, the value's bytes and "\n" (for
 * values with newlines or binary data). Field names are uppercase letters, digits and underscores, not
 * starting with "_" (those are trusted fields that only the journal sets; a sender's are ignored).
 */

export type NativeFields = Array<[string, Buffer]>;

const NAME = /^[A-Z0-9][A-Z0-9_]{0,63}$/;

/** The fields, or an error message for a malformed datagram. */
export function parseNative(b: Buffer): NativeFields | string {
  const fields: NativeFields = [];
  let i = 0;
  while (i < b.length) {
    const nl = b.indexOf(0x0a, i);
    const lineEnd = nl < 0 ? b.length : nl;
    const eq = b.indexOf(0x3d, i);
    if (eq >= 0 && eq < lineEnd) {
      const name = b.toString('latin1', i, eq);
      if (NAME.test(name)) fields.push([name, Buffer.from(b.subarray(eq + 1, lineEnd))]);
      else if (!name.startsWith('_')) return `invalid field name '${name.slice(0, 64)}'`;
      i = lineEnd + 1;
      continue;
    }
    if (nl < 0) return 'field without value at the end of the datagram';
    const name = b.toString('latin1', i, nl);
    if (nl + 9 > b.length) return `field ${name.slice(0, 64)}: length missing`;
    const len = b.readBigUInt64LE(nl + 1);
    const start = nl + 9;
    if (len > BigInt(b.length - start)) return `field ${name.slice(0, 64)}: length beyond the datagram`;
    const end = start + Number(len);
    if (b[end] !== 0x0a) return `field ${name.slice(0, 64)}: value not followed by a newline`;
    if (NAME.test(name)) fields.push([name, Buffer.from(b.subarray(start, end))]);
    else if (!name.startsWith('_')) return `invalid field name '${name.slice(0, 64)}'`;
    i = end + 1;
  }
  return fields;
}
