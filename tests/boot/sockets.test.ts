import { freePort } from '../helpers/ports';
import { spawnSync } from 'node:child_process';
import { existsSync, readlinkSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { Rsd } from './harness';

/* Socket activation as systemd.socket(5) and sd_listen_fds(3) describe it, with real clients. */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
let tree: TmpTree;
let rsd: Rsd | null = null;
beforeEach(() => {
  tree = new TmpTree();
  tree.write(
    'server.py',
    [
      'import os, socket',
      "assert int(os.environ['LISTEN_PID']) == os.getpid(), 'LISTEN_PID is not ours'",
      "n = int(os.environ['LISTEN_FDS'])",
      "names = os.environ.get('LISTEN_FDNAMES', '')",
      'listeners = [socket.socket(fileno=3 + i) for i in range(n)]',
      'while True:',
      '    c, _ = listeners[0].accept()',
      "    c.sendall(f'{os.getpid()} {n} {names}\\n'.encode())",
      '    c.close()',
      '',
    ].join('\n'),
  );
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  tree.cleanup();
});

function ask(port: number, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.end(send));
    s.on('data', (d: string) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
}

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', rsd!.socket, ...args], { encoding: 'utf8' });

describe('socket activation', () => {
  it('Accept=no: the first connection starts the service with every fd, named; after a stop, traffic starts it again', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=web.socket\n');
    tree.write('units/web.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nFileDescriptorName=http\n`);
    tree.write('units/web.service', `[Service]\nExecStart=/usr/bin/python3 ${tree.path('server.py')}\n`);
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    expect(ctl('is-active', 'web.service').stdout).toBe('inactive\n');
    const first = (await ask(port)).trim().split(' ');
    expect(first.slice(1)).toEqual(['1', 'http']);
    expect(ctl('is-active', 'web.service').stdout).toBe('active\n');
    expect(ctl('stop', 'web.service').status).toBe(0);
    expect(ctl('show', 'web.socket', '-p', 'SubState', '--value').stdout).toBe('listening\n');
    const second = (await ask(port)).trim().split(' ');
    expect(second[0]).not.toBe(first[0]);
    expect(await rsd.stop()).toBe(0);
  });

  it('loses no connection at the hand-over: 200 at once against a cold socket are all served', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=web.socket\n');
    tree.write('units/web.socket', `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    tree.write('units/web.service', `[Service]\nExecStart=/usr/bin/python3 ${tree.path('server.py')}\n`);
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const answers = await Promise.all(Array.from({ length: 200 }, () => ask(port)));
    expect(answers.filter((a) => /^\d+ 1 web\.socket\n$/.test(a))).toHaveLength(200);
    expect(await rsd.stop()).toBe(0);
  });

  it('Symlinks= points at the socket while it listens; RemoveOnStop= removes both at stop', async () => {
    const sock = tree.path('run/app.sock');
    const link = tree.path('links/app-link.sock');
    tree.write('units/test.target', '[Unit]\nWants=app.socket\n');
    tree.write(
      'units/app.socket',
      `[Socket]\nListenStream=${sock}\nSymlinks=${link}\nRemoveOnStop=yes\nSocketMode=0600\n`,
    );
    tree.write('units/app.service', `[Service]\nExecStart=/usr/bin/python3 ${tree.path('server.py')}\n`);
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    expect(readlinkSync(link)).toBe(sock);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(await rsd.stop()).toBe(0);
    expect(existsSync(sock)).toBe(false);
    expect(existsSync(link)).toBe(false);
  });

  it('a service that hits its start limit takes its socket down: later clients are refused, not left waiting', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=crashy.socket\n');
    tree.write('units/crashy.socket', `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    tree.write(
      'units/crashy.service',
      '[Unit]\nStartLimitBurst=2\nStartLimitIntervalSec=60\n[Service]\nExecStart=/bin/false\n',
    );
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const attempt = () =>
      new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        s.on('close', () => resolve('closed'));
        s.setTimeout(500, () => {
          s.destroy();
          resolve('timeout');
        });
      });
    for (let i = 0; i < 3; i++) await attempt();
    await rsd.waitFor(/crashy\.socket: Service hit its start limit; closing the socket/);
    expect(await attempt()).toBe('ECONNREFUSED');
    expect(ctl('show', 'crashy.socket', '-p', 'ActiveState,Result').stdout).toBe(
      'ActiveState=failed\nResult=service-start-limit-hit\n',
    );
    expect(await rsd.stop()).toBe(0);
  });

  it('a service started directly (not by traffic) gets its sockets too', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=web.socket web.service\n');
    tree.write('units/web.socket', `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    tree.write('units/web.service', `[Service]\nExecStart=/usr/bin/python3 ${tree.path('server.py')}\n`);
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Started web\.service/);
    expect((await ask(port)).trim().split(' ')[1]).toBe('1');
    expect(await rsd.stop()).toBe(0);
  });

  it('Accept=yes: one instance per connection, the connection on stdin/stdout, REMOTE_ADDR set', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=echo.socket\n');
    tree.write('units/echo.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
    tree.write(
      'units/echo@.service',
      '[Service]\nStandardInput=socket\nExecStart=/bin/sh -c \'read l; echo "$$REMOTE_ADDR $$l"\'\n',
    );
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(port, `msg${i}\n`)));
    expect(answers.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `127.0.0.1 msg${i}\n`).sort());
    await rsd.waitFor(/echo@\d+-127\.0\.0\.1:\d+-127\.0\.0\.1:\d+\.service: Started/);
    expect(await rsd.stop()).toBe(0);
  });
});
