import { TmpTree } from '../helpers/tmp';
import { fileContent, freshTreeEachTest, Rsd } from './harness';

/*
 * IgnoreSIGPIPE= (default yes): the service starts with SIGPIPE ignored, so a write to a closed pipe or
 * socket fails with EPIPE instead of killing it, as under systemd; IgnoreSIGPIPE=no leaves SIGPIPE at its
 * default action (Debian's cron.service). Every other signal starts at its default either way. Checked on
 * both spawn paths: straight into the service, and through the exec helper (here for UMask=).
 */
let tree: TmpTree;
freshTreeEachTest((t) => (tree = t));

const SIGPIPE_BIT = 1n << 12n;

it('SIGPIPE is ignored by default and at its default action with IgnoreSIGPIPE=no, with and without the helper', async () => {
  const cases: Record<string, string> = {
    'direct-default': '',
    'direct-no': 'IgnoreSIGPIPE=no\n',
    'helper-default': 'UMask=0077\n',
    'helper-no': 'UMask=0077\nIgnoreSIGPIPE=false\n',
  };
  for (const [name, extra] of Object.entries(cases)) {
    tree.write(
      `units/${name}.service`,
      `[Service]\nType=oneshot\n${extra}ExecStart=/bin/sh -c 'grep SigIgn /proc/self/status > ${tree.path(name)}'\n`,
    );
  }
  tree.write(
    'units/test.target',
    `[Unit]\nWants=${Object.keys(cases)
      .map((n) => `${n}.service`)
      .join(' ')}\n`,
  );
  Rsd.start(tree.path('units'), { unit: 'test.target' });
  const ignored: Record<string, bigint> = {};
  for (const name of Object.keys(cases)) {
    const line = (await fileContent(tree.path(name))).trim();
    ignored[name] = BigInt(`0x${line.split(/\s+/)[1]}`);
  }
  expect(ignored).toEqual({
    'direct-default': SIGPIPE_BIT,
    'direct-no': 0n,
    'helper-default': SIGPIPE_BIT,
    'helper-no': 0n,
  });
});
