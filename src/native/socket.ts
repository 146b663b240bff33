/**
 * koffi bindings for sockets and the file-system nodes socket units create: socket/bind/listen/accept4,
 * socket options, recvmsg/sendmsg with SCM_CREDENTIALS and SCM_RIGHTS, getsockname/getpeername, mkfifo,
 * chmod/chown, unlink, mq_open, plus the sockaddr encodings (AF_UNIX path and abstract, AF_INET, AF_INET6
 * with scope id, AF_NETLINK, AF_VSOCK). Like libc.ts, failures come back as `{ ok: false, errno }`, never as
 * exceptions.
 *
 * Structures whose pointers the kernel follows (msghdr, iovec, cmsg buffers) are plain Buffers whose
 * addresses are written into the msghdr by hand (`koffi.address`); every such Buffer is at least
 * PINNED_MIN bytes so V8 keeps its memory off-heap and it cannot move. x86_64 / aarch64 LP64 layouts.
 */
import koffi from 'koffi';
import { close, fcntlGet, fcntlSet, F_GETFL, F_SETFL, type Sys } from './libc';

export type { Sys } from './libc';

// ---- constants (Linux, x86_64/aarch64) -------------------------------------------------------------------

export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_VSOCK = 40;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_TYPE = 3;
export const SO_ERROR = 4;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
export const SO_PRIORITY = 12;
export const SO_REUSEPORT = 15;
export const SO_PASSCRED = 16;
export const SO_PEERCRED = 17;
export const SO_BINDTODEVICE = 25;
export const SO_TIMESTAMP = 29;
export const SO_ACCEPTCONN = 30;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const SO_PASSSEC = 34;
export const SO_TIMESTAMPNS = 35;
export const SO_MARK = 36;
export const SO_PROTOCOL = 38;
export const SO_DOMAIN = 39;

export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_SCTP = 132;
export const IPPROTO_UDPLITE = 136;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_PKTINFO = 8;
export const IP_FREEBIND = 15;
export const IP_TRANSPARENT = 19;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_V6ONLY = 26;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_TCLASS = 67;
export const IPV6_TRANSPARENT = 75;
export const IPV6_FREEBIND = 78;
export const TCP_NODELAY = 1;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;
export const TCP_DEFER_ACCEPT = 9;
export const TCP_CONGESTION = 13;
export const SOL_SCTP = 132;
export const SCTP_NODELAY = 3;
export const SOL_NETLINK = 270;
export const NETLINK_PKTINFO = 3;

export const SCM_RIGHTS = 1;
export const SCM_CREDENTIALS = 2;

export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;

export const EAGAIN = 11;
export const EINVAL = 22;
export const EEXIST = 17;
export const ENOENT = 2;
export const EADDRINUSE = 98;
export const EAFNOSUPPORT = 97;
export const ENAMETOOLONG = 36;
export const ENODATA = 61;
export const ENOPROTOOPT = 92;

/** Buffers whose address the kernel dereferences are never smaller than this (V8 keeps them off-heap). */
const PINNED_MIN = 256;

function pinned(size: number): Buffer {
  return Buffer.alloc(Math.max(size, PINNED_MIN));
}

// ---- bindings ----------------------------------------------------------------------------------------------

interface Bindings {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number, fds: number[]): number;
  bind(fd: number, addr: Buffer, len: number): number;
  connect(fd: number, addr: Buffer, len: number): number;
  listen(fd: number, backlog: number): number;
  accept4(fd: number, addr: Buffer, len: number[], flags: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Buffer, len: number[]): number;
  getsockname(fd: number, addr: Buffer, len: number[]): number;
  getpeername(fd: number, addr: Buffer, len: number[]): number;
  recvmsg(fd: number, msg: Buffer, flags: number): number;
  sendmsg(fd: number, msg: Buffer, flags: number): number;
  shutdown(fd: number, how: number): number;
  chmod(path: string, mode: number): number;
  fchmod(fd: number, mode: number): number;
  chown(path: string, uid: number, gid: number): number;
  lchown(path: string, uid: number, gid: number): number;
  fchown(fd: number, uid: number, gid: number): number;
  mkfifo(path: string, mode: number): number;
  mkdir(path: string, mode: number): number;
  unlink(path: string): number;
  symlink(target: string, path: string): number;
  inet_pton(af: number, src: string, dst: Buffer): number;
  inet_ntop(af: number, src: Buffer, dst: Buffer, size: number): string | null;
  if_nametoindex(name: string): number;
  mq_open(name: string, flags: number, ...rest: unknown[]): number;
  mq_unlink(name: string): number;
}

let bound: Bindings | undefined;

function b(): Bindings {
  if (bound) return bound;
  const lib = koffi.load('libc.so.6');
  const f = (decl: string): unknown => lib.func(decl);
  bound = {
    socket: f('int socket(int domain, int type, int protocol)'),
    socketpair: f('int socketpair(int domain, int type, int protocol, _Out_ int *fds)'),
    bind: f('int bind(int fd, const void *addr, uint32_t len)'),
    connect: f('int connect(int fd, const void *addr, uint32_t len)'),
    listen: f('int listen(int fd, int backlog)'),
    accept4: f('int accept4(int fd, void *addr, _Inout_ uint32_t *len, int flags)'),
    setsockopt: f('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)'),
    getsockopt: f('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)'),
    getsockname: f('int getsockname(int fd, void *addr, _Inout_ uint32_t *len)'),
    getpeername: f('int getpeername(int fd, void *addr, _Inout_ uint32_t *len)'),
    recvmsg: f('intptr_t recvmsg(int fd, void *msg, int flags)'),
    sendmsg: f('intptr_t sendmsg(int fd, const void *msg, int flags)'),
    shutdown: f('int shutdown(int fd, int how)'),
    chmod: f('int chmod(const char *path, uint32_t mode)'),
    fchmod: f('int fchmod(int fd, uint32_t mode)'),
    chown: f('int chown(const char *path, uint32_t uid, uint32_t gid)'),
    lchown: f('int lchown(const char *path, uint32_t uid, uint32_t gid)'),
    fchown: f('int fchown(int fd, uint32_t uid, uint32_t gid)'),
    mkfifo: f('int mkfifo(const char *path, uint32_t mode)'),
    mkdir: f('int mkdir(const char *path, uint32_t mode)'),
    unlink: f('int unlink(const char *path)'),
    symlink: f('int symlink(const char *target, const char *path)'),
    inet_pton: f('int inet_pton(int af, const char *src, void *dst)'),
    inet_ntop: f('const char *inet_ntop(int af, const void *src, void *dst, uint32_t size)'),
    if_nametoindex: f('uint32_t if_nametoindex(const char *name)'),
    mq_open: f('int mq_open(const char *name, int flags, ...)'),
    mq_unlink: f('int mq_unlink(const char *name)'),
  } as Bindings;
  return bound;
}

function sys(result: number): Sys<number> {
  return result < 0 ? { ok: false, errno: koffi.errno() } : { ok: true, value: result };
}

function fail<T>(errno: number): Sys<T> {
  return { ok: false, errno };
}

// ---- sockaddr encodings ------------------------------------------------------------------------------------

/** A decoded (or to-be-encoded) socket address. */
export type SockAddr =
  /** `path` is '' for an unnamed (unbound or socketpair) unix socket. */
  | { readonly family: 'unix'; readonly path: string }
  /** Linux abstract namespace; `name` without the leading NUL (systemd writes it as `@name`). */
  | { readonly family: 'abstract'; readonly name: string }
  | { readonly family: 'ipv4'; readonly address: string; readonly port: number }
  | {
      readonly family: 'ipv6';
      readonly address: string;
      readonly port: number;
      /** Interface index; 0 for none. */
      readonly scopeId: number;
      readonly flowInfo?: number;
    }
  | { readonly family: 'netlink'; readonly pid: number; readonly groups: number }
  | { readonly family: 'vsock'; readonly cid: number; readonly port: number }
  | { readonly family: 'other'; readonly saFamily: number; readonly bytes: Buffer };

export const SOCKADDR_STORAGE_SIZE = 128;
const SUN_PATH_MAX = 108;

/** The numeric AF_* of an address. */
export function addressFamily(a: SockAddr): number {
  switch (a.family) {
    case 'unix':
    case 'abstract':
      return AF_UNIX;
    case 'ipv4':
      return AF_INET;
    case 'ipv6':
      return AF_INET6;
    case 'netlink':
      return AF_NETLINK;
    case 'vsock':
      return AF_VSOCK;
    case 'other':
      return a.saFamily;
  }
}

/** inet_pton(); EINVAL when `text` is not an address of that family. */
export function inetPton(af: typeof AF_INET | typeof AF_INET6, text: string): Sys<Buffer> {
  const out = Buffer.alloc(16);
  const r = b().inet_pton(af, text, out);
  if (r !== 1) return fail(EINVAL);
  return { ok: true, value: out.subarray(0, af === AF_INET ? 4 : 16) };
}

/** inet_ntop(), glibc's formatting (RFC 5952 compression, `::ffff:a.b.c.d` for mapped addresses). */
export function inetNtop(af: typeof AF_INET | typeof AF_INET6, bytes: Buffer): string {
  const src = Buffer.alloc(16);
  bytes.copy(src, 0, 0, af === AF_INET ? 4 : 16);
  const dst = Buffer.alloc(64);
  return b().inet_ntop(af, src, dst, dst.length) ?? '';
}

/** if_nametoindex(); a decimal string is taken as the index itself (systemd accepts both). */
export function interfaceIndex(name: string): Sys<number> {
  if (/^\d+$/.test(name)) return { ok: true, value: Number(name) };
  const r = b().if_nametoindex(name);
  return r === 0 ? fail(koffi.errno() || 19 /* ENODEV */) : { ok: true, value: r };
}

/** Encodes `a` as a struct sockaddr: the bytes and the length to pass to bind/connect. */
export function encodeSockAddr(a: SockAddr): Sys<{ buf: Buffer; len: number }> {
  const buf = pinned(SOCKADDR_STORAGE_SIZE);
  buf.writeUInt16LE(addressFamily(a), 0);
  switch (a.family) {
    case 'unix': {
      const p = Buffer.from(a.path);
      if (p.length === 0 || p.includes(0)) return fail(EINVAL);
      if (p.length >= SUN_PATH_MAX) return fail(ENAMETOOLONG);
      p.copy(buf, 2);
      return { ok: true, value: { buf, len: 2 + p.length + 1 } };
    }
    case 'abstract': {
      const n = Buffer.from(a.name);
      if (n.length + 1 > SUN_PATH_MAX) return fail(ENAMETOOLONG);
      n.copy(buf, 3);
      return { ok: true, value: { buf, len: 3 + n.length } };
    }
    case 'ipv4': {
      const ip = inetPton(AF_INET, a.address);
      if (!ip.ok) return ip;
      buf.writeUInt16BE(a.port, 2);
      ip.value.copy(buf, 4);
      return { ok: true, value: { buf, len: 16 } };
    }
    case 'ipv6': {
      const ip = inetPton(AF_INET6, a.address);
      if (!ip.ok) return ip;
      buf.writeUInt16BE(a.port, 2);
      buf.writeUInt32BE(a.flowInfo ?? 0, 4);
      ip.value.copy(buf, 8);
      buf.writeUInt32LE(a.scopeId >>> 0, 24);
      return { ok: true, value: { buf, len: 28 } };
    }
    case 'netlink':
      buf.writeUInt32LE(a.pid >>> 0, 4);
      buf.writeUInt32LE(a.groups >>> 0, 8);
      return { ok: true, value: { buf, len: 12 } };
    case 'vsock':
      buf.writeUInt32LE(a.port >>> 0, 4);
      buf.writeUInt32LE(a.cid >>> 0, 8);
      return { ok: true, value: { buf, len: 16 } };
    case 'other':
      a.bytes.copy(buf, 0, 0, Math.min(a.bytes.length, SOCKADDR_STORAGE_SIZE));
      buf.writeUInt16LE(a.saFamily, 0);
      return { ok: true, value: { buf, len: Math.min(a.bytes.length, SOCKADDR_STORAGE_SIZE) } };
  }
}

/** Decodes a struct sockaddr of `len` bytes. */
export function decodeSockAddr(buf: Buffer, len: number): SockAddr {
  const family = len >= 2 ? buf.readUInt16LE(0) : AF_UNSPEC;
  switch (family) {
    case AF_UNIX: {
      if (len <= 2) return { family: 'unix', path: '' };
      if (buf[2] === 0) return { family: 'abstract', name: buf.subarray(3, len).toString() };
      let end = 2;
      while (end < len && buf[end] !== 0) end++;
      return { family: 'unix', path: buf.subarray(2, end).toString() };
    }
    case AF_INET:
      return { family: 'ipv4', address: inetNtop(AF_INET, buf.subarray(4, 8)), port: buf.readUInt16BE(2) };
    case AF_INET6:
      return {
        family: 'ipv6',
        address: inetNtop(AF_INET6, buf.subarray(8, 24)),
        port: buf.readUInt16BE(2),
        flowInfo: buf.readUInt32BE(4),
        scopeId: buf.readUInt32LE(24),
      };
    case AF_NETLINK:
      return { family: 'netlink', pid: buf.readUInt32LE(4), groups: buf.readUInt32LE(8) };
    case AF_VSOCK:
      return { family: 'vsock', port: buf.readUInt32LE(4), cid: buf.readUInt32LE(8) };
    default:
      return { family: 'other', saFamily: family, bytes: Buffer.from(buf.subarray(0, len)) };
  }
}

/** The raw 16 address bytes of an AF_INET6 sockaddr (for IPv4-mapped checks). */
export function ipv6Bytes(a: SockAddr & { family: 'ipv6' }): Buffer {
  const r = inetPton(AF_INET6, a.address);
  return r.ok ? r.value : Buffer.alloc(16);
}

// ---- sockets -----------------------------------------------------------------------------------------------

export function socket(domain: number, type: number, protocol = 0): Sys<number> {
  return sys(b().socket(domain, type, protocol));
}

export function socketpair(domain: number, type: number, protocol = 0): Sys<[number, number]> {
  const fds = [-1, -1];
  const r = sys(b().socketpair(domain, type, protocol, fds));
  return r.ok ? { ok: true, value: [fds[0]!, fds[1]!] } : r;
}

export function bind(fd: number, addr: SockAddr): Sys<number> {
  const e = encodeSockAddr(addr);
  if (!e.ok) return e;
  return sys(b().bind(fd, e.value.buf, e.value.len));
}

/** connect(2); on a non-blocking stream socket EINPROGRESS (115) means "in progress". */
export function connect(fd: number, addr: SockAddr): Sys<number> {
  const e = encodeSockAddr(addr);
  if (!e.ok) return e;
  return sys(b().connect(fd, e.value.buf, e.value.len));
}

export function listen(fd: number, backlog: number): Sys<number> {
  return sys(b().listen(fd, backlog));
}

export function shutdown(fd: number, how: 0 | 1 | 2): Sys<number> {
  return sys(b().shutdown(fd, how));
}

/** accept4(2): the connection's fd and the peer's address. */
export function accept4(fd: number, flags: number): Sys<{ fd: number; peer: SockAddr }> {
  const addr = pinned(SOCKADDR_STORAGE_SIZE);
  const len = [SOCKADDR_STORAGE_SIZE];
  const r = b().accept4(fd, addr, len, flags);
  if (r < 0) return fail(koffi.errno());
  return { ok: true, value: { fd: r, peer: decodeSockAddr(addr, Math.min(len[0]!, SOCKADDR_STORAGE_SIZE)) } };
}

function nameOf(call: 'getsockname' | 'getpeername', fd: number): Sys<SockAddr> {
  const addr = pinned(SOCKADDR_STORAGE_SIZE);
  const len = [SOCKADDR_STORAGE_SIZE];
  const r = b()[call](fd, addr, len);
  if (r < 0) return fail(koffi.errno());
  return { ok: true, value: decodeSockAddr(addr, Math.min(len[0]!, SOCKADDR_STORAGE_SIZE)) };
}

export function getsockname(fd: number): Sys<SockAddr> {
  return nameOf('getsockname', fd);
}

export function getpeername(fd: number): Sys<SockAddr> {
  return nameOf('getpeername', fd);
}

export function setsockoptInt(fd: number, level: number, name: number, value: number): Sys<number> {
  const v = pinned(4);
  v.writeInt32LE(value | 0, 0);
  return sys(b().setsockopt(fd, level, name, v, 4));
}

/** A string option (SO_BINDTODEVICE, TCP_CONGESTION), passed NUL-terminated. */
export function setsockoptString(fd: number, level: number, name: number, value: string): Sys<number> {
  const s = Buffer.from(value);
  const v = pinned(s.length + 1);
  s.copy(v);
  return sys(b().setsockopt(fd, level, name, v, s.length + 1));
}

export function setsockoptBytes(fd: number, level: number, name: number, value: Buffer): Sys<number> {
  const v = pinned(value.length);
  value.copy(v);
  return sys(b().setsockopt(fd, level, name, v, value.length));
}

export function getsockoptInt(fd: number, level: number, name: number): Sys<number> {
  const v = pinned(4);
  const len = [4];
  const r = b().getsockopt(fd, level, name, v, len);
  if (r < 0) return fail(koffi.errno());
  return { ok: true, value: v.readInt32LE(0) };
}

export function getsockoptBytes(fd: number, level: number, name: number, size: number): Sys<Buffer> {
  const v = pinned(size);
  const len = [size];
  const r = b().getsockopt(fd, level, name, v, len);
  if (r < 0) return fail(koffi.errno());
  return { ok: true, value: Buffer.from(v.subarray(0, Math.min(len[0]!, size))) };
}

export interface Ucred {
  pid: number;
  uid: number;
  gid: number;
}

/** SO_PEERCRED of a connected AF_UNIX socket. */
export function getPeerCred(fd: number): Sys<Ucred> {
  const r = getsockoptBytes(fd, SOL_SOCKET, SO_PEERCRED, 12);
  if (!r.ok) return r;
  if (r.value.length !== 12) return fail(EINVAL);
  return {
    ok: true,
    value: { pid: r.value.readInt32LE(0), uid: r.value.readUInt32LE(4), gid: r.value.readUInt32LE(8) },
  };
}

// ---- recvmsg / sendmsg -------------------------------------------------------------------------------------

const CMSG_HDR = 16; // struct cmsghdr: size_t cmsg_len; int cmsg_level; int cmsg_type
const cmsgAlign = (n: number): number => (n + 7) & ~7;
export const cmsgSpace = (data: number): number => CMSG_HDR + cmsgAlign(data);
const cmsgLen = (data: number): number => CMSG_HDR + data;

function writeMsghdr(
  msg: Buffer,
  name: Buffer | null,
  nameLen: number,
  iov: Buffer,
  control: Buffer | null,
  controlLen: number,
): void {
  msg.fill(0, 0, 56);
  if (name) {
    msg.writeBigUInt64LE(koffi.address(name), 0);
    msg.writeUInt32LE(nameLen, 8);
  }
  msg.writeBigUInt64LE(koffi.address(iov), 16);
  msg.writeBigUInt64LE(1n, 24);
  if (control && controlLen > 0) {
    msg.writeBigUInt64LE(koffi.address(control), 32);
    msg.writeBigUInt64LE(BigInt(controlLen), 40);
  }
}

/** Reusable memory for recvmsg on one socket: data buffer, control buffer, msghdr, iovec, sockaddr. */
export class RecvBuffers {
  readonly data: Buffer;
  readonly control: Buffer;
  readonly controlLen: number;
  readonly msg = pinned(56);
  readonly iov = pinned(16);
  readonly name = pinned(SOCKADDR_STORAGE_SIZE);

  /** `dataSize` bytes of payload; room for credentials plus `maxFds` passed descriptors. */
  constructor(
    readonly dataSize: number,
    readonly maxFds: number,
  ) {
    this.data = pinned(dataSize);
    this.controlLen = cmsgSpace(12) + cmsgSpace(4 * maxFds);
    this.control = pinned(this.controlLen);
  }
}

export interface Received {
  /** The datagram's real length (MSG_TRUNC semantics: may exceed the buffer). */
  length: number;
  /** The bytes that fit in the buffer (a copy). */
  data: Buffer;
  /** msg_flags: MSG_TRUNC, MSG_CTRUNC. */
  flags: number;
  truncated: boolean;
  controlTruncated: boolean;
  /** SCM_CREDENTIALS, when the socket has SO_PASSCRED (or the sender sent them). */
  creds: Ucred | null;
  /** SCM_RIGHTS descriptors now owned by the caller (opened CLOEXEC if MSG_CMSG_CLOEXEC was passed). */
  fds: number[];
  /** The sender's address (for datagram sockets). */
  from: SockAddr | null;
}

/**
 * recvmsg(2) of one message into `bufs`. Pass MSG_TRUNC to learn a datagram's full length. On success every
 * SCM_RIGHTS fd in the message is in `fds` and must be closed by the caller, even when it decides to drop
 * the message.
 */
export function recvmsg(fd: number, bufs: RecvBuffers, flags: number): Sys<Received> {
  const iov = bufs.iov;
  iov.writeBigUInt64LE(koffi.address(bufs.data), 0);
  iov.writeBigUInt64LE(BigInt(bufs.dataSize), 8);
  writeMsghdr(bufs.msg, bufs.name, SOCKADDR_STORAGE_SIZE, iov, bufs.control, bufs.controlLen);
  bufs.control.fill(0, 0, bufs.controlLen);
  const n = b().recvmsg(fd, bufs.msg, flags);
  if (n < 0) return fail(koffi.errno());
  const msgFlags = bufs.msg.readInt32LE(48);
  const nameLen = Math.min(bufs.msg.readUInt32LE(8), SOCKADDR_STORAGE_SIZE);
  const controlLen = Number(bufs.msg.readBigUInt64LE(40));
  let creds: Ucred | null = null;
  const fds: number[] = [];
  let off = 0;
  while (off + CMSG_HDR <= controlLen) {
    const len = Number(bufs.control.readBigUInt64LE(off));
    if (len < CMSG_HDR || off + len > controlLen) break;
    const level = bufs.control.readInt32LE(off + 8);
    const type = bufs.control.readInt32LE(off + 12);
    const dataOff = off + CMSG_HDR;
    const dataLen = len - CMSG_HDR;
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      for (let i = 0; i + 4 <= dataLen; i += 4) fds.push(bufs.control.readInt32LE(dataOff + i));
    } else if (level === SOL_SOCKET && type === SCM_CREDENTIALS && dataLen === 12) {
      creds = {
        pid: bufs.control.readInt32LE(dataOff),
        uid: bufs.control.readUInt32LE(dataOff + 4),
        gid: bufs.control.readUInt32LE(dataOff + 8),
      };
    }
    off += cmsgAlign(len);
  }
  return {
    ok: true,
    value: {
      length: n,
      data: Buffer.from(bufs.data.subarray(0, Math.min(n, bufs.dataSize))),
      flags: msgFlags,
      truncated: (msgFlags & MSG_TRUNC) !== 0,
      controlTruncated: (msgFlags & MSG_CTRUNC) !== 0,
      creds,
      fds,
      from: nameLen > 0 ? decodeSockAddr(bufs.name, nameLen) : null,
    },
  };
}

export interface SendOptions {
  /** Destination for unconnected datagram sockets. */
  to?: SockAddr;
  /** SCM_RIGHTS. */
  fds?: readonly number[];
  /** SCM_CREDENTIALS (root may send any pid/uid/gid). */
  creds?: Ucred;
  flags?: number;
}

/** sendmsg(2) of one buffer; returns the bytes sent. */
export function sendmsg(fd: number, data: Buffer, opts: SendOptions = {}): Sys<number> {
  const payload = pinned(data.length);
  data.copy(payload);
  const iov = pinned(16);
  iov.writeBigUInt64LE(koffi.address(payload), 0);
  iov.writeBigUInt64LE(BigInt(data.length), 8);
  let name: Buffer | null = null;
  let nameLen = 0;
  if (opts.to) {
    const e = encodeSockAddr(opts.to);
    if (!e.ok) return e;
    name = e.value.buf;
    nameLen = e.value.len;
  }
  const fds = opts.fds ?? [];
  const controlLen = (fds.length > 0 ? cmsgSpace(4 * fds.length) : 0) + (opts.creds ? cmsgSpace(12) : 0);
  const control = controlLen > 0 ? pinned(controlLen) : null;
  if (control) {
    let off = 0;
    if (fds.length > 0) {
      control.writeBigUInt64LE(BigInt(cmsgLen(4 * fds.length)), off);
      control.writeInt32LE(SOL_SOCKET, off + 8);
      control.writeInt32LE(SCM_RIGHTS, off + 12);
      fds.forEach((f, i) => control.writeInt32LE(f, off + CMSG_HDR + 4 * i));
      off += cmsgSpace(4 * fds.length);
    }
    if (opts.creds) {
      control.writeBigUInt64LE(BigInt(cmsgLen(12)), off);
      control.writeInt32LE(SOL_SOCKET, off + 8);
      control.writeInt32LE(SCM_CREDENTIALS, off + 12);
      control.writeInt32LE(opts.creds.pid, off + CMSG_HDR);
      control.writeUInt32LE(opts.creds.uid >>> 0, off + CMSG_HDR + 4);
      control.writeUInt32LE(opts.creds.gid >>> 0, off + CMSG_HDR + 8);
    }
  }
  const msg = pinned(56);
  writeMsghdr(msg, name, nameLen, iov, control, controlLen);
  return sys(b().sendmsg(fd, msg, (opts.flags ?? 0) | MSG_NOSIGNAL));
}

// ---- file-system nodes -------------------------------------------------------------------------------------

export function chmod(path: string, mode: number): Sys<number> {
  return sys(b().chmod(path, mode));
}

export function fchmod(fd: number, mode: number): Sys<number> {
  return sys(b().fchmod(fd, mode));
}

/** chown(2); -1 (0xffffffff) leaves the uid or gid alone. */
export function chown(path: string, uid: number, gid: number): Sys<number> {
  return sys(b().chown(path, uid >>> 0, gid >>> 0));
}

export function lchown(path: string, uid: number, gid: number): Sys<number> {
  return sys(b().lchown(path, uid >>> 0, gid >>> 0));
}

export function fchown(fd: number, uid: number, gid: number): Sys<number> {
  return sys(b().fchown(fd, uid >>> 0, gid >>> 0));
}

/** mkfifo(3); the mode is masked by the umask, as always. */
export function mkfifo(path: string, mode: number): Sys<number> {
  return sys(b().mkfifo(path, mode));
}

export function mkdir(path: string, mode: number): Sys<number> {
  return sys(b().mkdir(path, mode));
}

export function unlink(path: string): Sys<number> {
  return sys(b().unlink(path));
}

export function symlink(target: string, path: string): Sys<number> {
  return sys(b().symlink(target, path));
}

/** mq_open(3) with O_CREAT; `maxMessages`/`messageSize` of 0 leave the kernel defaults. */
export function mqOpen(
  name: string,
  flags: number,
  mode: number,
  maxMessages = 0,
  messageSize = 0,
): Sys<number> {
  if (maxMessages > 0 && messageSize > 0) {
    const attr = pinned(64);
    attr.writeBigInt64LE(BigInt(maxMessages), 8);
    attr.writeBigInt64LE(BigInt(messageSize), 16);
    return sys(b().mq_open(name, flags, 'uint32_t', mode, 'void *', attr));
  }
  return sys(b().mq_open(name, flags, 'uint32_t', mode, 'void *', null));
}

export function mqUnlink(name: string): Sys<number> {
  return sys(b().mq_unlink(name));
}

// ---- fd flags ----------------------------------------------------------------------------------------------

/** Sets or clears O_NONBLOCK. */
export function setNonBlocking(fd: number, on: boolean): Sys<number> {
  const fl = fcntlGet(fd, F_GETFL);
  if (!fl.ok) return fl;
  const next = on ? fl.value | 0o4000 : fl.value & ~0o4000;
  return next === fl.value ? fl : fcntlSet(fd, F_SETFL, next);
}

/** fcntl(F_SETPIPE_SZ). */
export function setPipeSize(fd: number, size: number): Sys<number> {
  return sys(pipeFcntl(fd, F_SETPIPE_SZ, size));
}

type VarFcntl = (fd: number, cmd: number, ...rest: unknown[]) => number;
let fcntlInt: VarFcntl | undefined;
function pipeFcntl(fd: number, cmd: number, arg: number): number {
  fcntlInt ??= koffi.load('libc.so.6').func('int fcntl(int fd, int cmd, ...)') as unknown as VarFcntl;
  return fcntlInt(fd, cmd, 'int', arg);
}

export { close };
