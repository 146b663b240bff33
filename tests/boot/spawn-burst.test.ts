import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { alive, perTestRsd } from './harness';

/*
 * A burst of starts (a boot) spawns on worker threads, and the pids come back a few ticks after the
 * children exist: children that fail their exec, exit at once, or are stopped while their spawn is still
 * queued must each end up exactly as a lone start would.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();
const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8' });

const N = 40;
const sleepers = Array.from({ length: N }, (_, i) => `sleep${i}.service`);

function units(): Record<string, string> {
  const files: Record<string, string> = {
    'test.target': `[Unit]\nWants=${sleepers.join(' ')} missing.service quick.service oneshot.service\n`,
    'missing.service': '[Service]\nExecStart=/nonexistent/program\n',
    // Exits at once: its exit may be reaped before its spawn settles.
    'quick.service': '[Service]\nExecStart=/bin/sh -c "exit 7"\n',
    'oneshot.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
  };
  for (const name of sleepers) files[name] = '[Service]\nExecStart=/bin/sleep 1000\n';
  return files;
}

it('in a burst, each unit ends as on its own: running, exec failure, early exit, oneshot', async () => {
  const rsd = s.boot(units());
  await rsd.waitFor(/Startup finished/);
  const states = ctl('is-active', ...sleepers)
    .stdout.trim()
    .split('\n');
  expect(states).toEqual(sleepers.map(() => 'active'));
  await rsd.waitFor(/missing\.service: Failed with result 'exit-code'/);
  expect(ctl('show', 'missing.service', '-p', 'ExecMainStatus', '--value').stdout.trim()).toBe('203');
  await rsd.waitFor(/quick\.service: Main process exited, code=exited, status=7/);
  expect(ctl('is-active', 'oneshot.service').stdout.trim()).toBe('active');
  // Every sleeper is a live process that rsd knows as the main process of its unit.
  for (const name of sleepers.slice(0, 5)) {
    const pid = Number(ctl('show', name, '-p', 'MainPID', '--value').stdout.trim());
    expect(alive(pid)).toBe(true);
  }
  expect(rsd.log).not.toMatch(/Reaped orphan/);
  expect(await rsd.stop()).toBe(0);
});

it('a stop that comes while the burst is still spawning leaves no process behind', async () => {
  const rsd = s.boot(units());
  const root = /Using cgroup v2 at (\S+) to track/.exec(
    await rsd.waitFor(/Using cgroup v2 at \S+ to track/),
  )![1]!;
  // SIGTERM as soon as the first service has started: most spawns are queued or under way.
  await rsd.waitFor(/Started sleep\d+\.service/);
  expect(await rsd.stop()).toBe(0);
  expect(rsd.log).toMatch(/All units stopped\. Exiting\./);
  // rsd removes a unit's cgroup once it is empty, and its own directory once every unit's is gone.
  expect(existsSync(root)).toBe(false);
  // A start the stop overtook makes no process, so nothing fails on the way (its cgroup may be gone).
  expect(rsd.log).not.toMatch(/Failed at step|status=219\/CGROUP/);
});
