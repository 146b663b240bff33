import { lstatSync, readlinkSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { TmpTree } from '../helpers/tmp';
import * as S from '../../src/native/socket';
import { read } from '../../src/native/libc';
import {
  acceptConnection,
  acceptedServiceName,
  closeListener,
  createSymlinks,
  instanceName,
  listenEnv,
  openListener,
  openListeners,
  remoteEnv,
  removeSymlinks,
  symlinkTarget,
  watchForActivity,
  type ListeningFd,
  type SocketOptions,
} from '../../src/sockets';
import type { Listen } from '../../src/unit/table/parsers-socket';

const tmp = new TmpTree();
const open: ListeningFd[] = [];
afterAll(() => {
  for (const l of open) S.close(l.fd);
  tmp.cleanup();
});

function must(listen: Listen, opts: SocketOptions = {}): ListeningFd {
  const r = openListener(listen, opts);
  if (!r.ok) throw new Error(r.message);
  open.push(r.value);
  return r.value;
}

function portOf(l: ListeningFd): number {
  const a = l.local;
  if (!a || (a.family !== 'ipv4' && a.family !== 'ipv6')) throw new Error('not an IP socket');
  return a.port;
}

/** Connects with Node and resolves once connected (the kernel completed the handshake: it is queued). */
function connectTo(opts: { path: string } | { host: string; port: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(opts as never);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const stream = (
  address: Listen & { type: 'stream' } extends infer T ? (T extends { address: infer A } ? A : never) : never,
): Listen => ({
  type: 'stream',
  address,
});

test('unix path: parent dirs with DirectoryMode, SocketMode and owner applied, stale node replaced', async () => {
  const path = tmp.path('run/a/b/x.sock');
  const l = must(stream({ family: 'unix', path }), {
    socketMode: 0o660,
    directoryMode: 0o750,
    socketUid: 65534,
    socketGid: 65534,
  });
  expect(l.description).toBe(path);
  expect(l.path).toBe(path);
  const st = statSync(path);
  expect(st.isSocket()).toBe(true);
  expect(st.mode & 0o777).toBe(0o660);
  expect([st.uid, st.gid]).toEqual([65534, 65534]);
  expect(statSync(tmp.path('run/a/b')).mode & 0o777).toBe(0o750);
  const c = await connectTo({ path });
  c.destroy();
  // Closed without RemoveOnStop the node stays; opening again replaces it (EADDRINUSE -> unlink -> bind).
  closeListener(l);
  open.splice(open.indexOf(l), 1);
  expect(existsSync(path)).toBe(true);
  const again = must(stream({ family: 'unix', path }));
  expect(statSync(path).mode & 0o777).toBe(0o666);
  closeListener(again, { removeOnStop: true });
  open.splice(open.indexOf(again), 1);
  expect(existsSync(path)).toBe(false);
});

test('abstract unix socket', async () => {
  const name = `rsd-test-${process.pid}`;
  const l = must(stream({ family: 'abstract', name }));
  expect(l.description).toBe(`@${name}`);
  expect(l.path).toBeNull();
  expect(l.local).toEqual({ family: 'abstract', name });
  // Node cannot connect to abstract names; connect natively.
  const c = S.socket(S.AF_UNIX, S.SOCK_STREAM | S.SOCK_CLOEXEC);
  if (!c.ok) throw new Error('socket');
  expect(S.connect(c.value, { family: 'abstract', name }).ok).toBe(true);
  const a = acceptConnection(l.fd);
  expect(a.ok).toBe(true);
  if (a.ok) {
    expect(a.value.peer?.pid).toBe(process.pid);
    expect(instanceName(7, a.value)).toBe(`7-${process.pid}-${process.getuid!()}`);
    expect(remoteEnv(a.value.remote)).toEqual({});
    S.close(a.value.fd);
  }
  S.close(c.value);
});

test('127.0.0.1:port and [::1]:port', async () => {
  const v4 = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }), {
    noDelay: true,
    keepAlive: true,
  });
  const c4 = await connectTo({ host: '127.0.0.1', port: portOf(v4) });
  const a4 = acceptConnection(v4.fd);
  if (!a4.ok) throw new Error(a4.message);
  expect(instanceName(0, a4.value)).toBe(`0-127.0.0.1:${portOf(v4)}-127.0.0.1:${c4.localPort}`);
  expect(acceptedServiceName('echo.socket', 0, a4.value)).toBe(
    `echo@0-127.0.0.1:${portOf(v4)}-127.0.0.1:${c4.localPort}.service`,
  );
  expect(remoteEnv(a4.value.remote)).toEqual({ REMOTE_ADDR: '127.0.0.1', REMOTE_PORT: String(c4.localPort) });
  S.close(a4.value.fd);
  c4.destroy();

  const v6 = must(stream({ family: 'ipv6', address: '::1', port: 0, scope: '' }));
  expect(v6.description).toBe('[::1]:0');
  const c6 = await connectTo({ host: '::1', port: portOf(v6) });
  const a6 = acceptConnection(v6.fd);
  if (!a6.ok) throw new Error(a6.message);
  expect(instanceName(3, a6.value)).toBe(`3-::1:${portOf(v6)}-::1:${c6.localPort}`);
  expect(remoteEnv(a6.value.remote)).toEqual({ REMOTE_ADDR: '::1', REMOTE_PORT: String(c6.localPort) });
  S.close(a6.value.fd);
  c6.destroy();
});

test('a bare port is dual-stack [::]; BindIPv6Only=ipv6-only refuses IPv4', async () => {
  const any = must(stream({ family: 'any', port: 0 }), { bindIPv6Only: 'both' });
  expect(any.local).toMatchObject({ family: 'ipv6', address: '::' });
  const port = portOf(any);
  const c4 = await connectTo({ host: '127.0.0.1', port });
  const c6 = await connectTo({ host: '::1', port });
  const first = acceptConnection(any.fd);
  const second = acceptConnection(any.fd);
  if (!first.ok || !second.ok) throw new Error('accept failed');
  // IPv4-mapped peers are printed as IPv4, as systemd's instance_from_socket does.
  expect(instanceName(1, first.value)).toBe(`1-127.0.0.1:${port}-127.0.0.1:${c4.localPort}`);
  expect(remoteEnv(first.value.remote).REMOTE_ADDR).toBe('127.0.0.1');
  expect(instanceName(2, second.value)).toBe(`2-::1:${port}-::1:${c6.localPort}`);
  for (const a of [first, second]) if (a.ok) S.close(a.value.fd);
  c4.destroy();
  c6.destroy();

  const only6 = must(stream({ family: 'any', port: 0 }), { bindIPv6Only: 'ipv6-only' });
  expect(S.getsockoptInt(only6.fd, S.IPPROTO_IPV6, S.IPV6_V6ONLY)).toEqual({ ok: true, value: 1 });
  await expect(connectTo({ host: '127.0.0.1', port: portOf(only6) })).rejects.toThrow(/ECONNREFUSED/);
  (await connectTo({ host: '::1', port: portOf(only6) })).destroy();
});

test('datagram: UDP wakes the watcher without being read, and is still queued', async () => {
  const l = must(
    { type: 'datagram', address: { family: 'ipv4', address: '127.0.0.1', port: 0 } },
    { receiveBuffer: 65536 },
  );
  expect(l.canAccept).toBe(false);
  expect(S.getsockoptInt(l.fd, S.SOL_SOCKET, S.SO_RCVBUF)).toEqual({ ok: true, value: 131072 });
  const woke = new Promise<void>((resolve) => {
    const w = watchForActivity(l.fd, () => {
      expect(w.armed).toBe(false);
      w.close();
      resolve();
    });
  });
  const client = createSocket('udp4');
  client.send('ping', portOf(l), '127.0.0.1');
  await woke;
  client.close();
  const r = S.recvmsg(l.fd, new S.RecvBuffers(64, 0), S.MSG_DONTWAIT);
  expect(r.ok && r.value.data.toString()).toBe('ping');
});

test('seqpacket on a unix path', () => {
  const path = tmp.path('seq.sock');
  const l = must({ type: 'seqpacket', address: { family: 'unix', path } });
  expect(S.getsockoptInt(l.fd, S.SOL_SOCKET, S.SO_TYPE)).toEqual({ ok: true, value: S.SOCK_SEQPACKET });
  expect(S.getsockoptInt(l.fd, S.SOL_SOCKET, S.SO_ACCEPTCONN)).toEqual({ ok: true, value: 1 });
  const c = S.socket(S.AF_UNIX, S.SOCK_SEQPACKET | S.SOCK_CLOEXEC);
  if (!c.ok) throw new Error('socket');
  expect(S.connect(c.value, { family: 'unix', path }).ok).toBe(true);
  expect(S.sendmsg(c.value, Buffer.from('one record')).ok).toBe(true);
  const a = acceptConnection(l.fd);
  if (!a.ok) throw new Error(a.message);
  const r = S.recvmsg(a.value.fd, new S.RecvBuffers(64, 0), 0);
  expect(r.ok && r.value.data.toString()).toBe('one record');
  S.close(a.value.fd);
  S.close(c.value);
});

test('a connection wakes watchForActivity once, is not accepted by it, and rearm watches again', async () => {
  const l = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }));
  let wakes = 0;
  let wake: () => void = () => {};
  const w = watchForActivity(l.fd, (ev) => {
    expect(ev).toEqual({ kind: 'readable', hangup: false });
    wakes++;
    wake();
  });
  expect(w.armed).toBe(true);
  const woke = (): Promise<void> => new Promise((r) => (wake = r));
  let next = woke();
  const c1 = await connectTo({ host: '127.0.0.1', port: portOf(l) });
  await next;
  // Several loop turns with the connection still pending: fired once, then disarmed.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(wakes).toBe(1);
  expect(w.armed).toBe(false);
  const a = acceptConnection(l.fd);
  expect(a.ok).toBe(true);
  if (a.ok) S.close(a.value.fd);
  // Nothing else is queued.
  const none = acceptConnection(l.fd);
  expect(none.ok ? -1 : none.errno).toBe(S.EAGAIN);
  next = woke();
  w.rearm();
  const c2 = await connectTo({ host: '127.0.0.1', port: portOf(l) });
  await next;
  expect(wakes).toBe(2);
  const b = acceptConnection(l.fd);
  if (b.ok) S.close(b.value.fd);
  w.close();
  c1.destroy();
  c2.destroy();
});

test('FIFO with SocketMode, PipeSize, RemoveOnStop', async () => {
  const path = tmp.path('fifo/in');
  const l = must({ type: 'fifo', path }, { socketMode: 0o640, pipeSize: 65536 * 4 });
  const st = lstatSync(path);
  expect(st.isFIFO()).toBe(true);
  expect(st.mode & 0o777).toBe(0o640 & ~process.umask());
  const woke = new Promise<void>((resolve) => {
    const w = watchForActivity(l.fd, () => {
      w.close();
      resolve();
    });
  });
  writeFileSync(path, 'data');
  await woke;
  const buf = Buffer.alloc(16);
  const n = read(l.fd, buf);
  expect(n.ok && buf.subarray(0, n.value).toString()).toBe('data');
  closeListener(l, { removeOnStop: true });
  open.splice(open.indexOf(l), 1);
  expect(existsSync(path)).toBe(false);
  // Something that is not a FIFO in the way is refused.
  const file = tmp.write('notfifo', 'x');
  const r = openListener({ type: 'fifo', path: file });
  expect(r.ok ? 0 : r.errno).toBe(S.EEXIST);
});

test('special files, netlink, message queues', () => {
  const dev = must({ type: 'special', path: '/dev/null' }, { writable: true });
  expect(dev.fd).toBeGreaterThan(2);
  const dir = openListener({ type: 'special', path: '/tmp' });
  expect(dir.ok).toBe(false);
  const nl = must({ type: 'netlink', family: 'route', group: 1 });
  expect(nl.description).toBe('route 1');
  expect(nl.local).toMatchObject({ family: 'netlink', groups: 1 });
  const mqName = `/rsd-test-${process.pid}`;
  const mq = openListener({ type: 'mqueue', path: mqName }, { socketMode: 0o600 });
  if (!mq.ok) throw new Error(mq.message);
  closeListener(mq.value, { removeOnStop: true });
  expect(S.mqUnlink(mqName)).toEqual({ ok: false, errno: S.ENOENT });
});

test('socket options land on the socket; ReusePort lets two sockets share a port', () => {
  const opts: SocketOptions = {
    reusePort: true,
    keepAlive: true,
    keepAliveTimeUsec: 30e6,
    keepAliveProbes: 4,
    noDelay: true,
    priority: 3,
    mark: 42,
    sendBuffer: 32768,
    ipTtl: 17,
  };
  const a = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }), opts);
  const b = must(stream({ family: 'ipv4', address: '127.0.0.1', port: portOf(a) }), opts);
  expect(portOf(b)).toBe(portOf(a));
  expect(a.warnings).toEqual([]);
  const get = (level: number, name: number): number => {
    const r = S.getsockoptInt(a.fd, level, name);
    return r.ok ? r.value : -r.errno;
  };
  expect(get(S.SOL_SOCKET, S.SO_REUSEPORT)).toBe(1);
  expect(get(S.SOL_SOCKET, S.SO_KEEPALIVE)).toBe(1);
  expect(get(S.IPPROTO_TCP, S.TCP_KEEPIDLE)).toBe(30);
  expect(get(S.IPPROTO_TCP, S.TCP_KEEPCNT)).toBe(4);
  expect(get(S.IPPROTO_TCP, S.TCP_NODELAY)).toBe(1);
  expect(get(S.SOL_SOCKET, S.SO_PRIORITY)).toBe(3);
  expect(get(S.SOL_SOCKET, S.SO_MARK)).toBe(42);
  expect(get(S.SOL_SOCKET, S.SO_SNDBUF)).toBe(65536);
  expect(get(S.IPPROTO_IP, S.IP_TTL)).toBe(17);
  const c = openListener(stream({ family: 'ipv4', address: '127.0.0.1', port: portOf(a) }));
  expect(c.ok ? 0 : c.errno).toBe(S.EADDRINUSE);
  expect(!c.ok && c.message).toBe(`bind(127.0.0.1:${portOf(a)}): EADDRINUSE`);
  // Options that do not apply to the socket are warnings, not failures (SO_PASSCRED on TCP).
  const d = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }), { passCredentials: true });
  expect(d.warnings).toEqual(['SO_PASSCRED: EOPNOTSUPP']);
});

test('BindToDevice binds to an interface; an unknown one fails the socket', () => {
  const l = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }), { bindToDevice: 'lo' });
  const r = S.getsockoptBytes(l.fd, S.SOL_SOCKET, S.SO_BINDTODEVICE, 16);
  expect(r.ok && r.value.toString().replace(/\0.*$/, '')).toBe('lo');
  const bad = openListener(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }), {
    bindToDevice: 'nope0',
  });
  expect(bad.ok).toBe(false);
});

test('Symlinks= point at the single file-system node', () => {
  const path = tmp.path('sym/real.sock');
  const l = must(stream({ family: 'unix', path }));
  const abs = must(stream({ family: 'abstract', name: `rsd-sym-${process.pid}` }));
  expect(symlinkTarget([l, abs])).toBe(path);
  expect(symlinkTarget([abs])).toBeNull();
  const links = [tmp.path('sym/link1'), tmp.path('sym/deeper/link2')];
  expect(createSymlinks(path, links)).toEqual([]);
  expect(links.map((p) => readlinkSync(p))).toEqual([path, path]);
  expect(createSymlinks(path, links)).toEqual([]); // idempotent
  const blocker = tmp.write('sym/blocked', 'x');
  expect(createSymlinks(path, [blocker])).toHaveLength(1);
  expect(createSymlinks(path, [blocker], { removeOnStop: true })).toEqual([]);
  removeSymlinks([...links, blocker]);
  expect(links.some((p) => existsSync(p))).toBe(false);
});

test('listenEnv', () => {
  expect(listenEnv([], [])).toEqual({});
  expect(listenEnv([7, 9], ['web', 'bad:name'])).toEqual({ LISTEN_FDS: '2', LISTEN_FDNAMES: 'web:unknown' });
  expect(listenEnv([5], ['connection'])).toEqual({ LISTEN_FDS: '1', LISTEN_FDNAMES: 'connection' });
});

test('acceptedServiceName uses the socket unit prefix, also of an instance socket unit', () => {
  const c = {
    local: { family: 'ipv4', address: '10.0.0.1', port: 22 },
    remote: { family: 'ipv4', address: '10.0.0.2', port: 50000 },
    peer: null,
  } as const;
  expect(acceptedServiceName('sshd.socket', 5, c)).toBe('sshd@5-10.0.0.1:22-10.0.0.2:50000.service');
  expect(acceptedServiceName('sshd@main.socket', 5, c)).toBe('sshd@5-10.0.0.1:22-10.0.0.2:50000.service');
  expect(acceptedServiceName('sshd.socket', 5, c, 'ssh@.service')).toBe(
    'ssh@5-10.0.0.1:22-10.0.0.2:50000.service',
  );
  expect(
    instanceName(0, { ...c, local: { family: 'unix', path: '/x' }, remote: { family: 'unix', path: '' } }),
  ).toBe('0-unknown');
});

test('openListeners opens all in order, or closes what it opened when one fails', () => {
  const path = tmp.path('multi/a.sock');
  const taken = must(stream({ family: 'ipv4', address: '127.0.0.1', port: 0 }));
  const r = openListeners(
    [stream({ family: 'unix', path }), stream({ family: 'ipv4', address: '127.0.0.1', port: portOf(taken) })],
    {},
    true,
  );
  expect(r.ok ? '' : r.message).toMatch(/EADDRINUSE/);
  expect(existsSync(path)).toBe(false);
  const ok = openListeners([stream({ family: 'unix', path }), { type: 'fifo', path: tmp.path('multi/f') }]);
  if (!ok.ok) throw new Error(ok.message);
  expect(ok.value.map((l) => l.type)).toEqual(['stream', 'fifo']);
  expect(symlinkTarget(ok.value)).toBeNull();
  ok.value.forEach((l) => closeListener(l, { removeOnStop: true }));
});
