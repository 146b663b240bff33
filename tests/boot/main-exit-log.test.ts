import { TmpTree } from '../helpers/tmp';
import { freshTreeEachTest, Rsd } from './harness';

/*
 * The line logged when a main process ends on its own reads as systemd's (service.c): a signal is given as
 * `code=killed, status=9/KILL`, an exit as `code=exited, status=3/NOTIMPLEMENTED`. Debian's memcached killed with -9 shows it.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

it('a main process killed by SIGKILL is logged as code=killed, status=9/KILL; an exit as code=exited, status=3/NOTIMPLEMENTED', async () => {
  tree.write('units/test.target', '[Unit]\nWants=killed.service exits.service\n');
  tree.write('units/killed.service', "[Service]\nExecStart=/bin/sh -c 'sleep 0.2; kill -9 $$$$'\n");
  tree.write('units/exits.service', "[Service]\nExecStart=/bin/sh -c 'sleep 0.2; exit 3'\n");
  rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
  expect(await rsd.waitFor(/killed\.service: Main process exited/)).toMatch(
    /killed\.service: Main process exited, code=killed, status=9\/KILL$/,
  );
  expect(await rsd.waitFor(/exits\.service: Main process exited/)).toMatch(
    /exits\.service: Main process exited, code=exited, status=3\/NOTIMPLEMENTED$/,
  );
});
