import { execFile } from 'node:child_process';
import { startReaper, type ChildExit, type Reaper } from '../../src/exec/reaper';
import { spawnProcess } from '../../src/exec/spawn';
import { childrenOfThisProcess } from './support';

// Scope 'registered' is for processes that also use async child_process: it must leave libuv's children
// to libuv (a scope-'all' reaper would steal them and their 'exit' would never come).
let reaper: Reaper;

beforeAll(() => {
  reaper = startReaper('registered');
});

afterAll(() => {
  reaper.stop();
});

test('coexists with child_process.execFile: both see their own children exit', async () => {
  const viaNode = new Promise<string>((resolve, reject) =>
    execFile('/bin/sh', ['-c', 'sleep 0.1; echo node-child'], (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
  const ours = Array.from({ length: 20 }, async () => {
    const r = await spawnProcess({
      path: '/bin/sh',
      argv0: 'sh',
      args: ['-c', 'sleep 0.05; exit 5'],
      env: [],
      stdio: [null, null, null],
    });
    if (r.kind !== 'spawned') throw new Error(JSON.stringify(r));
    return await new Promise<ChildExit>((resolve) => reaper.watch(r.pid, resolve));
  });
  expect(await viaNode).toBe('node-child\n');
  for (const e of await Promise.all(ours)) expect(e).toMatchObject({ kind: 'exited', code: 5 });
  expect(reaper.orphansReaped).toBe(0);
  expect(childrenOfThisProcess().filter((c) => c.state === 'Z')).toEqual([]);
});
