import { spawnSync } from 'node:child_process';
import { buildNative, childrenOfThisProcess, nativeBin } from '../exec/support';

beforeAll(buildNative);

/** Runs the helper directly with its status fd on 3; sync child_process reaps before returning. */
function helper(args: string[]): { status: number | null; stdout: string; record: string } {
  const r = spawnSync(nativeBin('rsd-exec-helper'), ['--status-fd', '3', ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  return { status: r.status, stdout: String(r.output[1]), record: String(r.output[3]) };
}

test('a malformed command line fails at step args with 255', () => {
  for (const bad of [
    ['--nice', 'x', '--', '/bin/true', 'true'],
    ['--rlimit', 'BOGUS=1', '--', '/bin/true', 'true'],
    ['--rlimit', 'NOFILE=1:', '--', '/bin/true', 'true'],
    ['--umask', '999', '--', '/bin/true', 'true'],
    ['--unknown', '--', '/bin/true', 'true'],
    ['--', '/bin/true'], // argv0 missing
    ['/bin/true', 'true'], // no --
  ]) {
    expect(helper(bad)).toEqual({ status: 255, stdout: '', record: 'FAIL args 22 255\n' });
  }
});

test('success: EXEC then EOF, and the program runs with the helper’s pid', () => {
  const r = helper(['--listen-fds', '0', '--', '/bin/sh', 'sh', '-c', 'echo $LISTEN_PID $$ $LISTEN_FDS']);
  expect(r.status).toBe(0);
  expect(r.record).toBe('EXEC\n');
  const [listenPid, pid, fds] = r.stdout.trim().split(' ');
  expect(listenPid).toBe(pid);
  expect(fds).toBe('0');
});

test('LISTEN_FDNAMES from the caller’s environment does not leak when no names are given', () => {
  const r = spawnSync(
    nativeBin('rsd-exec-helper'),
    ['--listen-fds', '1', '--', '/bin/sh', 'sh', '-c', 'echo "[$LISTEN_FDNAMES]"'],
    { env: { LISTEN_FDNAMES: 'stale' }, encoding: 'utf8' },
  );
  expect(r.stdout).toBe('[]\n');
});

test('spawn-floor starts N processes, prints the milliseconds, and leaves nothing behind', () => {
  const r = spawnSync(nativeBin('spawn-floor'), ['20', '/bin/sleep', '1000'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^\d+\.\d{3}\n$/);
  expect(childrenOfThisProcess()).toEqual([]);
  expect(spawnSync(nativeBin('spawn-floor'), ['1', '/nonexistent'], { encoding: 'utf8' }).status).toBe(1);
});

test('sandboxing steps: a mount that cannot be made fails at step namespace with 226 and says so on stderr', () => {
  const r = spawnSync(
    nativeBin('rsd-exec-helper'),
    ['--status-fd', '3', '--mount-read-only', '/nonexistent-rsd-helper', '--', '/bin/true', 'true'],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  expect(r.status).toBe(226);
  expect(String(r.output[3])).toBe('FAIL namespace 2 226\n');
  expect(r.stderr).toBe(
    'Failed to set up mount namespacing: /nonexistent-rsd-helper: No such file or directory\n',
  );
  // "-" skips it; a relative path is a malformed command line.
  expect(helper(['--mount-read-only', '-/nonexistent-rsd-helper', '--', '/bin/true', 'true']).status).toBe(0);
  expect(helper(['--mount-tmpfs', 'home', '--', '/bin/true', 'true']).record).toBe('FAIL args 22 255\n');
  expect(helper(['--capability-bounding-set', 'xyz', '--', '/bin/true', 'true']).record).toBe(
    'FAIL args 22 255\n',
  );
});

test('bounding set, ambient set and no_new_privs as the program sees them', () => {
  const r = helper([
    '--capability-bounding-set', '401',
    '--ambient-capabilities', '400',
    '--no-new-privileges',
    '--', '/bin/grep', 'grep', '-E', '^(CapBnd|CapAmb|NoNewPrivs)', '/proc/self/status',
  ]); // prettier-ignore
  expect(r.record).toBe('EXEC\n');
  expect(r.stdout.replace(/\t/g, ' ')).toBe(
    'CapBnd: 0000000000000401\nCapAmb: 0000000000000400\nNoNewPrivs: 1\n',
  );
});

test('a hard limit that cannot be raised (no CAP_SYS_RESOURCE) gets as close as it can, as systemd does', () => {
  // The outer helper drops CAP_SYS_RESOURCE from the bounding set, so the inner one (root) runs without it.
  const inner = nativeBin('rsd-exec-helper');
  const r = helper([
    '--rlimit', 'NOFILE=4096:4096',
    '--capability-bounding-set', 'fffffffffeffffff',
    '--', inner, 'rsd-exec-helper', '--rlimit', 'NOFILE=2048:8192',
    '--', '/bin/sh', 'sh', '-c', 'ulimit -Sn; ulimit -Hn',
  ]); // prettier-ignore
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('2048\n4096\n');
});
