import { existsSync, readFileSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import { becomeSubreaper, startReaper, type ChildExit, type Reaper } from '../../src/exec/reaper';
import { spawnProcess, type SpawnSpec } from '../../src/exec/spawn';
import { isChildSubreaper, setChildSubreaper } from '../../src/native/libc';
import { buildNative, childrenOfThisProcess, runScript } from './support';

let reaper: Reaper;
let tmp: TmpTree;

beforeAll(() => {
  buildNative();
  reaper = startReaper('all');
  tmp = new TmpTree();
});

afterAll(() => {
  // This jest worker may run other test files next: it must not stay everybody's subreaper.
  setChildSubreaper(false);
  reaper.stop();
  tmp.cleanup();
});

afterEach(() => {
  expect(childrenOfThisProcess().filter((c) => c.state === 'Z')).toEqual([]);
});

async function spawnWatched(spec: Partial<SpawnSpec> & { path: string }): Promise<{
  pid: number;
  exit: Promise<ChildExit>;
}> {
  const r = await spawnProcess({ argv0: spec.path, args: [], env: [], stdio: [null, null, null], ...spec });
  if (r.kind !== 'spawned') throw new Error(JSON.stringify(r));
  return { pid: r.pid, exit: new Promise((resolve) => reaper.watch(r.pid, resolve)) };
}

test('only one reaper per process', () => {
  expect(() => startReaper('registered')).toThrow(/already running/);
});

test('exit codes and signals, core dump flag included', async () => {
  const a = await spawnWatched({ path: '/bin/sh', args: ['-c', 'exit 42'] });
  const b = await spawnWatched({ path: '/bin/sleep', args: ['1000'] });
  process.kill(b.pid, 'SIGTERM');
  // SIGQUIT dumps core by default; RLIMIT_CORE 0 stops a file appearing but the flag says "would have".
  const c = await spawnWatched({
    path: '/bin/sh',
    args: ['-c', 'kill -QUIT $$'],
    exec: { rlimits: { CORE: { soft: 0, hard: 0 } } },
  });
  expect(await a.exit).toEqual({ pid: a.pid, kind: 'exited', code: 42 });
  expect(await b.exit).toEqual({
    pid: b.pid,
    kind: 'killed',
    signal: 15,
    signalName: 'SIGTERM',
    coreDumped: false,
  });
  expect(await c.exit).toMatchObject({ pid: c.pid, kind: 'killed', signal: 3, signalName: 'SIGQUIT' });
});

test('200 children spawned and reaped, none left behind', async () => {
  const orphansBefore = reaper.orphansReaped;
  // A burst: most of these spawns run on worker threads, and many children exit before their spawn settles.
  const children = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? spawnWatched({ path: '/bin/true' })
        : spawnWatched({ path: '/bin/sh', args: ['-c', `exit ${i % 256}`] }),
    ),
  );
  const exits = await Promise.all(children.map((c) => c.exit));
  exits.forEach((e, i) =>
    expect(e).toEqual({ pid: children[i].pid, kind: 'exited', code: i % 2 === 0 ? 0 : i % 256 }),
  );
  const ours = new Set(children.map((c) => c.pid));
  expect(childrenOfThisProcess().filter((c) => ours.has(c.pid))).toEqual([]);
  expect(reaper.watching).toBe(0);
  expect(reaper.orphansReaped).toBe(orphansBefore);
});

describe('as child subreaper', () => {
  beforeAll(() => {
    expect(becomeSubreaper()).toEqual({ kind: 'subreaper' });
    expect(isChildSubreaper()).toEqual({ ok: true, value: true });
  });

  test('a double-forked orphan is reparented to us, reaped and counted', async () => {
    const before = reaper.orphansReaped;
    const orphanExit = new Promise<ChildExit>((resolve) => {
      reaper.onOrphan = resolve;
    });
    // The shell forks a background sleep and exits at once: the sleep is orphaned and comes to us.
    const r = await runScript(reaper, tmp.path('orphan'), 'sleep 0.2 & echo $!');
    expect(r.exit).toMatchObject({ kind: 'exited', code: 0 });
    const orphanPid = Number(r.stdout.trim());
    const exit = await orphanExit;
    reaper.onOrphan = undefined;
    expect(exit).toEqual({ pid: orphanPid, kind: 'exited', code: 0 });
    expect(reaper.orphansReaped).toBe(before + 1);
    expect(existsSync(`/proc/${orphanPid}`)).toBe(false);
  });

  test('adopt(): a daemon learned from a pid file is watched, or reported if it already died', async () => {
    // Type=forking in miniature: the parent starts a daemon, writes its pid file and exits.
    const pidFile = tmp.path('daemon.pid');
    const r = await runScript(reaper, tmp.path('fork1'), `sleep 1000 & echo $! > ${pidFile}`);
    expect(r.exit).toMatchObject({ kind: 'exited', code: 0 });
    const daemon = Number(readFileSync(pidFile, 'utf8'));
    const exit = new Promise<ChildExit>((resolve) => expect(reaper.adopt(daemon, resolve)).toBe('watching'));
    process.kill(daemon, 'SIGTERM');
    expect(await exit).toMatchObject({ pid: daemon, kind: 'killed', signalName: 'SIGTERM' });

    // This one dies (and is reaped as an orphan) before anyone adopts it.
    const r3 = await runScript(reaper, tmp.path('fork3'), `(sleep 0.1; exit 7) & echo $! > ${pidFile}`);
    expect(r3.exit).toMatchObject({ kind: 'exited', code: 0 });
    const gone = Number(readFileSync(pidFile, 'utf8'));
    await new Promise<void>((resolve) => {
      reaper.onOrphan = (e) => {
        if (e.pid === gone) resolve();
      };
    });
    reaper.onOrphan = undefined;
    const late = await new Promise<ChildExit>((resolve) => {
      expect(reaper.adopt(gone, resolve)).toBe('already-exited');
    });
    expect(late).toEqual({ pid: gone, kind: 'exited', code: 7 });
  });
});
