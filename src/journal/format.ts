/**
 * journalctl's output modes for records (fields.ts): short, short-iso, cat, json, json-pretty. Shared by
 * rsdctl and by rsd's forwarding to its own stdout.
 */
import { valueBytes, type FieldValue, type JournalRecord } from './fields';

export const OUTPUT_MODES = ['short', 'short-iso', 'short-precise', 'cat', 'json', 'json-pretty'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function shortTime(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

function isoTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return (
    `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:` +
    `${p2(d.getSeconds())}${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`
  );
}

function str(v: FieldValue | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : valueBytes(v).toString('utf8');
}

/** Message text for the short modes: journalctl shows unprintable data as "[N blob data]" unless --all. */
function messageText(r: JournalRecord, all: boolean): string {
  const m = r.MESSAGE;
  if (m === undefined) return '';
  if (typeof m === 'string') return m;
  if (!all) return `[${humanBytes(m.length)} blob data]`;
  // --all: shown, with control characters other than newline and tab escaped.
  return valueBytes(m)
    .toString('utf8')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}K`;
  return `${(n / 1024 / 1024).toFixed(1)}M`;
}

function jsonField(k: string, v: FieldValue): string {
  return `${JSON.stringify(k)} : ${typeof v === 'string' ? JSON.stringify(v) : `[ ${v.join(', ')} ]`}`;
}

export function formatRecord(r: JournalRecord, mode: OutputMode, all = false): string {
  switch (mode) {
    case 'cat':
      return messageText(r, all);
    case 'json':
      return `{ ${Object.entries(r)
        .map(([k, v]) => jsonField(k, v))
        .join(', ')} }`;
    case 'json-pretty':
      return `{\n${Object.entries(r)
        .map(([k, v]) => `\t${jsonField(k, v)}`)
        .join(',\n')}\n}`;
    default: {
      const us = Number(str(r.__REALTIME_TIMESTAMP));
      const d = new Date(Math.floor(us / 1000));
      let time = mode === 'short-iso' ? isoTime(d) : shortTime(d);
      if (mode === 'short-precise') time += `.${String(us % 1_000_000).padStart(6, '0')}`;
      const ident = str(r.SYSLOG_IDENTIFIER) || str(r._COMM) || 'unknown';
      const pid = str(r._PID) || str(r.SYSLOG_PID);
      const head = `${time} ${str(r._HOSTNAME)} ${ident}${pid ? `[${pid}]` : ''}: `;
      // Continuation lines are indented under the message, as journalctl does.
      return (
        head +
        messageText(r, all)
          .split('\n')
          .join('\n' + ' '.repeat(head.length))
      );
    }
  }
}
