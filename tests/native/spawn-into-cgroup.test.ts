import { mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { O_CLOEXEC, pipe2, read, waitpid, close, WNOHANG } from '../../src/native/libc';
import { spawnIntoCgroup, spawnIntoCgroupAvailable } from '../../src/native/spawn-into-cgroup';
import { detectCgroupBackend } from '../../src/exec/unit-cgroup';
import { TmpTree } from '../helpers/tmp';

/*
 * clone3(CLONE_INTO_CGROUP): the child is in the cgroup from its first instruction, with the fd layout and a
 * clean signal state, and failures come back as errnos like posix_spawn's.
 */
let cgroupDir = '';
let root = '';
let tree: TmpTree;

beforeAll(async () => {
  tree = new TmpTree();
  const backend = await detectCgroupBackend(`rsd-test-${randomBytes(4).toString('hex')}`);
  if (backend.kind !== 'cgroup2') return;
  root = backend.root;
  cgroupDir = `${root}/spawn-${randomBytes(4).toString('hex')}`;
  mkdirSync(cgroupDir);
});

afterAll(() => {
  tree.cleanup();
  if (cgroupDir) rmdirSync(cgroupDir);
  if (root) rmdirSync(root);
});

async function reap(pid: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const w = waitpid(pid, WNOHANG);
    if (w.ok && w.value.kind === 'reaped') return w.value.status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`pid ${pid} did not end`);
}

const script = (out: string, body: string) => ({
  path: '/bin/sh',
  argv: ['sh', '-c', body],
  env: [`OUT=${out}`],
  actions: [
    { op: 'open' as const, fd: 1, path: out, flags: 0o1101, mode: 0o644 },
    { op: 'closefrom' as const, lowest: 3 },
  ],
  setsid: true,
});

describe.each(['here', 'worker'] as const)('spawnIntoCgroup on thread %s', (thread) => {
  it('is available on this machine (x86_64, kernel >= 5.7, cgroup2)', () => {
    expect(spawnIntoCgroupAvailable()).toBe(true);
    expect(cgroupDir).not.toBe('');
  });

  it('starts the child in the cgroup, with the fd layout, a new session and default signals', async () => {
    const out = tree.path('inside.txt');
    const r = await spawnIntoCgroup(
      script(
        out,
        'cat /proc/self/cgroup; echo sid $(cut -d" " -f6 /proc/$$/stat); echo pid $$; grep -E "^(SigIgn|SigBlk)" /proc/self/status',
      ),
      cgroupDir,
      thread,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await reap(r.value)).toBe(0);
    const text = readFileSync(out, 'utf8');
    const rel = cgroupDir.replace(/^\/sys\/fs\/cgroup(\/unified)?/, '');
    expect(text).toContain(`0::${rel}\n`);
    const pid = /pid (\d+)/.exec(text)?.[1];
    expect(pid).toBe(String(r.value));
    expect(/sid (\d+)/.exec(text)?.[1]).toBe(pid);
    // Node ignores SIGPIPE and blocks nothing; the child must see neither ignored nor blocked signals.
    expect(text).toMatch(/SigIgn:\s+0+\n/);
    expect(text).toMatch(/SigBlk:\s+0+\n/);
  });

  it('passes a pipe as stdout through dup2 actions', async () => {
    const p = pipe2(O_CLOEXEC);
    if (!p.ok) throw new Error('pipe');
    const r = await spawnIntoCgroup(
      {
        path: '/bin/echo',
        argv: ['echo', 'through the pipe'],
        env: [],
        actions: [
          { op: 'dup2', from: p.value.write, to: 100 },
          { op: 'dup2', from: 100, to: 1 },
          { op: 'closefrom', lowest: 3 },
        ],
        setsid: false,
      },
      cgroupDir,
      thread,
    );
    close(p.value.write);
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await reap(r.value)).toBe(0);
    const buf = Buffer.alloc(64);
    const n = read(p.value.read, buf);
    close(p.value.read);
    expect(n.ok && buf.subarray(0, n.value).toString()).toBe('through the pipe\n');
  });

  it('without a cgroup it is a plain spawn that still closes every fd above the layout (musl path)', async () => {
    const out = tree.path('plain.txt');
    const stray = pipe2(0); // not close-on-exec: only the closefrom action keeps it out of the child
    if (!stray.ok) throw new Error('pipe');
    const r = await spawnIntoCgroup(
      script(out, 'ls /proc/self/fd | sort -n | tr "\\n" " "; echo; cat /proc/self/cgroup'),
      null,
      thread,
    );
    close(stray.value.read);
    close(stray.value.write);
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await reap(r.value)).toBe(0);
    const [fds, ...cgroups] = readFileSync(out, 'utf8').split('\n');
    // 0-2 and the fd ls itself opens for the directory; nothing of ours.
    expect(
      fds!
        .trim()
        .split(' ')
        .map(Number)
        .filter((fd) => fd > 3),
    ).toEqual([]);
    const unified = (lines: string[]) => lines.find((l) => l.startsWith('0::'));
    expect(unified(cgroups)).toBe(unified(readFileSync('/proc/self/cgroup', 'utf8').split('\n')));
  });

  it("fills in LISTEN_PID= with the child's own pid (socket activation without the helper)", async () => {
    const out = tree.path('listen.txt');
    const req = script(out, 'echo "$$ $LISTEN_PID $LISTEN_FDS"');
    const r = await spawnIntoCgroup(
      { ...req, env: [...req.env, 'LISTEN_FDS=1', 'LISTEN_PID='] },
      cgroupDir,
      thread,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await reap(r.value)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${r.value} ${r.value} 1\n`);
  });

  it('reports a failed exec as its errno, with the child already reaped', async () => {
    const r = await spawnIntoCgroup(
      { path: '/no/such/program', argv: ['x'], env: [], actions: [], setsid: false },
      cgroupDir,
      thread,
    );
    expect(r).toEqual({ ok: false, errno: 2 });
    expect(waitpid(-1, WNOHANG)).toEqual({ ok: false, errno: 10 });
  });

  it('says unsupported (so the caller falls back) when the cgroup directory is missing', async () => {
    const r = await spawnIntoCgroup(
      { path: '/bin/true', argv: ['true'], env: [], actions: [], setsid: false },
      '/nonexistent/cg',
      thread,
    );
    expect(r).toMatchObject({ ok: false, unsupported: true, errno: 2 });
    expect(spawnIntoCgroupAvailable()).toBe(true);
  });

  it('creates a file an open action names with the mode it asks for', async () => {
    const out = tree.path(`mode-${thread}.txt`);
    const r = await spawnIntoCgroup(
      {
        path: '/bin/echo',
        argv: ['echo', 'x'],
        env: [],
        actions: [{ op: 'open', fd: 1, path: out, flags: 0o1101, mode: 0o640 }],
        setsid: false,
      },
      cgroupDir,
      thread,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(await reap(r.value)).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o640);
  });
});

describe('many spawns at once on worker threads', () => {
  it('each child gets its own LISTEN_PID and output, none is lost', async () => {
    const n = 24;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const out = tree.path(`many-${i}.txt`);
        const req = script(out, `echo "$$ $LISTEN_PID ${i}"`);
        return spawnIntoCgroup({ ...req, env: [...req.env, 'LISTEN_PID='] }, cgroupDir, 'worker').then(
          (r) => ({ r, out, i }),
        );
      }),
    );
    for (const { r, out, i } of results) {
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(await reap(r.value)).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(`${r.value} ${r.value} ${i}\n`);
    }
  });
});
