import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { perTestRsd } from './harness';

/*
 * NotifyAccess= through the manager (systemd.service(5)): a message counts for the unit its sender belongs
 * to, and only if that unit's NotifyAccess= allows that sender: main (the main process), exec (main or a
 * control process), all (any process of the unit's own cgroup, never another unit's).
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8' });

/** Sends its arguments, one datagram each, from its own pid. */
const NOTIFY_PY = [
  'import os, socket, sys',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  "s.connect(os.environ['NOTIFY_SOCKET'])",
  'for m in sys.argv[1:]: s.send(m.encode())',
  '',
].join('\n');

describe('NotifyAccess= through the manager', () => {
  it("refuses messages from processes the unit's setting does not allow, and from other units' processes", async () => {
    const py = s.tree.write('notify.py', NOTIFY_PY);
    const forked = (msgs: string) => `/bin/sh -c '/usr/bin/python3 ${py} ${msgs} & exec /bin/sleep 1000'`;
    s.tree.write(
      'units/test.target',
      '[Unit]\nWants=waiting.service intruder.service exec.service execpost.service\n',
    );
    // Never says READY=1 itself; a process of intruder.service says it, and must not count here.
    s.tree.write(
      'units/waiting.service',
      '[Service]\nType=notify\nNotifyAccess=all\nTimeoutStartSec=2s\nExecStart=/bin/sleep 1000\n',
    );
    // Under all, a forked child of its own counts.
    s.tree.write(
      'units/intruder.service',
      `[Service]\nType=notify\nNotifyAccess=all\nExecStart=${forked('READY=1 STATUS=from-intruder')}\n`,
    );
    // Under exec, a forked child of the main process does not count ...
    s.tree.write(
      'units/exec.service',
      `[Service]\nType=notify\nNotifyAccess=exec\nTimeoutStartSec=2s\nExecStart=${forked('READY=1')}\n`,
    );
    // ... and a control process (ExecStartPost=) does.
    s.tree.write(
      'units/execpost.service',
      `[Service]\nType=simple\nNotifyAccess=exec\nExecStart=/bin/sleep 1000\nExecStartPost=/usr/bin/python3 ${py} STATUS=from-control\n`,
    );
    s.boot({});
    await s.rsd.waitFor(/Started intruder\.service/);
    await s.rsd.waitFor(/Started execpost\.service/);
    await s.rsd.waitFor(
      /exec\.service: Got notification message from PID \d+, but NotifyAccess= does not allow it/,
    );
    await s.rsd.waitFor(/waiting\.service: Failed with result 'timeout'/);
    await s.rsd.waitFor(/exec\.service: Failed with result 'timeout'/);
    expect(ctl('show', 'intruder.service', '-p', 'StatusText').stdout).toBe('StatusText=from-intruder\n');
    expect(ctl('show', 'execpost.service', '-p', 'StatusText').stdout).toBe('StatusText=from-control\n');
    expect(ctl('show', 'waiting.service', '-p', 'StatusText').stdout).toBe('StatusText=\n');

    // A process of no unit at all: ignored, and rsd carries on.
    const stray = spawnSync('/usr/bin/python3', [py, 'READY=1', 'STATUS=stray'], {
      env: { NOTIFY_SOCKET: `${s.rsd.socket}.notify` },
    });
    expect(stray.status).toBe(0);
    expect(ctl('is-active', 'intruder.service').stdout).toBe('active\n');
    expect(ctl('show', 'intruder.service', '-p', 'StatusText').stdout).toBe('StatusText=from-intruder\n');
    expect(await s.rsd.stop()).toBe(0);
  });
});
