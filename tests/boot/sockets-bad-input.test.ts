import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { Rsd } from './harness';

/* Sockets rsd cannot create fail their own unit with a clear line; everything else still starts. */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
let tree: TmpTree;
let rsd: Rsd | null = null;
let busy: Server | null = null;
beforeEach(() => {
  tree = new TmpTree();
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  busy?.close();
  busy = null;
  tree.cleanup();
});

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', rsd!.socket, ...args], { encoding: 'utf8' });

describe('sockets that cannot be created', () => {
  it('a port in use and a unix path too long fail their units (Result=resources) naming socket and errno', async () => {
    busy = createServer();
    const server = busy;
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const long = tree.path(`${'x'.repeat(120)}.sock`);
    const good = tree.path('run/good.sock');
    tree.write('units/test.target', '[Unit]\nWants=busy.socket long.socket good.socket plain.service\n');
    tree.write('units/busy.socket', `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    tree.write('units/long.socket', `[Socket]\nListenStream=${long}\n`);
    tree.write('units/good.socket', `[Socket]\nListenStream=${good}\n`);
    for (const s of ['busy', 'long', 'good', 'plain'])
      tree.write(`units/${s}.service`, '[Service]\nExecStart=/bin/sleep 1000\n');
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Startup finished/);
    const busyLine = await rsd.waitFor(/busy\.socket: Failed to create listening socket/);
    expect(busyLine).toMatch(
      new RegExp(
        `busy\\.socket: Failed to create listening socket \\(127\\.0\\.0\\.1:${port}\\): bind: EADDRINUSE$`,
      ),
    );
    const longLine = await rsd.waitFor(/long\.socket: Failed to create listening socket/);
    expect(longLine).toMatch(/\(\/.*x{120}\.sock\): bind: ENAMETOOLONG$/);
    for (const line of [busyLine, longLine]) expect(line).not.toMatch(/\.socket:\d+:/);
    expect(ctl('show', 'busy.socket', '-p', 'ActiveState,Result').stdout).toBe(
      'ActiveState=failed\nResult=resources\n',
    );
    expect(ctl('show', 'long.socket', '-p', 'ActiveState,Result').stdout).toBe(
      'ActiveState=failed\nResult=resources\n',
    );
    expect(ctl('is-active', 'good.socket', 'plain.service').stdout).toBe('active\nactive\n');
    // Once the port is free, the unit starts.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    busy = null;
    expect(ctl('reset-failed', 'busy.socket').status).toBe(0);
    expect(ctl('start', 'busy.socket').status).toBe(0);
    expect(ctl('is-active', 'busy.socket').stdout).toBe('active\n');
    expect(await rsd.stop()).toBe(0);
  });
});
