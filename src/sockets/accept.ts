/**
 * Accept=yes: accepting one connection and naming the service instance for it the way systemd 252 does
 * (socket.c instance_from_socket; service.c REMOTE_ADDR/REMOTE_PORT via sockaddr_pretty).
 */
import * as S from '../native/socket';
import { failure, type SocketResult } from './errors';

/** An accepted connection: rsd's fd for it (CLOEXEC, NONBLOCK) and both ends. */
export interface Connection {
  readonly fd: number;
  readonly local: S.SockAddr;
  readonly remote: S.SockAddr;
  /** SO_PEERCRED for AF_UNIX connections; null when unavailable (another pid namespace) or not unix. */
  readonly peer: S.Ucred | null;
}

/**
 * accept4(SOCK_CLOEXEC | SOCK_NONBLOCK) on a listening stream/seqpacket fd. EAGAIN means nothing was
 * waiting (another wakeup consumed it). The caller owns the returned fd.
 */
export function acceptConnection(listenFd: number): SocketResult<Connection> {
  const a = S.accept4(listenFd, S.SOCK_CLOEXEC | S.SOCK_NONBLOCK);
  if (!a.ok) return failure(a.errno, `accept4(${listenFd})`);
  const fd = a.value.fd;
  const local = S.getsockname(fd);
  const remote = S.getpeername(fd);
  if (!local.ok || !remote.ok) {
    S.close(fd);
    return failure(!local.ok ? local.errno : !remote.ok ? remote.errno : 0, `getsockname/getpeername(${fd})`);
  }
  let peer: S.Ucred | null = null;
  if (local.value.family === 'unix' || local.value.family === 'abstract') {
    const c = S.getPeerCred(fd);
    // A peer in another pid/user namespace shows as pid 0 / overflow ids: systemd's getpeercred says ENODATA.
    if (c.ok && c.value.pid > 0) peer = c.value;
  }
  return { ok: true, value: { fd, local: local.value, remote: remote.value, peer } };
}

const IPV4_MAPPED = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

function mappedV4(a: S.SockAddr & { family: 'ipv6' }): string | null {
  const bytes = S.ipv6Bytes(a);
  return bytes.subarray(0, 12).equals(IPV4_MAPPED) ? [...bytes.subarray(12)].join('.') : null;
}

/**
 * The instance string systemd gives the service for connection number `nr` (counting from 0 per socket
 * unit): `nr-LOCAL:PORT-REMOTE:PORT` for IP (IPv4-mapped IPv6 printed as IPv4), `nr-PID-UID` (or
 * `nr-unknown`) for unix sockets, `nr-CID:PORT-CID:PORT` for vsock.
 */
export function instanceName(nr: number, c: Pick<Connection, 'local' | 'remote' | 'peer'>): string {
  const { local, remote } = c;
  if (local.family === 'ipv4' && remote.family === 'ipv4') {
    return `${nr}-${local.address}:${local.port}-${remote.address}:${remote.port}`;
  }
  if (local.family === 'ipv6' && remote.family === 'ipv6') {
    const l4 = mappedV4(local);
    const r4 = mappedV4(remote);
    if (l4 !== null && r4 !== null) return `${nr}-${l4}:${local.port}-${r4}:${remote.port}`;
    return `${nr}-${local.address}:${local.port}-${remote.address}:${remote.port}`;
  }
  if (local.family === 'unix' || local.family === 'abstract') {
    return c.peer ? `${nr}-${c.peer.pid}-${c.peer.uid}` : `${nr}-unknown`;
  }
  if (local.family === 'vsock' && remote.family === 'vsock') {
    return `${nr}-${local.cid}:${local.port}-${remote.cid}:${remote.port}`;
  }
  return `${nr}-unknown`;
}

/**
 * The service unit for connection `nr` of socket unit `socketUnit`: "foo.socket" (or "foo@x.socket") gives
 * "foo@INSTANCE.service". `service` (Service=, "bar@.service" or "bar.service") replaces the prefix; note
 * that systemd 252 refuses Service= on Accept=yes sockets at load time (socket_verify).
 */
export function acceptedServiceName(
  socketUnit: string,
  nr: number,
  c: Pick<Connection, 'local' | 'remote' | 'peer'>,
  service?: string,
): string {
  const prefix = (service ? service.replace(/\.service$/, '') : socketUnit.replace(/\.socket$/, '')).replace(
    /@.*$/,
    '',
  );
  return `${prefix}@${instanceName(nr, c)}.service`;
}

/** REMOTE_ADDR and REMOTE_PORT for a service started for an IP connection; empty for other families. */
export function remoteEnv(remote: S.SockAddr): Record<string, string> {
  if (remote.family === 'ipv4') return { REMOTE_ADDR: remote.address, REMOTE_PORT: String(remote.port) };
  if (remote.family === 'ipv6') {
    return { REMOTE_ADDR: mappedV4(remote) ?? remote.address, REMOTE_PORT: String(remote.port) };
  }
  return {};
}
