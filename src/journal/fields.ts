/**
 * An entry as journald names its fields: the record the control interface sends and `-o json` prints.
 * Values are strings; a value that is not printable UTF-8 is an array of byte values, as journalctl
 * prints such fields.
 */
import { isUtf8 } from 'node:buffer';
import { hostname } from 'node:os';
import type { JournalEntry } from './entry';

export type FieldValue = string | number[];
export type JournalRecord = Record<string, FieldValue>;

const HOST = hostname();

/** journalctl's utf8_is_printable: valid UTF-8 without control characters other than tab and newline. */
function printable(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 9 && c !== 10) || c === 0x7f) return false;
  }
  return isUtf8(b);
}

export function fieldValue(b: Buffer): FieldValue {
  return printable(b) ? b.toString('utf8') : [...b];
}

export function valueBytes(v: FieldValue | undefined): Buffer {
  if (v === undefined) return Buffer.alloc(0);
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
}

export function toRecord(e: JournalEntry): JournalRecord {
  const r: JournalRecord = {
    __CURSOR: `s=${e.bootId};i=${e.seqnum.toString(16)};t=${e.realtime.toString(16)}`,
    __REALTIME_TIMESTAMP: String(e.realtime),
    __MONOTONIC_TIMESTAMP: String(e.monotonic),
    _BOOT_ID: e.bootId,
    PRIORITY: String(e.priority),
    SYSLOG_FACILITY: String(e.facility),
  };
  if (e.identifier !== '') r.SYSLOG_IDENTIFIER = e.identifier;
  r.MESSAGE = fieldValue(e.message);
  if (e.pid > 0) r._PID = String(e.pid);
  if (e.uid >= 0) r._UID = String(e.uid);
  r._TRANSPORT = e.transport;
  r._HOSTNAME = HOST;
  // As systemd's own messages about a unit carry UNIT=, rsd's carry it too; the unit's processes' entries
  // carry _SYSTEMD_UNIT=.
  if (e.unit !== '') r[e.transport === 'driver' ? 'UNIT' : '_SYSTEMD_UNIT'] = e.unit;
  for (const [k, v] of e.fields) if (!(k in r)) r[k] = fieldValue(v);
  return r;
}

/** The unit an entry belongs to, as `-u` matches it. */
export function recordUnit(r: JournalRecord): string {
  const u = r._SYSTEMD_UNIT ?? r.UNIT;
  return typeof u === 'string' ? u : '';
}
