import { TmpTree } from '../helpers/tmp';
import { fileContent } from '../boot/harness';
import { Bed } from './bed';

/*
 * sd_booted(3) is `test -d /run/systemd/system`. Programs built with libsystemd use the sockets and
 * protocols of a systemd-managed system only when it says yes: Debian's rsyslog takes syslog.socket then,
 * and otherwise binds /dev/log itself. rsd as PID 1 creates the directory, as systemd does.
 */
let tree: TmpTree;
let bed: Bed | null = null;
beforeEach(() => {
  tree = new TmpTree();
});
afterEach(() => {
  bed?.kill();
  bed = null;
  tree.cleanup();
});

it('rsd as PID 1 makes /run/systemd/system, so sd_booted() is true for its services', async () => {
  const out = tree.path('booted');
  tree.write('units/test.target', '[Unit]\nWants=check.service\n');
  tree.write(
    'units/check.service',
    `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'if test -d /run/systemd/system; then echo yes; else echo no; fi > ${out}'\n`,
  );
  bed = new Bed([tree.path('units')], 'test.target');
  expect((await fileContent(out)).trim()).toBe('yes');
  expect(await bed.stop()).toBe(0);
});
