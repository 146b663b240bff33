import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { perTestRsd } from './harness';

/*
 * Start failures the engine issue names: each leaves the unit failed with systemd's Result and a log line,
 * and rsd keeps running (it still starts the next unit).
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();
const boot = (files: Record<string, string>) => s.boot(files);

describe('a PIDFile= that never appears', () => {
  it('fails with result protocol when the daemon left no process behind', async () => {
    boot({
      'test.target': '[Unit]\nWants=nopid.service after.service\n',
      'nopid.service': `[Service]\nType=forking\nPIDFile=${s.tree.path('never.pid')}\nExecStart=/bin/true\n`,
      'after.service': '[Unit]\nAfter=nopid.service\n[Service]\nExecStart=/bin/sleep 1000\n',
    });
    await s.rsd.waitFor(/nopid\.service: Failed with result 'protocol'/);
    await s.rsd.waitFor(/Started after\.service/);
  });

  it('fails with result timeout when a process is left but the file never comes', async () => {
    boot({
      'test.target': '[Unit]\nWants=nopid.service\n',
      'nopid.service': `[Service]\nType=forking\nTimeoutStartSec=1s\nPIDFile=${s.tree.path('never.pid')}\nExecStart=/bin/sh -c 'sleep 1000 &'\n`,
    });
    await s.rsd.waitFor(/nopid\.service: Failed with result 'timeout'/);
  });
});

describe('a PIDFile= written late', () => {
  it('is waited for (no polling) while the daemon runs, and becomes the main process', async () => {
    const pidFile = s.tree.path('late.pid');
    boot({
      'test.target': '[Unit]\nWants=late.service\n',
      'late.service': `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=/bin/sh -c '(sleep 1; sh -c "echo \\$$$$ > ${pidFile}; exec sleep 1000") > /dev/null 2>&1 &'\n`,
    });
    await s.rsd.waitFor(/late\.service: Can't open PID file .* \(yet\?\) after start/);
    await s.rsd.waitFor(/Started late\.service/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(1);
    const shown = spawnSync(
      'node',
      [RSDCTL, '--socket', s.rsd.socket, 'show', 'late', '-p', 'MainPID', '--value'],
      {
        encoding: 'utf8',
      },
    );
    expect(shown.stdout.trim()).toBe(String(pid));
  });
});

describe('the exec helper dying before it runs the program', () => {
  it('fails the unit and says the helper was lost; rsd goes on', async () => {
    // A helper stand-in that dies at once, the way a crashing helper would: no status line, a signal death.
    const helper = s.tree.write('bin/crashing-helper', '#!/bin/sh\nkill -SEGV $$\n');
    chmodSync(helper, 0o755);
    s.boot(
      {
        'test.target': '[Unit]\nWants=victim.service after.service\n',
        'victim.service': '[Service]\nType=exec\nUser=nobody\nExecStart=/bin/sleep 1000\n',
        'after.service': '[Unit]\nAfter=victim.service\n[Service]\nExecStart=/bin/true\n',
      },
      { env: { RSD_EXEC_HELPER: helper } },
    );
    await s.rsd.waitFor(/victim\.service: Failed with result/);
    await s.rsd.waitFor(/Started after\.service|after\.service: Deactivated successfully/);
  });
});

describe('a step of the exec helper failing for a Type=simple service', () => {
  it('names the step and the status as systemd does', async () => {
    boot({
      'test.target': '[Unit]\nWants=nodir.service\n',
      'nodir.service': '[Service]\nWorkingDirectory=/nonexistent/dir\nExecStart=/bin/sleep 1000\n',
    });
    await s.rsd.waitFor(/nodir\.service: Failed at step CHDIR spawning \/bin\/sleep: ENOENT/);
    await s.rsd.waitFor(/nodir\.service: Main process exited, code=exited, status=200\/CHDIR/);
    await s.rsd.waitFor(/nodir\.service: Failed with result 'exit-code'/);
  });
});
