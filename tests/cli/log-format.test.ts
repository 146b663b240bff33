import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLog } from '../../src/log';

test("rsd's log lines are syslog's short format: local time, rsd[PID], the unit, the message", async () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const log = createLog('info', out);
  const before = new Date();
  log.info('Started a.service.', 'a.service');
  log.warn('no unit here');
  log.debug('not at level info');
  // Lines reach the stream together, shortly after (src/console-output.ts).
  await new Promise((r) => out.once('data', r));
  const lines = chunks.join('').split('\n').filter(Boolean);
  expect(lines).toHaveLength(2);
  const re = /^([A-Z][a-z]{2}) (\d\d) (\d\d):(\d\d):(\d\d) rsd\[(\d+)\]: (.*)$/;
  const [, mon, day, hh, mm, ss, pid, rest] = re.exec(lines[0]!) ?? [];
  expect(rest).toBe('a.service: Started a.service.');
  expect(Number(pid)).toBe(process.pid);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const stamp = new Date(before);
  stamp.setMonth(months.indexOf(mon!), Number(day));
  stamp.setHours(Number(hh), Number(mm), Number(ss));
  // The stamp is the local time of the line, to the second.
  expect(Math.abs(stamp.getTime() - before.getTime())).toBeLessThan(2000);
  expect(re.exec(lines[1]!)?.[7]).toBe('no unit here');
});

test('a line logged just before rsd exits is written all the same', () => {
  const log = join(__dirname, '..', '..', 'dist', 'src', 'log.js');
  const r = spawnSync(
    'node',
    [
      '-e',
      `require(${JSON.stringify(log)}).createLog('info').error('last words', 'x.service'); process.exit(3);`,
    ],
    { encoding: 'utf8' },
  );
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/rsd\[\d+\]: x\.service: last words\n$/);
});
