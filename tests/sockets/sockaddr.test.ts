import * as S from '../../src/native/socket';

const roundTrip = (a: S.SockAddr): S.SockAddr => {
  const e = S.encodeSockAddr(a);
  if (!e.ok) throw new Error(`errno ${e.errno}`);
  return S.decodeSockAddr(e.value.buf, e.value.len);
};

test('sockaddr encodings round-trip', () => {
  expect(roundTrip({ family: 'unix', path: '/run/x.sock' })).toEqual({ family: 'unix', path: '/run/x.sock' });
  expect(roundTrip({ family: 'abstract', name: 'foo' })).toEqual({ family: 'abstract', name: 'foo' });
  expect(roundTrip({ family: 'ipv4', address: '10.1.2.3', port: 8080 })).toEqual({
    family: 'ipv4',
    address: '10.1.2.3',
    port: 8080,
  });
  expect(roundTrip({ family: 'ipv6', address: 'fe80:0:0::1', port: 53, scopeId: 2 })).toEqual({
    family: 'ipv6',
    address: 'fe80::1',
    port: 53,
    scopeId: 2,
    flowInfo: 0,
  });
  expect(roundTrip({ family: 'ipv6', address: '::ffff:1.2.3.4', port: 1, scopeId: 0 })).toMatchObject({
    address: '::ffff:1.2.3.4',
  });
  expect(roundTrip({ family: 'netlink', pid: 0, groups: 5 })).toEqual({
    family: 'netlink',
    pid: 0,
    groups: 5,
  });
  expect(roundTrip({ family: 'vsock', cid: 3, port: 1024 })).toEqual({ family: 'vsock', cid: 3, port: 1024 });
  const e = S.encodeSockAddr({ family: 'unix', path: '/run/x' });
  expect(e.ok && e.value.len).toBe(2 + 6 + 1);
  const a = S.encodeSockAddr({ family: 'abstract', name: 'ab' });
  expect(a.ok && a.value.len).toBe(2 + 1 + 2);
});

test('bad addresses are errno results', () => {
  expect(S.encodeSockAddr({ family: 'unix', path: `/${'x'.repeat(120)}` })).toEqual({
    ok: false,
    errno: S.ENAMETOOLONG,
  });
  expect(S.encodeSockAddr({ family: 'ipv4', address: '300.1.1.1', port: 1 })).toEqual({
    ok: false,
    errno: S.EINVAL,
  });
  expect(S.encodeSockAddr({ family: 'ipv6', address: 'nope', port: 1, scopeId: 0 })).toEqual({
    ok: false,
    errno: S.EINVAL,
  });
  expect(S.interfaceIndex('lo')).toEqual({ ok: true, value: 1 });
  expect(S.interfaceIndex('nope0').ok).toBe(false);
});

test('socketpair carries credentials and fds; getPeerCred', () => {
  const p = S.socketpair(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
  if (!p.ok) throw new Error('socketpair');
  const [a, b] = p.value;
  expect(S.setsockoptInt(b, S.SOL_SOCKET, S.SO_PASSCRED, 1).ok).toBe(true);
  expect(S.getPeerCred(b)).toEqual({ ok: true, value: { pid: process.pid, uid: 0, gid: 0 } });
  expect(S.sendmsg(a, Buffer.from('hi'), { fds: [0, 1] }).ok).toBe(true);
  const bufs = new S.RecvBuffers(16, 4);
  const r = S.recvmsg(b, bufs, S.MSG_DONTWAIT | S.MSG_CMSG_CLOEXEC);
  if (!r.ok) throw new Error(`recvmsg ${r.errno}`);
  expect(r.value.data.toString()).toBe('hi');
  expect(r.value.creds).toEqual({ pid: process.pid, uid: 0, gid: 0 });
  expect(r.value.fds).toHaveLength(2);
  r.value.fds.forEach((f) => S.close(f));
  expect(S.recvmsg(b, bufs, S.MSG_DONTWAIT)).toEqual({ ok: false, errno: S.EAGAIN });
  S.close(a);
  S.close(b);
});
