/**
 * JournalQuery (docs/ControlInterface.md): entries matching a filter go to the client as JournalEntries
 * notifications (batches of journald-style records), then the response says how many; with `follow`, new
 * entries keep coming as notifications until the client disconnects. A client that does not read makes
 * rsd wait (not buffer): the next batch goes out when the socket has drained.
 */
import type { Journal } from '../journal/journal';
import type { JournalEntry } from '../journal/entry';
import { fieldValue, toRecord, type JournalRecord } from '../journal/fields';
import type { JournalFilter } from '../journal/reader';
import { invalid, optBool, optNum, optStr, strList, type Params } from './params';

export interface QueryOutput {
  /** Sends one notification; resolves when the client may take more. */
  send(message: unknown): Promise<void>;
  /** Registers what to do when the client goes away (stop following). */
  onClose(stop: () => void): void;
}

const BATCH = 512;

/** Shell globs over unit names; a name without a suffix means NAME.service, as journalctl -u does. */
export function unitPattern(glob: string): RegExp {
  const g = /[*?[]/.test(glob) || glob.includes('.') ? glob : `${glob}.service`;
  return new RegExp(
    '^' +
      g
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
}

export function parseFilter(p: Params): JournalFilter {
  const units = strList(p, 'units').map(unitPattern);
  const f: { -readonly [K in keyof JournalFilter]: JournalFilter[K] } = {};
  if (units.length > 0) f.units = units;
  const pr = p.priority;
  if (pr !== undefined) {
    if (
      !Array.isArray(pr) ||
      pr.length !== 2 ||
      !pr.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 7)
    )
      throw invalid("'priority' must be [from, to], numbers 0 to 7");
    const [a, b] = pr as [number, number];
    f.priority = [Math.min(a, b), Math.max(a, b)];
  }
  const since = optNum(p, 'since');
  if (since !== undefined) f.since = since;
  const until = optNum(p, 'until');
  if (until !== undefined) f.until = until;
  const grep = optStr(p, 'grep');
  if (grep !== undefined) {
    // journalctl's rule: case-insensitive unless the pattern has an uppercase letter.
    const sensitive = p.caseSensitive === undefined ? /[A-Z]/.test(grep) : optBool(p, 'caseSensitive');
    try {
      f.grep = new RegExp(grep, sensitive ? '' : 'i');
    } catch (e) {
      throw invalid(`'grep' is not a valid pattern: ${(e as Error).message}`);
    }
  }
  return f;
}

export async function journalQuery(
  journal: Journal,
  p: Params,
  out: QueryOutput,
): Promise<{ count: number }> {
  const filter: JournalFilter = {
    ...parseFilter(p),
    ...(optBool(p, 'currentBoot') ? { bootId: journal.store.bootIdHex } : {}),
  };
  const lines = optNum(p, 'lines');
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 0))
    throw invalid("'lines' must be a whole number");
  const reverse = optBool(p, 'reverse');
  const follow = optBool(p, 'follow');
  // Only these fields of each record (journalctl --output-fields=; `-o cat` needs only MESSAGE).
  const wanted = strList(p, 'fields');
  const record = (e: JournalEntry): JournalRecord => {
    if (wanted.length === 0) return toRecord(e);
    if (wanted.length === 1 && wanted[0] === 'MESSAGE') return { MESSAGE: fieldValue(e.message) };
    const r = toRecord(e);
    const out: JournalRecord = {};
    for (const k of wanted) if (r[k] !== undefined) out[k] = r[k];
    return out;
  };

  let batch: JournalRecord[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    await out.send({ jsonrpc: '2.0', method: 'JournalEntries', params: { entries } });
  };

  // Following starts before the backlog is read, so nothing written in between is missed; what the backlog
  // already holds (seqnum up to `upTo`) is not sent twice.
  let queued: JournalRecord[] | null = follow ? [] : null;
  let upTo = Infinity;
  if (follow) {
    let sending = Promise.resolve();
    const stop = journal.follow(filter, (e) => {
      if (e.seqnum <= upTo) return;
      const r = record(e);
      if (queued) queued.push(r);
      else
        sending = sending.then(() =>
          out.send({ jsonrpc: '2.0', method: 'JournalEntries', params: { entries: [r] } }),
        );
    });
    out.onClose(stop);
  }
  upTo = journal.store.writtenSeqnum;
  if (lines === 0) return { count: 0 };
  const count = await journal.query(
    filter,
    { ...(lines !== undefined ? { lines } : {}), reverse },
    async (e) => {
      batch.push(record(e));
      if (batch.length >= BATCH) await flush();
    },
  );
  await flush();
  if (queued) {
    const q = queued;
    queued = null;
    if (q.length > 0) await out.send({ jsonrpc: '2.0', method: 'JournalEntries', params: { entries: q } });
  }
  return { count };
}
