/**
 * journalctl's --since/--until values (systemd.time(7)): "2026-11-23 10:00:00", "2026-11-23", "10:00",
 * "today", "yesterday", "tomorrow", "now", "-5min", "+1h", "5min ago", "@1700000000". Local time.
 */
import { parseTimeSpan } from '../src/unit/values/timespan';

function startOfDay(d: Date, offsetDays: number): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + offsetDays).getTime() * 1000;
}

/** µs since the epoch, or an error message. */
export function parseJournalTime(text: string, now: Date = new Date()): number | string {
  const s = text.trim();
  const nowUs = now.getTime() * 1000;
  if (s === 'now') return nowUs;
  if (s === 'today') return startOfDay(now, 0);
  if (s === 'yesterday') return startOfDay(now, -1);
  if (s === 'tomorrow') return startOfDay(now, 1);
  if (s.startsWith('@')) {
    const n = Number(s.slice(1));
    return Number.isFinite(n) ? Math.round(n * 1e6) : `Failed to parse timestamp: ${text}`;
  }
  const rel = /^([+-])\s*(.+)$/.exec(s);
  if (rel) {
    const span = parseTimeSpan(rel[2]!.trim());
    if (span.ok && Number.isFinite(span.value))
      return rel[1] === '-' ? nowUs - span.value : nowUs + span.value;
  }
  const agoLeft = /^(.+?)\s+(ago|left)$/.exec(s);
  if (agoLeft) {
    const span = parseTimeSpan(agoLeft[1]!.trim());
    if (span.ok && Number.isFinite(span.value))
      return agoLeft[2] === 'ago' ? nowUs - span.value : nowUs + span.value;
  }
  const m = /^(?:(\d{4})-(\d{2})-(\d{2}))?(?:[ T]?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(s);
  if (m && (m[1] !== undefined || m[4] !== undefined)) {
    const y = m[1] !== undefined ? Number(m[1]) : now.getFullYear();
    const mo = m[2] !== undefined ? Number(m[2]) - 1 : now.getMonth();
    const d = m[3] !== undefined ? Number(m[3]) : now.getDate();
    const date = new Date(y, mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    if (Number.isNaN(date.getTime()) || date.getMonth() !== mo) return `Failed to parse timestamp: ${text}`;
    const frac = m[7] !== undefined ? Number(m[7].padEnd(6, '0')) : 0;
    return date.getTime() * 1000 + frac;
  }
  return `Failed to parse timestamp: ${text}`;
}

const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

function onePriority(s: string): number | null {
  if (/^[0-7]$/.test(s)) return Number(s);
  const i = PRIORITIES.indexOf(s.toLowerCase());
  return i >= 0 ? i : null;
}

/** journalctl -p: "err" means 0..3, "warning..err" a range (either order). */
export function parsePriority(text: string): [number, number] | string {
  const parts = text.split('..');
  if (parts.length === 1) {
    const p = onePriority(parts[0]!);
    return p === null ? `Unknown log level ${text}` : [0, p];
  }
  if (parts.length === 2) {
    const a = parts[0] === '' ? 0 : onePriority(parts[0]!);
    const b = parts[1] === '' ? 7 : onePriority(parts[1]!);
    if (a === null || b === null) return `Unknown log level ${text}`;
    return [Math.min(a, b), Math.max(a, b)];
  }
  return `Unknown log level ${text}`;
}
