import { randomBytes } from 'node:crypto';
import { fileContent, perTestRsd } from './harness';

/* systemd.exec(5): a service with RuntimeDirectory= and friends finds their absolute paths in its environment. */
const s = perTestRsd();

it('sets $RUNTIME_DIRECTORY, $STATE_DIRECTORY, ... to the absolute paths, joined with ":"', async () => {
  const id = `rsd-test-${randomBytes(4).toString('hex')}`;
  const out = s.tree.path('env');
  s.boot({
    'test.target': '[Unit]\nWants=dirs.service\n',
    'dirs.service': `[Service]\nType=oneshot\nRuntimeDirectory=${id} ${id}-b\nStateDirectory=${id}\nExecStart=/bin/sh -c 'echo "$RUNTIME_DIRECTORY|$STATE_DIRECTORY|$CACHE_DIRECTORY" > ${out}; rmdir /var/lib/${id}'\n`,
  });
  expect(await fileContent(out)).toBe(`/run/${id}:/run/${id}-b|/var/lib/${id}|\n`);
});
