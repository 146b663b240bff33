import { freePort } from '../helpers/ports';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { freshTreeEachTest, Rsd } from './harness';

/*
 * A real Debian daemon that speaks sd_notify: redis-server with `--supervised systemd`, under a minimal unit
 * of our own. The packages come from scripts/install-test-packages.sh; when they cannot be installed (no
 * network, no apt) the test is skipped, saying why, and never passes.
 */
const ROOT = join(__dirname, '..', '..');
const RSDCTL = join(ROOT, 'dist', 'ctl', 'rsdctl.js');

const install = spawnSync(join(ROOT, 'scripts', 'install-test-packages.sh'), {
  encoding: 'utf8',
  timeout: 15 * 60_000,
});
const ready = install.status === 0;
if (!ready) {
  console.warn(
    `SKIPPING the redis-server tests: scripts/install-test-packages.sh failed (status ${install.status}): ${(install.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
  );
}

let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', rsd!.socket, ...args], { encoding: 'utf8' });

const ping = (port: number) =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {
    encoding: 'utf8',
    timeout: 5000,
  });

function redisUnit(port: number, dir: string, supervised: 'systemd' | 'no', extra = ''): string {
  return [
    '[Service]',
    'Type=notify',
    `ExecStart=/usr/bin/redis-server --supervised ${supervised} --daemonize no --port ${port} --bind 127.0.0.1 --dir ${dir} --save "" --appendonly no`,
    extra,
    '',
  ].join('\n');
}

(ready ? describe : describe.skip)('redis-server, Type=notify', () => {
  it('is active only after its READY=1, answers PONG, and stops cleanly', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=redis-test.service\n');
    tree.write('units/redis-test.service', redisUnit(port, tree.path(''), 'systemd', 'TimeoutStartSec=30s'));
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(/Started redis-test\.service/);
    // Started means READY=1 came: by then redis accepts connections (it says so only once it does).
    expect(ping(port).stdout).toBe('PONG\n');
    expect(ctl('show', 'redis-test.service', '-p', 'ActiveState,SubState,StatusText').stdout).toBe(
      'ActiveState=active\nSubState=running\nStatusText=Ready to accept connections\n',
    );
    expect(ctl('stop', 'redis-test.service').status).toBe(0);
    expect(ctl('show', 'redis-test.service', '-p', 'ActiveState,Result').stdout).toBe(
      'ActiveState=inactive\nResult=success\n',
    );
    expect(ping(port).stdout).not.toBe('PONG\n');
    expect(await rsd.stop()).toBe(0);
  });

  it('without --supervised systemd it never says READY=1, so rsd times the start out', async () => {
    const port = await freePort();
    tree.write('units/test.target', '[Unit]\nWants=redis-mute.service\n');
    tree.write('units/redis-mute.service', redisUnit(port, tree.path(''), 'no', 'TimeoutStartSec=2s'));
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
    await rsd.waitFor(
      /redis-mute\.service: Ready to accept connections|redis-server\[\d+\]: .*Ready to accept/,
    );
    expect(ctl('is-active', 'redis-mute.service').stdout).toBe('activating\n');
    await rsd.waitFor(/redis-mute\.service: Failed with result 'timeout'/);
    expect(await rsd.stop()).toBe(0);
  });
});
