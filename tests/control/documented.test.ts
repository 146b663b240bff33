import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS } from '../../src/control/methods';
import { Rsd } from '../boot/harness';

/*
 * docs/ControlInterface.md stays true: every documented request is sent to rsd running the demo units, and
 * the response must have the documented shape (same keys, same value types; pids and times may differ).
 */
const ROOT = join(__dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'ControlInterface.md'), 'utf8');
const examples: Array<{ method: string; request: string; response: unknown }> = [];
for (const section of doc.split('\n### ').slice(1)) {
  const method = section.split('\n')[0]!.trim();
  // Blocks may span lines (prettier formats them); a request goes out as one line.
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as unknown);
  if (blocks.length === 2 && method !== 'Exit') {
    examples.push({ method, request: JSON.stringify(blocks[0]), response: blocks[1] });
  }
}

function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length > 0 ? [shape(v[0])] : [];
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        k,
        k === 'children' || k === 'files' ? 'list' : shape(x),
      ]),
    );
  }
  return typeof v;
}

function ask(socket: string, line: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      buf += c;
      // Notifications (JournalQuery's entries) come before the response: the response is what has an id.
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const msg = JSON.parse(buf.slice(0, nl)) as { id?: unknown };
        buf = buf.slice(nl + 1);
        if (msg.id === undefined) continue;
        s.destroy();
        resolve(msg);
        return;
      }
    });
    s.on('error', reject);
    s.write(line + '\n');
  });
}

let rsd: Rsd;
beforeAll(async () => {
  rsd = Rsd.start(join(ROOT, 'test_units'));
  await rsd.waitFor(/Startup finished/);
});
afterAll(async () => {
  await rsd.stop().catch(() => undefined);
  rsd.kill();
});

describe('docs/ControlInterface.md', () => {
  it('documents every method of the API', () => {
    const documented = new Set(
      doc
        .split('\n### ')
        .slice(1)
        .map((s) => s.split('\n')[0]!.trim()),
    );
    for (const m of Object.keys(METHODS)) {
      if (['TryRestart', 'Reload', 'ReloadOrRestart', 'TryReloadOrRestart'].includes(m)) continue;
      expect({ m, documented: documented.has(m) }).toEqual({ m, documented: true });
    }
  });

  it.each(examples.map((e) => [e.method, e]))('%s answers as documented', async (_m, e) => {
    const got = await ask(rsd.socket, e.request);
    expect(shape(got)).toEqual(shape(e.response));
  });
});
