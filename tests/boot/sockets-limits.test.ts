import { freePort } from '../helpers/ports';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { freshTreeEachTest, Rsd } from './harness';

/* TriggerLimitIntervalSec=/TriggerLimitBurst= and MaxConnectionsPerSource= (systemd.socket(5)), with real clients. */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', rsd!.socket, ...args], { encoding: 'utf8' });

/** Connects from `from` and returns what the server said before closing (or the error code). */
function ask(port: number, from = '127.0.0.1', host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host, localAddress: from });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('TriggerLimitBurst=', () => {
  it('Accept=no: a service that never takes the connection re-triggers until the limit fails the socket', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=loop.socket\n');
    tree.write(
      'units/loop.socket',
      `[Socket]\nListenStream=127.0.0.1:${port}\nTriggerLimitIntervalSec=30s\nTriggerLimitBurst=3\n`,
    );
    // Exits at once without accepting: the queued connection wakes the socket again and again.
    tree.write('units/loop.service', '[Unit]\nStartLimitBurst=100\n[Service]\nExecStart=/bin/true\n');
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const client = ask(port);
    await rsd.waitFor(/loop\.socket: Trigger limit hit, refusing further activation\./);
    await rsd.waitFor(/loop\.socket: Failed with result 'trigger-limit-hit'/);
    expect(rsd.lines.filter((l) => /Started loop\.service/.test(l))).toHaveLength(3);
    expect(ctl('show', 'loop.socket', '-p', 'ActiveState,Result').stdout).toBe(
      'ActiveState=failed\nResult=trigger-limit-hit\n',
    );
    // The queued connection goes with the listening socket.
    expect(['', 'ECONNRESET']).toContain(await client);
    expect(await ask(port)).toBe('ECONNREFUSED');
    expect(await rsd.stop()).toBe(0);
  });

  it('Accept=yes: connections past the burst are refused and the socket stops listening', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=echo.socket\n');
    tree.write(
      'units/echo.socket',
      `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\nTriggerLimitIntervalSec=1h\nTriggerLimitBurst=4\n`,
    );
    tree.write('units/echo@.service', '[Service]\nStandardOutput=socket\nExecStart=/bin/echo hello\n');
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(port));
    expect(answers).toEqual(['hello\n', 'hello\n', 'hello\n', 'hello\n']);
    expect(['', 'ECONNRESET']).toContain(await ask(port));
    await rsd.waitFor(/echo\.socket: Failed with result 'trigger-limit-hit'/);
    expect(await ask(port)).toBe('ECONNREFUSED');
    expect(await rsd.stop()).toBe(0);
  });

  it('defaults to 200 per 2s for Accept=yes: 60 quick connections are all served', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=echo.socket\n');
    tree.write('units/echo.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
    tree.write('units/echo@.service', '[Service]\nStandardOutput=socket\nExecStart=/bin/echo hello\n');
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const answers = await Promise.all(Array.from({ length: 60 }, () => ask(port)));
    expect(answers.filter((a) => a === 'hello\n')).toHaveLength(60);
    expect(rsd.log).not.toMatch(/Trigger limit hit/);
    expect(await rsd.stop()).toBe(0);
  });
});

describe('MaxConnectionsPerSource=', () => {
  it('refuses the extra connection from one source with a log line while another source is served', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=hold.socket\n');
    tree.write(
      'units/hold.socket',
      `[Socket]\nListenStream=0.0.0.0:${port}\nAccept=yes\nMaxConnectionsPerSource=2\n`,
    );
    // Each instance answers, then holds its connection until the client closes it.
    tree.write(
      'units/hold@.service',
      '[Service]\nStandardInput=socket\nExecStart=/bin/sh -c \'echo "hi $$REMOTE_ADDR"; cat >/dev/null\'\n',
    );
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const open = (from: string): Promise<{ first: string; close: () => void }> =>
      new Promise((resolve) => {
        const s = connect({ port, host: '127.0.0.1', localAddress: from });
        s.setEncoding('utf8');
        s.once('data', (d: string) => resolve({ first: d, close: () => s.end() }));
        s.on('close', () => resolve({ first: '', close: () => undefined }));
        s.on('error', () => resolve({ first: 'error', close: () => undefined }));
      });
    const a = await open('127.0.0.1');
    const b = await open('127.0.0.1');
    expect([a.first, b.first]).toEqual(['hi 127.0.0.1\n', 'hi 127.0.0.1\n']);
    const third = await open('127.0.0.1');
    expect(third.first).toBe('');
    await rsd.waitFor(
      /hold\.socket: Too many incoming connections \(3\) from source 127\.0\.0\.1, dropping connection\./,
    );
    const other = await open('127.0.0.2');
    expect(other.first).toBe('hi 127.0.0.2\n');
    // When one of the first two ends, that source may connect again.
    a.close();
    let again = { first: '', close: () => undefined as void };
    for (let i = 0; i < 50 && again.first === ''; i++) {
      again = await open('127.0.0.1');
      if (again.first === '') await new Promise((r) => setTimeout(r, 100));
    }
    expect(again.first).toBe('hi 127.0.0.1\n');
    for (const c of [b, other, again]) c.close();
    expect(await rsd.stop()).toBe(0);
  });
});
