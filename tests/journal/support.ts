import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { JournalRecord } from '../../src/journal/fields';

const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
export const FLOOD = join(__dirname, 'flood.js');

/** One JournalQuery over the control socket: the records of its notifications, and its result. */
export function journalQuery(
  socket: string,
  params: Record<string, unknown>,
): Promise<{ records: JournalRecord[]; count: number }> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    const records: JournalRecord[] = [];
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as {
          method?: string;
          params?: { entries: JournalRecord[] };
          result?: { count: number };
          error?: { message: string };
        };
        buf = buf.slice(nl + 1);
        if (msg.method === 'JournalEntries') records.push(...msg.params!.entries);
        else if (msg.error) {
          s.destroy();
          reject(new Error(msg.error.message));
        } else if (msg.result) {
          s.destroy();
          resolve({ records, count: msg.result.count });
        }
      }
    });
    s.on('error', reject);
    s.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'JournalQuery', params }) + '\n');
  });
}

export function rsdctl(socket: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('node', [RSDCTL, '--socket', socket, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function messageBytes(r: JournalRecord): Buffer {
  const m = r.MESSAGE;
  if (m === undefined) return Buffer.alloc(0);
  return typeof m === 'string' ? Buffer.from(m, 'utf8') : Buffer.from(m);
}

/** Resolves once `check` holds (tests may poll; the product may not). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
