import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Rsd } from '../boot/harness';
import { TmpTree } from '../helpers/tmp';
import { FLOOD, journalQuery, messageBytes, rsdctl, until } from './support';

/*
 * Services' output through real pipes into rsd's journal, read back through the control socket as a user's
 * rsdctl would: nothing lost, nothing duplicated, in order per stream, bytes kept.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;

beforeEach(() => {
  tree = new TmpTree();
});
afterEach(async () => {
  await rsd?.stop().catch(() => undefined);
  rsd?.kill();
  rsd = null;
  tree.cleanup();
});

function boot(units: Record<string, string>, journal: string, unit = 'default.target'): Rsd {
  for (const [name, text] of Object.entries(units)) tree.write(`units/${name}`, text);
  tree.write('units/default.target', `[Unit]\nWants=${Object.keys(units).join(' ')}\n`);
  const config = tree.write('rsd.conf', `[Journal]\nDirectory=${tree.path('journal')}\n${journal}`);
  return Rsd.start(tree.path('units'), { unit, config });
}

const LINE_MAX = 48 * 1024;

describe('capture', () => {
  it('a flood of 1,000,000 lines (stdout and stderr, a 1 MiB line, bad UTF-8, NUL, a last partial line) arrives whole', async () => {
    rsd = boot(
      {
        'flood.service': `[Service]\nType=oneshot\nStandardError=journal\nExecStart=/usr/bin/env node ${FLOOD} 1000000 --odd\n`,
      },
      'ForwardToStdout=no\n',
    );
    await rsd.waitFor(/Startup finished/, 120_000);
    const { records, count } = await journalQuery(rsd.socket, {
      units: ['flood.service'],
      fields: ['MESSAGE'],
    });
    expect(count).toBe(records.length);
    // rsd's own messages about the unit (Starting..., Finished...) are there too; they start with neither.
    let o = 0;
    let e = 0;
    let pieces: number[] | null = null;
    let bad: Buffer | null = null;
    let partial = false;
    let longPrefix = 0;
    const problems: string[] = [];
    for (const r of records) {
      const b = messageBytes(r);
      const text = b.toString('latin1');
      if (text.startsWith('e ')) {
        if (Number(text.slice(2)) !== e) problems.push(`stderr: expected e ${e}, got ${text.slice(0, 30)}`);
        e++;
      } else if (text.startsWith('o ')) {
        if (pieces && pieces.length > 0 && pieces[pieces.length - 1] === LINE_MAX)
          problems.push('long line cut short');
        const k = parseInt(text.slice(2), 10);
        if (k !== o) problems.push(`stdout: expected o ${o}, got ${text.slice(0, 30)}`);
        if (b.length === LINE_MAX) {
          pieces = [b.length];
          longPrefix = `o ${k} `.length;
        } else if (text.endsWith(' partial')) partial = true;
        else if (text.length > `o ${k}`.length) bad = b;
        o++;
      } else if (pieces && /^x+$/.test(text)) {
        pieces.push(b.length);
      } else if (!/Start|Finished|flood\.service|Deactivated/.test(text)) {
        problems.push(`unexpected entry: ${text.slice(0, 60)}`);
      }
      if (problems.length > 5) break;
    }
    expect(problems).toEqual([]);
    expect(e).toBe(333333);
    // 666,667 numbered lines, the 1 MiB line, the line with bad bytes, the partial last line.
    expect(o).toBe(666670);
    // "o K " + 1 MiB of x, cut every LineMax= bytes.
    expect(pieces!.reduce((a, n) => a + n, 0)).toBe(longPrefix + (1 << 20));
    expect(pieces!.length).toBe(Math.ceil((longPrefix + (1 << 20)) / LINE_MAX));
    expect(pieces!.slice(0, -1).every((n) => n === LINE_MAX)).toBe(true);
    expect([...bad!.subarray(bad!.length - 5)]).toEqual([0xff, 0xfe, 0x00, 0x41, 0xc3]);
    expect(partial).toBe(true);
    expect(await rsd.stop()).toBe(0);
  }, 180_000);
});
