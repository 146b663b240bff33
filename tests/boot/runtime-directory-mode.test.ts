import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import { fileContent, Rsd } from './harness';

/*
 * RuntimeDirectoryMode= is the directory's mode as written, special bits included and whatever rsd's umask:
 * Debian's redis-server.service asks 2755 (setgid, so files in it get the redis group), which mkdir() alone
 * would turn into 0755.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
const name = `rsd-test-rtdir-${randomBytes(4).toString('hex')}`;
beforeEach(() => {
  tree = new TmpTree();
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  tree.cleanup();
  rmSync(`/run/${name}`, { recursive: true, force: true });
});

it('RuntimeDirectoryMode=2755 gives a setgid directory; 0700 is 0700', async () => {
  const out = tree.path('mode');
  tree.write(
    'units/rt.service',
    `[Service]\nRuntimeDirectory=${name}/a ${name}/b\nRuntimeDirectoryMode=2755\nUMask=0077\n` +
      `ExecStart=/bin/sh -c 'stat -c %%a /run/${name}/a /run/${name}/b > ${out}; exec sleep 100'\n`,
  );
  tree.write(
    'units/private.service',
    `[Service]\nRuntimeDirectory=${name}/p\nRuntimeDirectoryMode=0700\nExecStart=/bin/sleep 100\n`,
  );
  tree.write('units/test.target', '[Unit]\nWants=rt.service private.service\n');
  rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
  expect((await fileContent(out)).trim().split('\n')).toEqual(['2755', '2755']);
  await rsd.waitFor(/private\.service: Started/);
  expect((statSync(`/run/${name}/p`).mode & 0o7777).toString(8)).toBe('700');
});
