import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileContent, perTestRsd } from './harness';

/*
 * FileDescriptorStorePreserve= and ReloadSignal= (systemd 253, named by the sockets issue): when the fd store
 * is released, and which signal asks a Type=notify-reload service to reload.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();
const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8', timeout: 30_000 });

/** Each start appends what it got back from the store ("none" or the names), then stores a memfd. */
function storing(log: string): string {
  const py = s.tree.write(
    'store.py',
    [
      'import array, os, socket, time',
      "names = os.environ.get('LISTEN_FDNAMES', 'none')",
      `open('${log}', 'a').write(names + '\\n')`,
      "fd = os.memfd_create('state')",
      's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
      "s.connect(os.environ['NOTIFY_SOCKET'])",
      "s.sendmsg([b'READY=1\\nFDSTORE=1\\nFDNAME=mystate'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))])",
      'time.sleep(1000)',
      '',
    ].join('\n'),
  );
  return py;
}

async function starts(log: string, n: number): Promise<string[]> {
  for (let i = 0; i < 400; i++) {
    const lines = (await fileContent(log)).split('\n').filter(Boolean);
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const unit = (py: string, preserve: string) =>
  `[Service]\nType=notify\nNotifyAccess=all\nFileDescriptorStoreMax=4\n${preserve}ExecStart=/usr/bin/python3 ${py}\n`;

describe('FileDescriptorStorePreserve=', () => {
  it('restart (the default): kept across rsdctl restart, released by a stop', async () => {
    const log = s.tree.path('starts.log');
    s.boot({ 'test.target': '[Unit]\nWants=keeper.service\n', 'keeper.service': unit(storing(log), '') });
    await s.rsd.waitFor(/Started keeper\.service/);
    expect(ctl('restart', 'keeper').status).toBe(0);
    expect(ctl('stop', 'keeper').status).toBe(0);
    expect(ctl('start', 'keeper').status).toBe(0);
    expect(await starts(log, 3)).toEqual(['none', 'mystate', 'none']);
  });

  it('yes: kept even across a stop', async () => {
    const log = s.tree.path('starts.log');
    s.boot({
      'test.target': '[Unit]\nWants=keeper.service\n',
      'keeper.service': unit(storing(log), 'FileDescriptorStorePreserve=yes\n'),
    });
    await s.rsd.waitFor(/Started keeper\.service/);
    expect(ctl('stop', 'keeper').status).toBe(0);
    expect(ctl('start', 'keeper').status).toBe(0);
    expect(await starts(log, 2)).toEqual(['none', 'mystate']);
  });

  it('no: released even by a restart', async () => {
    const log = s.tree.path('starts.log');
    s.boot({
      'test.target': '[Unit]\nWants=keeper.service\n',
      'keeper.service': unit(storing(log), 'FileDescriptorStorePreserve=no\n'),
    });
    await s.rsd.waitFor(/Started keeper\.service/);
    expect(ctl('restart', 'keeper').status).toBe(0);
    expect(await starts(log, 2)).toEqual(['none', 'none']);
  });
});

describe('ReloadSignal=', () => {
  it('is what a Type=notify-reload service gets on reload', async () => {
    const got = s.tree.path('got');
    const py = s.tree.write(
      'reload.py',
      [
        'import os, signal, socket, time',
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        "s.connect(os.environ['NOTIFY_SOCKET'])",
        'def on(sig, _):',
        `    open('${got}', 'w').write(signal.Signals(sig).name)`,
        "    s.send(b'RELOADING=1\\nMONOTONIC_USEC=%d' % (time.monotonic_ns() // 1000))",
        "    s.send(b'READY=1')",
        'signal.signal(signal.SIGUSR2, on)',
        'signal.signal(signal.SIGHUP, on)',
        "s.send(b'READY=1')",
        'while True: time.sleep(1000)',
        '',
      ].join('\n'),
    );
    s.boot({
      'test.target': '[Unit]\nWants=r.service\n',
      'r.service': `[Service]\nType=notify-reload\nReloadSignal=SIGUSR2\nExecStart=/usr/bin/python3 ${py}\n`,
    });
    await s.rsd.waitFor(/Started r\.service/);
    expect(ctl('reload', 'r').status).toBe(0);
    expect(await fileContent(got)).toBe('SIGUSR2');
  });
});
