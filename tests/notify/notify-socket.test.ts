import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, fstatSync, statSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import * as S from '../../src/native/socket';
import { F_GETFD, fcntlGet, write } from '../../src/native/libc';
import { NotifySocket, type Drop, type NotifyMessage, type NotifySender } from '../../src/notify';

const tmp = new TmpTree();
let sock: NotifySocket;
type Got = { msg: NotifyMessage; sender: NotifySender; fds: number[] };
const got: Got[] = [];
const drops: Drop[] = [];
let keep: (g: Got) => number[] = () => [];
let waiters: (() => void)[] = [];

beforeAll(() => {
  const r = NotifySocket.open(tmp.path('run/rsd/notify'));
  if (!r.ok) throw new Error(r.message);
  sock = r.value;
  sock.onMessage((msg, sender, fds) => {
    const g = { msg, sender, fds };
    got.push(g);
    waiters.forEach((w) => w());
    return keep(g);
  });
  sock.onDrop((d) => {
    drops.push(d);
    waiters.forEach((w) => w());
  });
});
afterAll(() => {
  sock.close();
  tmp.cleanup();
});
beforeEach(() => {
  got.length = 0;
  drops.length = 0;
  keep = () => [];
});

/** Resolves once `n` messages plus drops have arrived. */
function until(n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (got.length + drops.length >= n) {
        waiters = waiters.filter((w) => w !== check);
        resolve();
      }
    };
    waiters.push(check);
    check();
  });
}

/** Runs a Python snippet with NOTIFY_SOCKET set and `s` a socket connected to it; returns pid and stdout. */
function py(
  code: string,
  env: Record<string, string> = {},
): { pid: number; out: string; status: number | null } {
  const prelude = [
    'import os, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    "a = os.environ['NOTIFY_SOCKET']",
    "s.connect('\\0' + a[1:] if a.startswith('@') else a)",
  ].join('\n');
  const r = spawnSync('python3', ['-c', `${prelude}\n${code}`], {
    env: { ...process.env, NOTIFY_SOCKET: sock.address, ...env },
    encoding: 'utf8',
    timeout: 10000,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return { pid: r.pid!, out: r.stdout, status: r.status };
}

test('a datagram from another process is attributed to its pid and parsed', async () => {
  const r = py(
    String.raw`s.send(b'READY=1\nSTATUS=Serving 3 clients\nMAINPID=4242\nX_CUSTOM=yes\nEXTEND_TIMEOUT_USEC=5000000\n')`,
  );
  await until(1);
  expect(got[0]!.sender).toEqual({ pid: r.pid, uid: 0, gid: 0 });
  expect(got[0]!.fds).toEqual([]);
  expect(got[0]!.msg).toMatchObject({
    ready: true,
    status: 'Serving 3 clients',
    mainPid: 4242,
    extendTimeoutUsec: 5000000,
    unknown: { X_CUSTOM: 'yes' },
    invalid: [],
  });
});

test('the real systemd-notify: --ready --status, and its BARRIER=1 is released by closing the fd', async () => {
  const started = process.hrtime.bigint();
  const child = spawn('systemd-notify', ['--ready', '--status=up and running'], {
    env: { ...process.env, NOTIFY_SOCKET: sock.address },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until(2);
  expect(await exited).toBe(0);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  expect(got[0]!.msg).toMatchObject({ ready: true, status: 'up and running' });
  // systemd-notify 252 (as root) sends the status as its parent (getppid(): the service's shell script,
  // which outlives it), and the barrier as itself.
  expect(got[0]!.sender.pid).toBe(process.pid);
  expect(got[1]!.msg.barrier).toBe(true);
  expect(got[1]!.fds).toHaveLength(1);
  expect(got[1]!.sender.pid).toBe(child.pid);
  console.log(
    `systemd-notify --ready round trip (spawn, two datagrams, barrier release): ${ms.toFixed(1)} ms`,
  );
  expect(ms).toBeLessThan(2000); // the barrier's own timeout is 5 s
});

test('SCM_RIGHTS fds are closed unless the handler keeps them (FDSTORE=1)', async () => {
  // Python keeps a pipe's read end, sends the write end, closes its own copy and reads: EOF means rsd
  // closed the fd it received; data means rsd kept it and wrote to it.
  const code = String.raw`
r, w = os.pipe()
socket.send_fds(s, [sys.argv[1].encode()], [w])
os.close(w)
print(os.read(r, 100).decode() or 'EOF', flush=True)
`;
  const run = (text: string): Promise<{ out: string; pid: number }> =>
    new Promise((resolve, reject) => {
      const c = spawn(
        'python3',
        [
          '-c',
          `import os, socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.connect(os.environ['NOTIFY_SOCKET'])\n${code}`,
          text,
        ],
        {
          env: { ...process.env, NOTIFY_SOCKET: sock.address },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('exit', () => resolve({ out: out.trim(), pid: c.pid! }));
      c.on('error', reject);
    });

  const dropped = await run('STATUS=not kept');
  expect(dropped.out).toBe('EOF');
  expect(got[0]!.fds).toHaveLength(1);

  got.length = 0;
  keep = (g) => {
    if (!g.msg.fdStore) return [];
    expect(g.msg.fdName).toBe('myfd');
    expect(fstatSync(g.fds[0]!).isFIFO()).toBe(true);
    write(g.fds[0]!, Buffer.from('kept'));
    S.close(g.fds[0]!);
    return g.fds;
  };
  const kept = await run('FDSTORE=1\nFDNAME=myfd\nFDPOLL=0');
  expect(kept.out).toBe('kept');
  expect(got[0]!.msg).toMatchObject({ fdStore: true, fdName: 'myfd', fdPoll: false });
});

test('garbage and oversize datagrams are dropped or tolerated, never thrown', async () => {
  const c = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
  if (!c.ok) throw new Error('socket');
  const send = (b: Buffer): void => {
    const r = S.sendmsg(c.value, b, { to: { family: 'unix', path: sock.address } });
    if (!r.ok) throw new Error(`sendmsg errno ${r.errno}`);
  };
  send(Buffer.from('READY=1\0junk'));
  send(Buffer.from('READY=1\0')); // one trailing NUL is fine
  send(Buffer.alloc(4097, 'A'));
  send(Buffer.concat([Buffer.from('STATUS='), Buffer.alloc(4096 - 7, 'b')])); // exactly 4096 bytes
  send(Buffer.from([0xff, 0xfe, 0x0a, 0x80]));
  send(Buffer.concat([Buffer.from('STATUS=bad \xff\xfe\n', 'latin1'), Buffer.from('WATCHDOG=trigger\n')]));
  send(Buffer.alloc(0));
  send(
    Buffer.from('READY=0\nERRNO=-5\nMAINPID=0\nWATCHDOG_USEC=x\nFDNAME=a:b\nnoequals\nNOTIFYACCESS=all\n'),
  );
  await until(8);
  expect(drops.map((d) => d.reason)).toEqual(['embedded-nul', 'oversize']);
  expect(drops.every((d) => d.sender?.pid === process.pid)).toBe(true);
  expect(got.map((g) => g.sender.pid)).toEqual(Array(6).fill(process.pid));
  expect(got[0]!.msg.ready).toBe(true);
  expect(got[1]!.msg.status).toHaveLength(4089);
  expect(got[2]!.msg.fields.length).toBe(2);
  expect(got[3]!.msg.status).toBeUndefined();
  expect(got[3]!.msg.watchdog).toBe('trigger');
  expect(got[3]!.msg.invalid).toEqual(['STATUS=bad \ufffd\ufffd: not UTF-8 clean']);
  expect(got[4]!.msg.fields).toEqual([]);
  const m = got[5]!.msg;
  expect(m.ready).toBeUndefined();
  expect(m.notifyAccess).toBe('all');
  expect(m.invalid).toHaveLength(6);
  S.close(c.value);
  expect(sock.stats).toMatchObject({ dropped: 2 });
});

test('200 fds in one message (the kernel caps SCM_RIGHTS at 253) are all delivered, then closed', async () => {
  const c = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
  if (!c.ok) throw new Error('socket');
  // SCM_MAX_FD (253) is below NOTIFY_FD_MAX (768), so the control buffer never truncates in practice.
  const fds = Array.from({ length: 200 }, () => S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC)).map(
    (r) => (r.ok ? r.value : -1),
  );
  const r = S.sendmsg(c.value, Buffer.from('FDSTORE=1'), { to: { family: 'unix', path: sock.address }, fds });
  expect(r.ok).toBe(true);
  fds.forEach((f) => S.close(f));
  await until(1);
  expect(got[0]!.fds).toHaveLength(200);
  const stillOpen = got[0]!.fds.filter((f) => fcntlGet(f, F_GETFD).ok);
  expect(stillOpen.length).toBeLessThan(5); // fd numbers may be reused by the runtime meanwhile
  S.close(c.value);
});

test('abstract notify socket, and a sender faking credentials as root', async () => {
  const name = `@rsd-notify-test-${process.pid}`;
  const r = NotifySocket.open(name);
  if (!r.ok) throw new Error(r.message);
  const abs = r.value;
  const seen: NotifySender[] = [];
  const done = new Promise<void>((resolve) =>
    abs.onMessage((msg, sender) => {
      seen.push(sender);
      if (msg.stopping) resolve();
    }),
  );
  const c = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
  if (!c.ok) throw new Error('socket');
  const to = { family: 'abstract', name: name.slice(1) } as const;
  expect(S.sendmsg(c.value, Buffer.from('WATCHDOG=1'), { to }).ok).toBe(true);
  // root may claim another (existing) pid and ids in SCM_CREDENTIALS, as systemd-notify --pid does.
  expect(S.sendmsg(c.value, Buffer.from('STOPPING=1'), { to, creds: { pid: 1, uid: 0, gid: 0 } }).ok).toBe(
    true,
  );
  await done;
  expect(seen).toEqual([
    { pid: process.pid, uid: 0, gid: 0 },
    { pid: 1, uid: 0, gid: 0 },
  ]);
  S.close(c.value);
  abs.close();
});

test('a burst beyond the kernel queue (net.unix.max_dgram_qlen) all arrives, in order', async () => {
  // A non-blocking sender retries on EAGAIN after letting the loop run: a blocking one would deadlock here,
  // since the receiver is this same thread.
  const c = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK);
  if (!c.ok) throw new Error('socket');
  const started = process.hrtime.bigint();
  for (let i = 0; i < 1000;) {
    const r = S.sendmsg(c.value, Buffer.from(`STATUS=${i}`), { to: { family: 'unix', path: sock.address } });
    if (r.ok) i++;
    else if (r.errno === S.EAGAIN) await new Promise((res) => setImmediate(res));
    else throw new Error(`sendmsg errno ${r.errno}`);
  }
  await until(1000);
  const us = Number(process.hrtime.bigint() - started) / 1e3;
  expect(got.map((g) => g.msg.status)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  S.close(c.value);
  console.log(`1000 notify datagrams sent and dispatched in ${(us / 1000).toFixed(1)} ms`);
});

test('an unprivileged service can send, and is attributed to its uid', async () => {
  expect(statSync(sock.address).mode & 0o777).toBe(0o777);
  chmodSync(tmp.root, 0o755); // mkdtemp makes it 0700; /run/rsd is 0755
  const r = spawnSync(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'systemd-notify',
      '--no-block',
      'STATUS=from nobody',
    ],
    { env: { ...process.env, NOTIFY_SOCKET: sock.address }, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  await until(1);
  expect(got[0]!.msg.status).toBe('from nobody');
  // Unprivileged, systemd-notify cannot claim its parent's pid: the kernel fills in its own.
  expect(got[0]!.sender).toEqual({ pid: r.pid, uid: 65534, gid: 65534 });
});
