import { freePort } from '../helpers/ports';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, perTestRsd } from './harness';

/*
 * A socket unit's own commands (systemd.socket(5)): ExecStartPre= before the sockets are created,
 * ExecStartPost= after, ExecStopPre= before they are closed, ExecStopPost= after; a failing command fails
 * the socket unit with systemd's Result.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8' });

const show = (unit: string, props: string) => ctl('show', unit, '-p', props).stdout;

/** A command line that appends "LABEL SUBSTATE socket-exists|socket-absent" to `log`. */
function recorder(label: string, sock: string, log: string): string {
  const sub = `$$(node ${RSDCTL} --socket $$RSD_CTL show -p SubState --value app.socket)`;
  return `/bin/sh -c 'if test -S ${sock}; then s=socket-exists; else s=socket-absent; fi; echo "${label} ${sub} $$s" >> ${log}'`;
}

describe('socket unit commands', () => {
  it('run around the sockets in order, each in its own SubState', async () => {
    const sock = s.tree.path('run/app.sock');
    const log = s.tree.path('order.log');
    const control = join(s.tree.root, 'ctl.sock');
    const rundir = `rsd-test-${process.pid}-${Date.now()}`;
    s.tree.write('units/test.target', '[Unit]\nWants=app.socket\n');
    s.tree.write(
      'units/app.socket',
      [
        '[Socket]',
        `ListenStream=${sock}`,
        'RemoveOnStop=yes',
        `Environment=RSD_CTL=${control}`,
        `ExecStartPre=${recorder('start-pre', sock, log)}`,
        `RuntimeDirectory=${rundir}`,
        `ExecStartPre=/bin/sh -c 'test -d /run/${rundir} && echo "rundir /run/${rundir}" >> ${log}'`,
        `ExecStartPost=${recorder('start-post', sock, log)}`,
        `ExecStopPre=${recorder('stop-pre', sock, log)}`,
        `ExecStopPost=${recorder('stop-post', sock, log)}`,
        '',
      ].join('\n'),
    );
    s.tree.write('units/app.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.boot({});
    // The test's rsd picked its own control socket path; the commands reach it through a symlink.
    spawnSync('ln', ['-s', s.rsd.socket, control]);
    await s.rsd.waitFor(/Startup finished/);
    expect(show('app.socket', 'ActiveState,SubState,Result')).toBe(
      'ActiveState=active\nSubState=listening\nResult=success\n',
    );
    expect(ctl('stop', 'app.socket').status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(
      [
        'start-pre start-pre socket-absent',
        `rundir /run/${rundir}`,
        'start-post start-post socket-exists',
        'stop-pre stop-pre socket-exists',
        'stop-post stop-post socket-absent',
        '',
      ].join('\n'),
    );
    expect(show('app.socket', 'ActiveState,SubState,Result')).toBe(
      'ActiveState=inactive\nSubState=dead\nResult=success\n',
    );
    expect(existsSync(`/run/${rundir}`)).toBe(false);
    expect(await s.rsd.stop()).toBe(0);
  });

  it('a failing ExecStartPre= fails the socket with exit-code before any socket exists; others still start', async () => {
    const sock = s.tree.path('run/pre.sock');
    const log = s.tree.path('post.log');
    s.tree.write('units/test.target', '[Unit]\nWants=pre.socket other.service\n');
    s.tree.write(
      'units/pre.socket',
      `[Socket]\nListenStream=${sock}\nExecStartPre=/bin/sh -c 'exit 3'\nExecStopPost=/bin/sh -c 'echo stop-post >> ${log}'\n`,
    );
    s.tree.write('units/pre.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.tree.write('units/other.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.boot({});
    await s.rsd.waitFor(/Startup finished/);
    await s.rsd.waitFor(/pre\.socket: Control process exited, code=exited, status=3/);
    await s.rsd.waitFor(/pre\.socket: Failed with result 'exit-code'/);
    expect(show('pre.socket', 'ActiveState,SubState,Result')).toBe(
      'ActiveState=failed\nSubState=failed\nResult=exit-code\n',
    );
    expect(existsSync(sock)).toBe(false);
    // systemd goes straight to final-sigterm after a failed ExecStartPre=: no ExecStopPost=.
    expect(existsSync(log)).toBe(false);
    expect(ctl('is-active', 'other.service').stdout).toBe('active\n');
    expect(await s.rsd.stop()).toBe(0);
  });

  it('a failing ExecStartPost= runs ExecStopPre=/ExecStopPost=, closes the socket and fails the unit', async () => {
    const port = await freePort();
    const log = s.tree.path('stop.log');
    s.tree.write('units/test.target', '[Unit]\nWants=post.socket\n');
    s.tree.write(
      'units/post.socket',
      [
        '[Socket]',
        `ListenStream=127.0.0.1:${port}`,
        `ExecStartPost=/bin/sh -c 'kill -TERM $$$$'`,
        `ExecStopPre=/bin/sh -c 'echo stop-pre >> ${log}'`,
        `ExecStopPost=/bin/sh -c 'echo stop-post >> ${log}'`,
        '',
      ].join('\n'),
    );
    s.tree.write('units/post.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.boot({});
    await s.rsd.waitFor(/post\.socket: Failed with result 'signal'/);
    expect(readFileSync(log, 'utf8')).toBe('stop-pre\nstop-post\n');
    expect(show('post.socket', 'ActiveState,Result')).toBe('ActiveState=failed\nResult=signal\n');
    const probe = spawnSync('/usr/bin/python3', [
      '-c',
      `import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=2)`,
    ]);
    expect(probe.stderr.toString()).toMatch(/ConnectionRefusedError/);
    expect(await s.rsd.stop()).toBe(0);
  });

  it('a command past TimeoutSec= is killed and the socket fails with timeout; a "-" command may fail', async () => {
    const sock = s.tree.path('run/slow.sock');
    s.tree.write('units/test.target', '[Unit]\nWants=slow.socket\n');
    s.tree.write(
      'units/slow.socket',
      `[Socket]\nListenStream=${sock}\nTimeoutSec=500ms\nExecStartPre=-/bin/false\nExecStartPost=/bin/sleep 30\n`,
    );
    s.tree.write('units/slow.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.boot({});
    await s.rsd.waitFor(/slow\.socket: Starting timed out\. Terminating\./);
    await s.rsd.waitFor(/slow\.socket: Failed with result 'timeout'/);
    expect(show('slow.socket', 'ActiveState,Result,ControlPID')).toBe(
      'ActiveState=failed\nResult=timeout\nControlPID=0\n',
    );
    // reset-failed and a new start: the same timeout again, rsd unharmed.
    expect(ctl('reset-failed', 'slow.socket').status).toBe(0);
    expect(ctl('start', 'slow.socket').status).not.toBe(0);
    expect(show('slow.socket', 'Result')).toBe('Result=timeout\n');
    expect(await s.rsd.stop()).toBe(0);
  });
  it('a stop during ExecStartPre= kills the command, runs only ExecStopPost= and leaves the socket dead', async () => {
    const sock = s.tree.path('run/interrupted.sock');
    const log = s.tree.path('interrupted.log');
    s.tree.write('units/test.target', '[Unit]\nWants=interrupted.socket\n');
    s.tree.write(
      'units/interrupted.socket',
      `[Socket]\nListenStream=${sock}\nExecStartPre=/bin/sleep 60\nExecStopPre=/bin/sh -c 'echo stop-pre >> ${log}'\nExecStopPost=/bin/sh -c 'echo stop-post >> ${log}'\n`,
    );
    s.tree.write('units/interrupted.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    s.boot({});
    await s.rsd.waitFor(/Starting interrupted\.socket/);
    for (let i = 0; i < 100 && !/ControlPID=[1-9]/.test(show('interrupted.socket', 'ControlPID')); i++)
      await new Promise((r) => setTimeout(r, 50));
    const pid = Number(/ControlPID=(\d+)/.exec(show('interrupted.socket', 'ControlPID'))![1]);
    expect(show('interrupted.socket', 'SubState')).toBe('SubState=start-pre\n');
    expect(ctl('stop', 'interrupted.socket').status).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(show('interrupted.socket', 'ActiveState,SubState')).toBe('ActiveState=inactive\nSubState=dead\n');
    expect(readFileSync(log, 'utf8')).toBe('stop-post\n');
    expect(existsSync(sock)).toBe(false);
    expect(await s.rsd.stop()).toBe(0);
  });
});
