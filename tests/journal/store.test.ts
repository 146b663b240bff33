import {
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  closeSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import type { EntryMeta, JournalEntry } from '../../src/journal/entry';
import { readJournal } from '../../src/journal/reader';
import { JournalStore } from '../../src/journal/store';
import { Journal } from '../../src/journal/journal';
import { JOURNAL_DEFAULTS } from '../../src/journal/config';
import { listFiles } from '../../src/journal/files';
import { TmpTree } from '../helpers/tmp';

/*
 * The journal files themselves: what a crash leaves (a file cut anywhere, garbage in the middle) still reads
 * up to the damage and past it; the newest-first reading agrees with the oldest-first one.
 */
let tree: TmpTree;
beforeEach(() => (tree = new TmpTree()));
afterEach(() => tree.cleanup());

const meta = (unit: string): EntryMeta => ({
  unit,
  identifier: 'test',
  pid: 42,
  uid: 0,
  priority: 6,
  facility: 3,
  transport: 'stdout',
  fields: [['EXTRA', Buffer.from('x')]],
});

async function store(
  dir: string,
  maxUse = 1 << 30,
  maxFileSize = 1 << 28,
  maxFiles = 100,
): Promise<JournalStore> {
  return JournalStore.open({
    dir,
    maxUse,
    maxFileSize,
    maxFiles,
    bootId: randomBytes(16),
    onError: () => {},
  });
}

async function all(
  dir: string,
  opts: { lines?: number; reverse?: boolean } = {},
  units?: RegExp[],
): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  await readJournal(await listFiles(dir), units ? { units } : {}, opts, (e) => void out.push(e));
  return out;
}

describe('journal files', () => {
  it('keeps every byte of a message, and the fields', async () => {
    const dir = tree.path('j');
    const s = await store(dir);
    const odd = Buffer.from([0x61, 0x00, 0xff, 0xfe, 0x0a, 0x62]);
    s.write(meta('a.service'), odd);
    s.write({ ...meta('b.service'), priority: 2 }, 'hello');
    await s.close();
    const got = await all(dir);
    expect(got.map((e) => [e.unit, e.priority, [...e.message], e.pid, e.identifier])).toEqual([
      ['a.service', 6, [...odd], 42, 'test'],
      ['b.service', 2, [...Buffer.from('hello')], 42, 'test'],
    ]);
    expect(got[0]!.fields.map(([k, v]) => [k, v.toString()])).toEqual([['EXTRA', 'x']]);
    expect(got[0]!.bootId).toMatch(/^[0-9a-f]{32}$/);
    expect(got[1]!.seqnum).toBe(got[0]!.seqnum + 1);
    expect(got[0]!.realtime).toBeGreaterThan(Date.now() * 1000 - 60e6);
  });

  it('a file cut at any byte reads up to the cut, newest first or oldest first', async () => {
    const dir = tree.path('j');
    const s = await store(dir);
    for (let i = 0; i < 2000; i++) s.write(meta('a.service'), `line ${i} ${'y'.repeat(i % 97)}`);
    await s.close();
    const [file] = readdirSync(dir).filter((n) => n.endsWith('.journal'));
    const path = join(dir, file!);
    const whole = readFileSync(path);
    const full = await all(dir);
    expect(full).toHaveLength(2000);
    // Frame ends: a cut keeps exactly the entries that end at or before it.
    const ends: number[] = [];
    let pos = 32;
    for (let i = 0; i < 2000; i++) {
      pos += 16 + whole.readUInt32LE(pos + 4);
      ends.push(pos);
    }
    const cuts = [
      0,
      10,
      32,
      33,
      whole.length - 1,
      ...Array.from({ length: 25 }, () => randomInt(33, whole.length)),
    ];
    for (const cut of cuts) {
      writeFileSync(path, whole.subarray(0, cut));
      const expected = ends.filter((e) => e <= cut).length;
      const fwd = await all(dir);
      expect({ cut, n: fwd.length }).toEqual({ cut, n: expected });
      expect(fwd.every((e, i) => e.message.toString().startsWith(`line ${i} `))).toBe(true);
      const last = await all(dir, { lines: 5 });
      expect({ cut, last: last.map((e) => e.message.toString().split(' ')[1]) }).toEqual({
        cut,
        last: full.slice(Math.max(0, expected - 5), expected).map((e) => e.message.toString().split(' ')[1]),
      });
    }
  });

  it('garbage in the middle of a file is skipped; the entries after it still read', async () => {
    const dir = tree.path('j');
    const s = await store(dir);
    for (let i = 0; i < 100; i++) s.write(meta('a.service'), `line ${i}`);
    await s.close();
    const [file] = readdirSync(dir).filter((n) => n.endsWith('.journal'));
    const path = join(dir, file!);
    const fd = openSync(path, 'r+');
    writeSync(fd, randomBytes(40), 0, 40, 32 + 10 * 70 + 7);
    closeSync(fd);
    const got = (await all(dir)).map((e) => Number(e.message.toString().split(' ')[1]));
    expect(got.length).toBeGreaterThan(90);
    expect(got.length).toBeLessThan(100);
    expect(got[got.length - 1]).toBe(99);
    expect(got.every((n, i) => i === 0 || n > got[i - 1]!)).toBe(true);
    const newest = (await all(dir, { lines: 3 })).map((e) => e.message.toString());
    expect(newest).toEqual(['line 97', 'line 98', 'line 99']);
    expect((await all(dir, { lines: 200 })).length).toBe(got.length);
  });

  it('rotates by size within the cap; -n for one unit reads from the newest file back and skips files without it', async () => {
    const dir = tree.path('j');
    const s = await store(dir, 4 << 20, 256 << 10);
    for (let i = 0; i < 40000; i++) {
      s.write(meta(i % 1000 === 0 ? 'rare.service' : 'busy.service'), `n ${i} ${'z'.repeat(50)}`);
      if (i % 2000 === 0) await s.flushed();
    }
    await s.close();
    const files = readdirSync(dir).filter((n) => n.endsWith('.journal'));
    expect(files.length).toBeGreaterThan(8);
    const total = readdirSync(dir).reduce((a, n) => a + statSync(join(dir, n)).size, 0);
    expect(total).toBeLessThanOrEqual(4 << 20);
    const rare = await all(dir, { lines: 3 }, [/^rare\.service$/]);
    expect(rare.map((e) => e.message.toString().split(' ')[1])).toEqual(['37000', '38000', '39000']);
    const rev = await all(dir, { reverse: true, lines: 2 });
    expect(rev.map((e) => e.message.toString().split(' ')[1])).toEqual(['39999', '39998']);
    // A new store (a restart) starts a new file after the old ones and reads on across them.
    const again = await store(dir, 4 << 20, 256 << 10);
    again.write(meta('busy.service'), 'after restart');
    await again.close();
    const last = await all(dir, { lines: 2 });
    expect(last.map((e) => e.message.toString())).toEqual([`n 39999 ${'z'.repeat(50)}`, 'after restart']);
    truncateSync(join(dir, files[files.length - 1]!), 100);
    expect((await all(dir, { lines: 1 }))[0]!.message.toString()).toBe('after restart');
  });

  it("an archived file's unit index is read only by a query that filters by unit, and lets it skip the file", async () => {
    const dir = tree.path('idx');
    const first = await store(dir);
    first.write(meta('a.service'), 'from a');
    await first.close();
    const second = await store(dir);
    second.write(meta('b.service'), 'from b');
    await second.close();
    const files = await listFiles(dir);
    expect(files).toHaveLength(2);
    // Listing (what a starting manager does) holds no unit names in memory.
    expect(files.map((f) => f.units)).toEqual([null, null]);
    expect(JSON.parse(readFileSync(`${files[0]!.path}.units`, 'utf8'))).toEqual(['a.service']);
    expect((await all(dir, {}, [/^a\.service$/])).map((e) => e.message.toString())).toEqual(['from a']);
    // An index that says the file has no a.service makes the query skip it without reading it.
    writeFileSync(`${files[0]!.path}.units`, JSON.stringify(['c.service']));
    expect(await all(dir, {}, [/^a\.service$/])).toEqual([]);
    expect((await all(dir)).map((e) => e.message.toString())).toEqual(['from a', 'from b']);
  });
  it('keeps at most MaxFiles files, from the start: the oldest archived ones go, the newest stay', async () => {
    const dir = tree.path('j');
    // 12 starts of rsd, each a file of its own with one entry.
    for (let i = 0; i < 12; i++) {
      const s = await store(dir);
      s.write(meta(`u${i}.service`), `start ${i}`);
      await s.close();
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.journal'))).toHaveLength(12);
    const s = await store(dir, 1 << 30, 1 << 28, 5);
    s.write(meta('now.service'), 'the 13th start');
    await s.close();
    expect(readdirSync(dir).filter((n) => n.endsWith('.journal'))).toHaveLength(5);
    expect(readdirSync(dir).filter((n) => n.endsWith('.units'))).toHaveLength(5);
    // What is left is the newest: starts 8 to 11 and this one.
    expect((await all(dir)).map((e) => e.message.toString())).toEqual([
      'start 8',
      'start 9',
      'start 10',
      'start 11',
      'the 13th start',
    ]);
  });
  it('a query sees every entry appended before it, written or still waiting to be', async () => {
    const j = await Journal.open({
      config: { ...JOURNAL_DEFAULTS, forwardToStdout: false, forwardToSyslog: false },
      defaultDirectory: tree.path('jq'),
    });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      j.rsdMessage('info', `message ${i}`, 'a.service');
      await j.query({}, {}, (e) => void seen.push(e.message.toString()));
    }
    expect(seen).toEqual(['message 0', 'message 0', 'message 1', 'message 0', 'message 1', 'message 2']);
    await j.close();
  });
});
