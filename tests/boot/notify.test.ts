import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { freshTreeEachTest, Rsd } from './harness';

/* Type=notify services: started when they say READY=1 over NOTIFY_SOCKET, as sd_notify(3) describes. */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

/** A notifier in Python: it sends each message from its own pid (no faked credentials), then sleeps. */
const PY_NOTIFY = (msgs: string[], sleep: number) =>
  `/usr/bin/python3 -c "import os,socket,time; time.sleep(0.3); s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.connect(os.environ['NOTIFY_SOCKET']); [s.send(m.encode()) for m in ${JSON.stringify(msgs).replace(/"/g, "'")}]; time.sleep(${sleep})"`;

function boot(files: Record<string, string>): Rsd {
  tree.write(
    'notify.py',
    "import os, socket, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.connect(os.environ['NOTIFY_SOCKET'])\ns.send(b'READY=1')\ntime.sleep(3)\n",
  );
  for (const [n, t] of Object.entries(files)) tree.write(`units/${n}`, t);
  return Rsd.start(tree.path('units'), { unit: 'test.target' });
}

describe('Type=notify', () => {
  it('counts as started only after READY=1 from the main process; STATUS= shows up in show', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=n.service after.service\n',
      'n.service': `[Service]\nType=notify\nExecStart=${PY_NOTIFY(['STATUS=serving', 'READY=1'], 1000)}\n`,
      'after.service': '[Unit]\nAfter=n.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
    });
    await rsd.waitFor(/Started n\.service/);
    const idx = (re: RegExp) => rsd!.lines.findIndex((l) => re.test(l));
    await rsd.waitFor(/Started after\.service/);
    expect(idx(/Started n\.service/)).toBeLessThan(idx(/Starting after\.service/));
    expect(await rsd.stop()).toBe(0);
  });

  it('WatchdogSec=: keep-alives keep it running; when they stop it is killed with result watchdog and Restart=on-watchdog restarts it', async () => {
    tree.write(
      'dog.py',
      [
        'import os, socket, time',
        "assert os.environ['WATCHDOG_USEC'] == '400000'",
        "assert os.environ['WATCHDOG_PID'] == str(os.getpid()), 'WATCHDOG_PID is not ours'",
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        "s.connect(os.environ['NOTIFY_SOCKET'])",
        "s.send(b'READY=1')",
        'for _ in range(8):',
        "    s.send(b'WATCHDOG=1')",
        '    time.sleep(0.1)',
        'time.sleep(1000)',
        '',
      ].join('\n'),
    );
    rsd = boot({
      'test.target': '[Unit]\nWants=dog.service\n',
      'dog.service': `[Service]\nType=notify\nWatchdogSec=400ms\nRestart=on-watchdog\nRestartSec=100ms\nExecStart=/usr/bin/python3 ${tree.path('dog.py')}\n`,
    });
    await rsd.waitFor(/dog\.service: Watchdog timeout/);
    await rsd.waitFor(/dog\.service: Failed with result 'watchdog'/);
    await rsd.waitFor(/dog\.service: Scheduled restart job/);
    const started = () => rsd!.lines.filter((l) => /Started dog\.service/.test(l)).length;
    for (let i = 0; i < 200 && started() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(started()).toBeGreaterThanOrEqual(2);
    expect(await rsd.stop()).toBe(0);
  });

  it('keeps FDSTORE=1 fds across a restart and hands them back, named, after the sockets', async () => {
    const out = tree.path('fdstore.out');
    tree.write(
      'store.py',
      [
        'import array, os, socket, sys, time',
        "n = int(os.environ.get('LISTEN_FDS', '0'))",
        'if n == 0:',
        // A memfd: not pollable, so kept whatever happens (a pipe's read end would hang up when we exit).
        "    r = os.memfd_create('state')",
        "    os.write(r, b'kept across restarts')",
        '    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        "    s.connect(os.environ['NOTIFY_SOCKET'])",
        "    s.sendmsg([b'FDSTORE=1\\nFDNAME=mystate'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [r]))])",
        '    time.sleep(0.2)',
        '    sys.exit(1)',
        `with open('${out}', 'w') as f:`,
        "    f.write(os.environ['LISTEN_FDNAMES'] + ':' + os.pread(3, 100, 0).decode())",
        'time.sleep(1000)',
        '',
      ].join('\n'),
    );
    rsd = boot({
      'test.target': '[Unit]\nWants=store.service\n',
      'store.service': `[Service]\nFileDescriptorStoreMax=4\nNotifyAccess=main\nRestart=on-failure\nRestartSec=100ms\nExecStart=/usr/bin/python3 ${tree.path('store.py')}\n`,
    });
    for (let i = 0; i < 200; i++) {
      if (existsSync(out) && readFileSync(out, 'utf8') !== '') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readFileSync(out, 'utf8')).toBe('mystate:kept across restarts');
    expect(await rsd.stop()).toBe(0);
  });

  it('EXTEND_TIMEOUT_USEC= moves the start deadline', async () => {
    tree.write(
      'slow.py',
      [
        'import os, socket, time',
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        "s.connect(os.environ['NOTIFY_SOCKET'])",
        'for _ in range(6):',
        "    s.send(b'EXTEND_TIMEOUT_USEC=500000')",
        '    time.sleep(0.25)',
        "s.send(b'READY=1')",
        'time.sleep(1000)',
        '',
      ].join('\n'),
    );
    rsd = boot({
      'test.target': '[Unit]\nWants=slow.service\n',
      'slow.service': `[Service]\nType=notify\nTimeoutStartSec=600ms\nExecStart=/usr/bin/python3 ${tree.path('slow.py')}\n`,
    });
    await rsd.waitFor(/Started slow\.service/);
    expect(rsd.log).not.toMatch(/slow\.service: Start operation timed out/);
    expect(await rsd.stop()).toBe(0);
  });

  it('Type=notify-reload: a reload sends SIGHUP and completes on RELOADING=1 then READY=1', async () => {
    const out = tree.path('reloads');
    tree.write(
      'reloader.py',
      [
        'import os, signal, socket, time',
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        "s.connect(os.environ['NOTIFY_SOCKET'])",
        'def hup(*_):',
        `    open('${out}', 'a').write('hup\\n')`,
        "    s.send(b'RELOADING=1')",
        "    s.send(b'READY=1')",
        'signal.signal(signal.SIGHUP, hup)',
        "s.send(b'READY=1')",
        'while True: time.sleep(1000)',
        '',
      ].join('\n'),
    );
    rsd = boot({
      'test.target': '[Unit]\nWants=rl.service\n',
      'rl.service': `[Service]\nType=notify-reload\nExecStart=/usr/bin/python3 ${tree.path('reloader.py')}\n`,
    });
    await rsd.waitFor(/Started rl\.service/);
    const r = spawnSync(
      'node',
      [join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js'), '--socket', rsd.socket, 'reload', 'rl'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('hup\n');
    expect(await rsd.stop()).toBe(0);
  });

  it('fails with a timeout when READY=1 never comes', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=silent.service\n',
      'silent.service': '[Service]\nType=notify\nTimeoutStartSec=500ms\nExecStart=/bin/sleep 1000\n',
    });
    await rsd.waitFor(/silent\.service: Start operation timed out/);
    await rsd.waitFor(/silent\.service: Failed with result 'timeout'/);
    expect(await rsd.stop()).toBe(0);
  });

  it('ignores a READY=1 from another process under NotifyAccess=main, accepts it under NotifyAccess=all', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=child.service all.service real.service\n',
      'child.service': `[Service]\nType=notify\nTimeoutStartSec=1500ms\nExecStart=/bin/sh -c '/usr/bin/python3 ${tree.path('notify.py')} & exec sleep 1000'\n`,
      'all.service': `[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/sh -c '/usr/bin/python3 ${tree.path('notify.py')} & exec sleep 1000'\n`,
      // systemd-notify sends with its parent's pid, so under NotifyAccess=main it counts as the main process.
      'real.service':
        "[Service]\nType=notify\nExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 1000'\n",
    });
    await rsd.waitFor(/Started all\.service/);
    await rsd.waitFor(/Started real\.service/);
    await rsd.waitFor(
      /child\.service: Got notification message from PID \d+, but NotifyAccess= does not allow it/,
    );
    await rsd.waitFor(/child\.service: Failed with result 'timeout'/);
    expect(await rsd.stop()).toBe(0);
  });
});
