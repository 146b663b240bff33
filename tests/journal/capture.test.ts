import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshTreeEachTest, Rsd } from '../boot/harness';
import { TmpTree } from '../helpers/tmp';
import { FLOOD, journalQuery, messageBytes, rsdctl, until } from './support';

/*
 * Services' output through real pipes into rsd's journal, read back through the control socket as a user's
 * rsdctl would: nothing lost, nothing duplicated, in order per stream, bytes kept.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;

freshTreeEachTest((t) => (tree = t), { stopFirst: true });

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

  it('rotation under a flood keeps the directory under SystemMaxUse=; the newest entries stay', async () => {
    rsd = boot(
      {
        'flood.service': `[Service]\nType=oneshot\nStandardError=journal\nExecStart=/usr/bin/env node ${FLOOD} 300000\n`,
      },
      'Storage=persistent\nSystemMaxUse=6M\nSystemMaxFileSize=1M\nForwardToStdout=no\n',
    );
    const dir = tree.path('journal');
    let largest = 0;
    const size = (): number => {
      let total = 0;
      // Files come and go meanwhile.
      for (const n of existsSync(dir) ? readdirSync(dir) : [])
        total += statSync(join(dir, n), { throwIfNoEntry: false })?.size ?? 0;
      return total;
    };
    let done = false;
    void rsd.waitFor(/Startup finished/, 120_000).then(() => (done = true));
    await until(() => {
      largest = Math.max(largest, size());
      return done;
    }, 120_000);
    expect(largest).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(readdirSync(dir).filter((n) => n.endsWith('.journal')).length).toBeGreaterThan(3);
    const last = rsdctl(rsd.socket, 'logs', '-u', 'flood', '-n', '3', '-g', '^e ', '-o', 'cat');
    expect(last.out).toBe('e 99997\ne 99998\ne 99999\n');
    // What is left is a contiguous run up to the end: rotation dropped whole old files, nothing between.
    const { records } = await journalQuery(rsd.socket, {
      units: ['flood.service'],
      grep: '^o ',
      fields: ['MESSAGE'],
    });
    const nums = records.map((r) => Number(messageBytes(r).toString().slice(2)));
    expect(nums.length).toBeGreaterThan(10000);
    expect(nums[nums.length - 1]).toBe(199999);
    expect(nums.every((n, i) => i === 0 || n === nums[i - 1]! + 1)).toBe(true);
  }, 180_000);

  it('applies SyslogIdentifier=, SyslogLevelPrefix=, SyslogLevel=, LogLevelMax=, LogExtraFields=', async () => {
    rsd = boot(
      {
        'tagged.service':
          '[Service]\nType=oneshot\nSyslogIdentifier=tagged-id\nSyslogLevel=notice\nLogLevelMax=info\n' +
          'LogExtraFields=COLOUR=blue SHAPE=round\n' +
          'ExecStart=/bin/sh -c \'echo "<3>an error"; echo "<7>a debug line"; echo plain; echo "<x>not a prefix"\'\n',
        'raw.service':
          '[Service]\nType=oneshot\nSyslogLevelPrefix=no\nExecStart=/bin/sh -c \'echo "<3>kept as written"\'\n',
      },
      '',
    );
    await rsd.waitFor(/Startup finished/);
    // Forwarded to rsd's stdout in journalctl's short format (ForwardToStdout= is on by default), as each
    // entry is stored: once both units' last lines are there, the queries find everything.
    await rsd.waitFor(/ tagged-id\[\d+\]: <x>not a prefix$/);
    await rsd.waitFor(/ sh\[\d+\]: <3>kept as written$/);
    const { records } = await journalQuery(rsd.socket, { units: ['tagged.service'] });
    const own = records.filter((r) => r._TRANSPORT === 'stdout');
    expect(own.map((r) => [r.MESSAGE, r.PRIORITY, r.SYSLOG_IDENTIFIER, r.COLOUR, r.SHAPE])).toEqual([
      ['an error', '3', 'tagged-id', 'blue', 'round'],
      ['plain', '5', 'tagged-id', 'blue', 'round'],
      ['<x>not a prefix', '5', 'tagged-id', 'blue', 'round'],
    ]);
    expect(own[0]!._SYSTEMD_UNIT).toBe('tagged.service');
    expect(Number(own[0]!._PID)).toBeGreaterThan(0);
    expect(own[0]!._BOOT_ID).toMatch(/^[0-9a-f]{32}$/);
    const raw = await journalQuery(rsd.socket, { units: ['raw.service'] });
    expect(
      raw.records.filter((r) => r._TRANSPORT === 'stdout').map((r) => [r.MESSAGE, r.SYSLOG_IDENTIFIER]),
    ).toEqual([['<3>kept as written', 'sh']]);
    await rsd.waitFor(/ tagged-id\[\d+\]: plain$/);
    // rsd's own messages about the unit carry UNIT= and are found by -u too.
    expect(records.some((r) => r.UNIT === 'tagged.service' && r.SYSLOG_IDENTIFIER === 'rsd')).toBe(true);
  });

  it('rsdctl logs: -u globs, -n, -p, -g, -r, --since/--until, -o cat/json/short-iso; status shows the last lines', async () => {
    rsd = boot(
      {
        'alpha.service':
          // The pause: its output and its exit reach rsd through different fds, in no set order (as under
          // journald); status is checked for output that came before the unit finished.
          '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'for i in 1 2 3 4 5; do echo "<6>alpha $i"; done; echo "<3>alpha broke"; sleep 0.3\'\n',
        'beta.service': '[Service]\nType=oneshot\nExecStart=/bin/echo beta says hi\n',
      },
      'ForwardToStdout=no\n',
    );
    await rsd.waitFor(/Startup finished/);
    const cat = (...a: string[]): string => rsdctl(rsd!.socket, 'logs', '--no-pager', '-o', 'cat', ...a).out;
    expect(cat('-u', 'alpha', '-n', '2', '-g', '^alpha')).toBe('alpha 5\nalpha broke\n');
    expect(cat('-u', 'alpha.service', '-p', 'err')).toBe('alpha broke\n');
    expect(cat('-u', 'alpha', '-p', 'info..info', '-g', 'ALPHA [24]')).toBe('');
    expect(cat('-u', 'alpha', '-p', 'info..info', '-g', 'alpha [24]')).toBe('alpha 2\nalpha 4\n');
    expect(cat('-u', 'alpha', '-g', '^alpha', '-r', '-n', '2')).toBe('alpha broke\nalpha 5\n');
    expect(cat('-u', '*a.service', '-g', 'says|broke')).toBe(
      cat('-u', 'alpha', '-u', 'beta', '-g', 'says|broke'),
    );
    expect(cat('-u', 'beta', '--since', '-1h', '-g', 'says')).toBe('beta says hi\n');
    expect(cat('-u', 'beta', '--until', '2000-01-01 00:00:00')).toBe('');
    expect(cat('-u', 'beta', '--since', 'tomorrow')).toBe('');
    const json = rsdctl(rsd.socket, 'logs', '-u', 'beta', '-g', 'says', '-o', 'json').out.trim();
    expect(json.startsWith('{ "__CURSOR" : ')).toBe(true);
    const rec = JSON.parse(json) as Record<string, string>;
    expect(rec).toMatchObject({
      MESSAGE: 'beta says hi',
      SYSLOG_IDENTIFIER: 'echo',
      _SYSTEMD_UNIT: 'beta.service',
      PRIORITY: '6',
      _TRANSPORT: 'stdout',
    });
    const iso = rsdctl(rsd.socket, 'logs', '-u', 'beta', '-g', 'says', '-o', 'short-iso').out;
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \S+ echo\[\d+\]: beta says hi\n$/);
    const bad = rsdctl(rsd.socket, 'logs', '-p', 'loud');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Unknown log level loud/);
    const status = rsdctl(rsd.socket, 'status', 'alpha', '-n', '3');
    expect(status.out).toMatch(
      /sh\[\d+\]: alpha 5\n.*sh\[\d+\]: alpha broke\n.*rsd\[\d+\]: (Finished|Started) /,
    );
    expect(
      status.out
        .trim()
        .split('\n')
        .filter((l) => /^\w{3} \d\d /.test(l)),
    ).toHaveLength(3);
  });

  it('a full disk (a small tmpfs) loses entries but not rsd or the services; they are counted once it has room', async () => {
    const mnt = tree.path('journal');
    mkdirSync(mnt, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]).status).toBe(0);
    // Ballast that leaves the journal about half a megabyte; removing it makes room again.
    writeFileSync(join(mnt, 'ballast'), Buffer.alloc(2560 * 1024));
    try {
      rsd = boot(
        {
          'flood.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nStandardError=journal\nExecStart=/usr/bin/env node ${FLOOD} 200000\n`,
          'steady.service': '[Service]\nExecStart=/bin/sleep 1000\n',
        },
        'Storage=persistent\nSystemMaxUse=100M\nSystemMaxFileSize=64M\nForwardToStdout=no\n',
      );
      await rsd.waitFor(/Startup finished/, 120_000);
      await rsd.waitFor(/Journal write to .* failed \(ENOSPC\)/);
      expect(rsdctl(rsd.socket, 'is-active', 'flood', 'steady').out).toBe('active\nactive\n');
      // Room again: rsd writes on, and says how much was lost.
      unlinkSync(join(mnt, 'ballast'));
      rsdctl(rsd.socket, 'restart', 'steady');
      await rsd.waitFor(/Journal writable again; \d+ entries were lost/);
      // Every line of the flood ends up stored or counted as lost (the disk may fill and free more than
      // once; each time the count is told, and a count whose own entry was lost is told again later).
      let lost = '';
      let lostCount = 0;
      let kept = 0;
      await until(async () => {
        lost = rsdctl(rsd!.socket, 'logs', '-g', 'entries were lost', '-o', 'cat').out;
        lostCount = [...lost.matchAll(/(\d+) entries/g)].reduce((a, m) => a + Number(m[1]), 0);
        kept = (
          await journalQuery(rsd!.socket, {
            units: ['flood.service'],
            grep: '^[oe] \\d+$',
            fields: ['MESSAGE'],
          })
        ).count;
        return kept + lostCount >= 200000;
      });
      expect(lost).toMatch(/^(Journal write failed: \d+ entries were lost\.\n)+$/);
      expect(kept).toBeLessThan(200000);
      expect(rsdctl(rsd.socket, 'logs', '-u', 'steady', '-n', '1', '-o', 'cat').out).toMatch(/steady/);
      expect(await rsd.stop()).toBe(0);
    } finally {
      rsd?.kill();
      rsd = null;
      spawnSync('umount', ['-l', mnt]);
    }
  }, 120_000);

  it('RateLimitIntervalSec=/RateLimitBurst= drop past the burst and count it, as journald writes it', async () => {
    rsd = boot(
      {
        'chatty.service':
          "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'for i in $(seq 1 20); do echo line $i; done; sleep 1.5; echo later'\n",
      },
      'RateLimitIntervalSec=1s\nRateLimitBurst=5\nForwardToStdout=no\n',
    );
    await rsd.waitFor(/Startup finished/);
    const out = rsdctl(rsd.socket, 'logs', '-u', 'chatty', '-o', 'cat', '-g', 'line|later|Suppressed').out;
    expect(out).toBe(
      'line 1\nline 2\nline 3\nline 4\nline 5\nSuppressed 15 messages from chatty.service\nlater\n',
    );
  });
});
