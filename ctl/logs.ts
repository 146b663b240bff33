/**
 * `rsdctl logs` / `rsdctl journal`: journalctl's reading options against rsd's journal (through the
 * JournalQuery control method). Parsed by hand, as journalctl's short options (-f, -p, -o, -r, -n) mean
 * other things to the systemctl verbs.
 */
import { RsdClient } from './client';
import { parseJournalTime, parsePriority } from './journal-time';
import type { JournalRecord } from '../src/journal/fields';
import { formatRecord, OUTPUT_MODES, type OutputMode } from '../src/journal/format';

export interface LogsOptions {
  socket: string;
  units: string[];
  follow: boolean;
  lines: number | null;
  since: number | null;
  until: number | null;
  priority: [number, number] | null;
  grep: string | null;
  caseSensitive: boolean | null;
  reverse: boolean;
  output: OutputMode;
  all: boolean;
  quiet: boolean;
  currentBoot: boolean;
  outputFields: string[];
}

export const LOGS_HELP = `rsdctl logs [OPTIONS...]: show the journal, like journalctl

  -u --unit=UNIT           Entries of this unit (repeatable, globs)
  -f --follow              Keep showing new entries
  -n --lines[=N]           The last N entries (default 10)
  -S --since=TIME          Entries at or after TIME ("2026-11-23 10:00:00", "today", "-5min")
  -U --until=TIME          Entries at or before TIME
  -p --priority=RANGE      Entries of these priorities ("err", "0..4", "warning..err")
  -g --grep=PATTERN        Entries whose message matches PATTERN
     --case-sensitive[=BOOL]
  -r --reverse             Newest first
  -o --output=MODE         short, short-iso, short-precise, cat, json, json-pretty
     --output-fields=LIST  json modes: only these fields
  -a --all                 Show unprintable messages
  -b --boot                Only this boot
  -q --quiet               No informational messages
     --no-pager            Accepted (rsdctl never pages)
     --socket=PATH         rsd's control socket`;

/** The options, or an error message. */
export function parseLogsArgs(argv: string[], socket: string): LogsOptions | string {
  const o: LogsOptions = {
    socket,
    units: [],
    follow: false,
    lines: null,
    since: null,
    until: null,
    priority: null,
    grep: null,
    caseSensitive: null,
    reverse: false,
    output: 'short',
    all: false,
    quiet: false,
    currentBoot: false,
    outputFields: [],
  };
  const short: Record<string, string> = {
    u: 'unit',
    f: 'follow',
    n: 'lines',
    S: 'since',
    U: 'until',
    p: 'priority',
    g: 'grep',
    r: 'reverse',
    o: 'output',
    a: 'all',
    b: 'boot',
    q: 'quiet',
    e: 'pager-end',
  };
  const takesValue = new Set([
    'unit',
    'since',
    'until',
    'priority',
    'grep',
    'output',
    'socket',
    'output-fields',
  ]);
  const args: Array<[string, string | undefined]> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let value = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (value === undefined && takesValue.has(name)) value = argv[++i];
      if (value === undefined && name === 'lines' && /^\+?\d+$/.test(argv[i + 1] ?? '')) value = argv[++i];
      args.push([name, value]);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const name = short[a[k]!];
        if (name === undefined) return `Unknown option -${a[k]}`;
        if (takesValue.has(name) || name === 'lines') {
          let value: string | undefined = a.slice(k + 1) || undefined;
          if (value === undefined && (takesValue.has(name) || /^\+?\d+$/.test(argv[i + 1] ?? '')))
            value = argv[++i];
          args.push([name, value]);
          break;
        }
        args.push([name, undefined]);
      }
    } else return `Unexpected argument: ${a} (journalctl matches such as FIELD=VALUE are not supported)`;
  }
  for (const [name, value] of args) {
    const need = (): string | null => (value === undefined ? `Option --${name} needs a value` : null);
    switch (name) {
      case 'unit':
        if (need()) return need()!;
        o.units.push(value!);
        break;
      case 'follow':
        o.follow = true;
        break;
      case 'lines': {
        if (value === undefined || value === 'all') {
          o.lines = value === 'all' ? null : 10;
          break;
        }
        const n = Number(value.replace(/^\+/, ''));
        if (!Number.isInteger(n) || n < 0) return `Failed to parse lines '${value}'`;
        o.lines = n;
        break;
      }
      case 'since':
      case 'until': {
        if (need()) return need()!;
        const t = parseJournalTime(value!);
        if (typeof t === 'string') return t;
        if (name === 'since') o.since = t;
        else o.until = t;
        break;
      }
      case 'priority': {
        if (need()) return need()!;
        const p = parsePriority(value!);
        if (typeof p === 'string') return p;
        o.priority = p;
        break;
      }
      case 'grep':
        if (need()) return need()!;
        o.grep = value!;
        break;
      case 'case-sensitive':
        o.caseSensitive = value === undefined || ['1', 'yes', 'true', 'on'].includes(value);
        break;
      case 'reverse':
        o.reverse = true;
        break;
      case 'output':
        if (need()) return need()!;
        if (!(OUTPUT_MODES as readonly string[]).includes(value!)) return `Unknown output format '${value}'.`;
        o.output = value as OutputMode;
        break;
      case 'output-fields':
        if (need()) return need()!;
        o.outputFields.push(...value!.split(',').filter((f) => f !== ''));
        break;
      case 'all':
        o.all = true;
        break;
      case 'boot':
        o.currentBoot = true;
        break;
      case 'quiet':
        o.quiet = true;
        break;
      case 'socket':
        if (need()) return need()!;
        o.socket = value!;
        break;
      case 'no-pager':
      case 'pager-end':
      case 'no-hostname':
        break;
      case 'help':
        return 'help';
      default:
        return `Unknown option --${name}`;
    }
  }
  if (o.since !== null && o.until !== null && o.since > o.until) return '--since= must be before --until=.';
  // journalctl: -f shows the last 10 lines first unless -n says otherwise.
  if (o.follow && o.lines === null) o.lines = 10;
  return o;
}

function write(text: string): void {
  process.stdout.write(text + '\n');
}

export async function logs(argv: string[], socket: string): Promise<number> {
  const o = parseLogsArgs(argv, socket);
  if (o === 'help') {
    write(LOGS_HELP);
    return 0;
  }
  if (typeof o === 'string') {
    console.error(o);
    return 1;
  }
  process.stdout.on('error', () => process.exit(0));
  const c = await RsdClient.connect(o.socket);
  let shown = 0;
  c.onNotification = (method, params) => {
    if (method !== 'JournalEntries') return;
    const entries = (params as { entries: JournalRecord[] }).entries;
    const out: string[] = [];
    for (const r of entries) out.push(formatRecord(r, o.output, o.all));
    if (out.length > 0) write(out.join('\n'));
    shown += entries.length;
  };
  const params: Record<string, unknown> = { follow: o.follow, reverse: o.reverse };
  if (o.units.length > 0) params.units = o.units;
  if (o.lines !== null) params.lines = o.lines;
  if (o.since !== null) params.since = o.since;
  if (o.until !== null) params.until = o.until;
  if (o.priority !== null) params.priority = o.priority;
  if (o.grep !== null) params.grep = o.grep;
  if (o.caseSensitive !== null) params.caseSensitive = o.caseSensitive;
  if (o.currentBoot) params.currentBoot = true;
  if (o.output === 'cat') params.fields = ['MESSAGE'];
  else if (o.outputFields.length > 0 && o.output.startsWith('json'))
    params.fields = [
      '__CURSOR',
      '__REALTIME_TIMESTAMP',
      '__MONOTONIC_TIMESTAMP',
      '_BOOT_ID',
      ...o.outputFields,
    ];
  await c.call<{ count: number }>('JournalQuery', params);
  if (o.follow) {
    // Until interrupted (or rsd goes away).
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      c.onClose(resolve);
    });
  } else if (shown === 0 && !o.quiet && o.output.startsWith('short')) write('-- No entries --');
  c.close();
  return 0;
}
