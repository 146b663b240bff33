/**
 * Opening and closing what a .socket unit listens on, in the order systemd 252 does it (socket.c
 * socket_open_fds, socket-util.c socket_address_listen, socket_apply_socket_options, fifo_address_create,
 * special_address_create, mq_address_create, socket_chown, socket_symlink, socket_close_fds).
 *
 * Every call here is a short synchronous syscall (like systemd's own), made when a socket unit starts or
 * stops; nothing blocks on the network. rsd's fds are CLOEXEC and NONBLOCK; the exec helper dup2()s them
 * into a service's 3.., which clears CLOEXEC there.
 */
import { fstatSync, readlinkSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Listen, SocketAddress } from '../unit/table/parsers-socket';
import { O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_RDONLY, O_RDWR, open } from '../native/libc';
import * as S from '../native/socket';
import { errnoName, failure, type SocketResult } from './errors';

const O_NOFOLLOW = 0o400000;

/**
 * The [Socket] settings openListener needs, already resolved to numbers (uid/gid, usec, bytes). Every field
 * is optional; a missing one means systemd's default (the option is not set on the socket).
 */
export interface SocketOptions {
  /** listen(2) backlog; default 4096 (SOMAXCONN). */
  backlog?: number;
  bindIPv6Only?: 'default' | 'both' | 'ipv6-only';
  bindToDevice?: string;
  /** Mode of AF_UNIX socket nodes and FIFOs; default 0o666. */
  socketMode?: number;
  /** Mode of parent directories created for them; default 0o755. */
  directoryMode?: number;
  /** SocketUser=/SocketGroup=, resolved by the caller; applied to socket paths, FIFOs and mqueues. */
  socketUid?: number;
  socketGid?: number;
  reusePort?: boolean;
  freeBind?: boolean;
  transparent?: boolean;
  keepAlive?: boolean;
  keepAliveTimeUsec?: number;
  keepAliveIntervalUsec?: number;
  keepAliveProbes?: number;
  deferAcceptUsec?: number;
  noDelay?: boolean;
  receiveBuffer?: number;
  sendBuffer?: number;
  passCredentials?: boolean;
  passSecurity?: boolean;
  passPacketInfo?: boolean;
  broadcast?: boolean;
  /** SO_PRIORITY; set when >= 0. */
  priority?: number;
  /** SO_MARK; set when >= 0. */
  mark?: number;
  /** IP_TOS / IPV6_TCLASS; set when >= 0 (see parseIpTos). */
  ipTos?: number;
  /** IP_TTL / IPV6_UNICAST_HOPS; set when >= 0. */
  ipTtl?: number;
  /** F_SETPIPE_SZ on FIFOs. */
  pipeSize?: number;
  timestamping?: 'off' | 'us' | 'usec' | 'µs' | 'ns' | 'nsec';
  tcpCongestion?: string;
  socketProtocol?: 'udplite' | 'sctp';
  /** ListenSpecial=: open read-write. */
  writable?: boolean;
  messageQueueMaxMessages?: number;
  messageQueueMessageSize?: number;
}

/** An open listener: the fd rsd keeps (and passes to services) and what it is. */
export interface ListeningFd {
  readonly fd: number;
  readonly type: Listen['type'];
  /** systemd's way of printing it: `/run/x.sock`, `@name`, `127.0.0.1:80`, `[::]:80`, `route 0`, a path. */
  readonly description: string;
  /** The file-system node RemoveOnStop= removes and Symlinks= point to (unix path or FIFO), if any. */
  readonly path: string | null;
  /** mq_unlink name for ListenMessageQueue=. */
  readonly mqueue: string | null;
  /** getsockname() after bind (a port of 0 resolved), for sockets. */
  readonly local: S.SockAddr | null;
  /** Stream and seqpacket sockets: Accept=yes may accept on it. */
  readonly canAccept: boolean;
  /** Options that failed without failing the socket (systemd logs these as warnings). */
  readonly warnings: readonly string[];
}

const NETLINK_FAMILIES: Record<string, number> = {
  route: 0,
  firewall: 3,
  'inet-diag': 4,
  'sock-diag': 4,
  nflog: 5,
  xfrm: 6,
  selinux: 7,
  iscsi: 8,
  audit: 9,
  'fib-lookup': 10,
  connector: 11,
  netfilter: 12,
  'ip6-fw': 13,
  dnrtmsg: 14,
  'kobject-uevent': 15,
  generic: 16,
  scsitransport: 18,
  ecryptfs: 19,
  rdma: 20,
};

/** IPTOS= names (ip_tos_to_string_alloc); a number is taken as is. -1 if neither. */
export function parseIpTos(s: string): number {
  const named: Record<string, number> = {
    'low-delay': 0x10,
    throughput: 0x08,
    reliability: 0x04,
    'low-cost': 0x02,
  };
  if (s in named) return named[s]!;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(s)) {
    const n = Number(s);
    return n <= 0xff ? n : -1;
  }
  return -1;
}

/** systemd's socket_address_print for a Listen*= entry. */
export function describeListen(listen: Listen): string {
  if (listen.type === 'netlink') return `${listen.family} ${listen.group}`;
  return 'address' in listen ? describeAddress(listen.address) : listen.path;
}

function describeAddress(a: SocketAddress): string {
  switch (a.family) {
    case 'unix':
      return a.path;
    case 'abstract':
      return `@${a.name}`;
    case 'ipv4':
      return `${a.address}:${a.port}`;
    case 'ipv6':
      return `[${a.address}]:${a.port}${a.scope ? `%${a.scope}` : ''}`;
    case 'any':
      return `[::]:${a.port}`;
    case 'vsock':
      return `vsock:${a.cid}:${a.port}`;
  }
}

/** Creates the missing parents of `path` with `mode` (mkdir_parents). */
function mkdirParents(path: string, mode: number): void {
  const parents: string[] = [];
  for (let d = dirname(path); d !== '/' && d !== '.'; d = dirname(d)) parents.unshift(d);
  for (const d of parents) S.mkdir(d, mode); // EEXIST is fine; other failures surface at bind/mkfifo
}

const VSOCK_CIDS: Record<string, number> = { any: 0xffffffff, hypervisor: 0, local: 1, host: 2 };

/** The sockaddr a Listen address binds, and its family, trying IPv6 for a bare port. */
function bindAddress(a: SocketAddress, ipv6: boolean): SocketResult<S.SockAddr> {
  switch (a.family) {
    case 'unix':
      return { ok: true, value: { family: 'unix', path: a.path } };
    case 'abstract':
      return { ok: true, value: { family: 'abstract', name: a.name } };
    case 'ipv4':
      return { ok: true, value: { family: 'ipv4', address: a.address, port: a.port } };
    case 'ipv6': {
      let scopeId = 0;
      if (a.scope) {
        const i = S.interfaceIndex(a.scope);
        if (!i.ok) return failure(i.errno, `interface ${a.scope}`);
        scopeId = i.value;
      }
      return { ok: true, value: { family: 'ipv6', address: a.address, port: a.port, scopeId } };
    }
    case 'any':
      return {
        ok: true,
        value: ipv6
          ? { family: 'ipv6', address: '::', port: a.port, scopeId: 0 }
          : { family: 'ipv4', address: '0.0.0.0', port: a.port },
      };
    case 'vsock': {
      const cid = a.cid in VSOCK_CIDS ? VSOCK_CIDS[a.cid]! : /^\d+$/.test(a.cid) ? Number(a.cid) : NaN;
      if (!Number.isFinite(cid)) return failure(S.EINVAL, `vsock CID ${a.cid}`);
      return { ok: true, value: { family: 'vsock', cid, port: a.port } };
    }
  }
}

/** setsockopt for an IPv4 option with an IPv6 twin, as systemd's socket_set_option. */
function setIpOption(fd: number, af: number, v4: number, v6: number, value: number): S.Sys<number> {
  if (af === S.AF_INET) return S.setsockoptInt(fd, S.IPPROTO_IP, v4, value);
  const r = S.setsockoptInt(fd, S.IPPROTO_IPV6, v6, value);
  S.setsockoptInt(fd, S.IPPROTO_IP, v4, value); // dual-stack sockets take the IPv4 option too
  return r;
}

/** fd_set_rcvbuf / fd_set_sndbuf: SO_*BUF, then the *FORCE variant when the kernel capped it. */
function setBuffer(fd: number, name: number, force: number, size: number): S.Sys<number> {
  const current = S.getsockoptInt(fd, S.SOL_SOCKET, name);
  if (current.ok && current.value === size * 2) return { ok: true, value: 0 };
  const r = S.setsockoptInt(fd, S.SOL_SOCKET, name, size);
  if (!r.ok) return r;
  const now = S.getsockoptInt(fd, S.SOL_SOCKET, name);
  if (now.ok && now.value === size * 2) return r;
  S.setsockoptInt(fd, S.SOL_SOCKET, force, size);
  return r;
}

/** timestamp_is_set: neither 0 nor infinity. */
function usecSet(v: number | undefined): v is number {
  return v !== undefined && v > 0 && Number.isFinite(v);
}

/** socket_apply_socket_options: every failure is only a warning. */
function applySocketOptions(
  fd: number,
  af: number,
  isNetlink: boolean,
  o: SocketOptions,
  warn: (w: string) => void,
): void {
  const check = (what: string, r: S.Sys<number>): void => {
    if (!r.ok) warn(`${what}: ${errnoName(r.errno)}`);
  };
  const int = (what: string, level: number, name: number, v: number): void =>
    check(what, S.setsockoptInt(fd, level, name, v));
  if (o.keepAlive) int('SO_KEEPALIVE', S.SOL_SOCKET, S.SO_KEEPALIVE, 1);
  if (usecSet(o.keepAliveTimeUsec))
    int('TCP_KEEPIDLE', S.IPPROTO_TCP, S.TCP_KEEPIDLE, Math.floor(o.keepAliveTimeUsec / 1e6));
  if (usecSet(o.keepAliveIntervalUsec)) {
    int('TCP_KEEPINTVL', S.IPPROTO_TCP, S.TCP_KEEPINTVL, Math.floor(o.keepAliveIntervalUsec / 1e6));
  }
  if (o.keepAliveProbes) int('TCP_KEEPCNT', S.IPPROTO_TCP, S.TCP_KEEPCNT, o.keepAliveProbes);
  if (usecSet(o.deferAcceptUsec)) {
    int('TCP_DEFER_ACCEPT', S.IPPROTO_TCP, S.TCP_DEFER_ACCEPT, Math.floor(o.deferAcceptUsec / 1e6));
  }
  if (o.noDelay) {
    if (o.socketProtocol === 'sctp') int('SCTP_NODELAY', S.SOL_SCTP, S.SCTP_NODELAY, 1);
    else int('TCP_NODELAY', S.IPPROTO_TCP, S.TCP_NODELAY, 1);
  }
  if (o.broadcast) int('SO_BROADCAST', S.SOL_SOCKET, S.SO_BROADCAST, 1);
  if (o.passCredentials) int('SO_PASSCRED', S.SOL_SOCKET, S.SO_PASSCRED, 1);
  if (o.passSecurity) int('SO_PASSSEC', S.SOL_SOCKET, S.SO_PASSSEC, 1);
  if (o.passPacketInfo) {
    if (isNetlink) int('NETLINK_PKTINFO', S.SOL_NETLINK, S.NETLINK_PKTINFO, 1);
    else if (af === S.AF_INET || af === S.AF_INET6) {
      check('IP_PKTINFO', setIpOption(fd, af, S.IP_PKTINFO, S.IPV6_RECVPKTINFO, 1));
    }
  }
  if (o.timestamping && o.timestamping !== 'off') {
    const ns = o.timestamping === 'ns' || o.timestamping === 'nsec';
    int(ns ? 'SO_TIMESTAMPNS' : 'SO_TIMESTAMP', S.SOL_SOCKET, ns ? S.SO_TIMESTAMPNS : S.SO_TIMESTAMP, 1);
  }
  if (o.priority !== undefined && o.priority >= 0)
    int('SO_PRIORITY', S.SOL_SOCKET, S.SO_PRIORITY, o.priority);
  if (o.receiveBuffer && o.receiveBuffer > 0) {
    check('SO_RCVBUF', setBuffer(fd, S.SO_RCVBUF, S.SO_RCVBUFFORCE, o.receiveBuffer));
  }
  if (o.sendBuffer && o.sendBuffer > 0)
    check('SO_SNDBUF', setBuffer(fd, S.SO_SNDBUF, S.SO_SNDBUFFORCE, o.sendBuffer));
  if (o.mark !== undefined && o.mark >= 0) int('SO_MARK', S.SOL_SOCKET, S.SO_MARK, o.mark);
  if (o.ipTos !== undefined && o.ipTos >= 0 && (af === S.AF_INET || af === S.AF_INET6)) {
    check('IP_TOS', setIpOption(fd, af, S.IP_TOS, S.IPV6_TCLASS, o.ipTos));
  }
  if (o.ipTtl !== undefined && o.ipTtl >= 0 && (af === S.AF_INET || af === S.AF_INET6)) {
    check('IP_TTL', setIpOption(fd, af, S.IP_TTL, S.IPV6_UNICAST_HOPS, o.ipTtl));
  }
  if (o.tcpCongestion) {
    check('TCP_CONGESTION', S.setsockoptString(fd, S.IPPROTO_TCP, S.TCP_CONGESTION, o.tcpCongestion));
  }
}

const SOCK_TYPES = { stream: S.SOCK_STREAM, datagram: S.SOCK_DGRAM, seqpacket: S.SOCK_SEQPACKET } as const;

function closeQuietly(fd: number): void {
  S.close(fd);
}

/** socket_address_listen + socket_apply_socket_options for one stream/datagram/seqpacket address. */
function openSocket(
  type: 'stream' | 'datagram' | 'seqpacket',
  address: SocketAddress,
  o: SocketOptions,
): SocketResult<ListeningFd> {
  const warnings: string[] = [];
  const description = describeAddress(address);
  let protocol = 0;
  if (o.socketProtocol === 'sctp' && type !== 'datagram') protocol = S.IPPROTO_SCTP;
  if (o.socketProtocol === 'udplite' && type === 'datagram') protocol = S.IPPROTO_UDPLITE;
  const isInet = address.family === 'ipv4' || address.family === 'ipv6' || address.family === 'any';
  if (!isInet) protocol = 0;

  // A bare port is [::]:port when the kernel has IPv6 (socket_ipv6_is_supported), else 0.0.0.0:port.
  let addr = bindAddress(address, true);
  if (!addr.ok) return addr;
  let af = S.addressFamily(addr.value);
  const flags = SOCK_TYPES[type] | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK;
  let sock = S.socket(af, flags, protocol);
  if (!sock.ok && sock.errno === S.EAFNOSUPPORT && address.family === 'any') {
    addr = bindAddress(address, false);
    if (!addr.ok) return addr;
    af = S.AF_INET;
    sock = S.socket(af, flags, protocol);
  }
  if (!sock.ok) return failure(sock.errno, `socket(${description})`);
  const fd = sock.value;
  const fail = (errno: number, what: string): SocketResult<ListeningFd> => {
    closeQuietly(fd);
    return failure(errno, `${what}(${description})`);
  };

  if (af === S.AF_INET6 && o.bindIPv6Only && o.bindIPv6Only !== 'default') {
    const r = S.setsockoptInt(fd, S.IPPROTO_IPV6, S.IPV6_V6ONLY, o.bindIPv6Only === 'ipv6-only' ? 1 : 0);
    if (!r.ok) return fail(r.errno, 'IPV6_V6ONLY');
  }
  if (af === S.AF_INET || af === S.AF_INET6) {
    if (o.bindToDevice) {
      const r = S.setsockoptString(fd, S.SOL_SOCKET, S.SO_BINDTODEVICE, o.bindToDevice);
      if (!r.ok) return fail(r.errno, `SO_BINDTODEVICE=${o.bindToDevice}`);
    }
    if (o.reusePort) {
      const r = S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_REUSEPORT, 1);
      if (!r.ok) warnings.push(`SO_REUSEPORT: ${errnoName(r.errno)}`);
    }
    if (o.freeBind) {
      const r = setIpOption(fd, af, S.IP_FREEBIND, S.IPV6_FREEBIND, 1);
      if (!r.ok) warnings.push(`IP_FREEBIND: ${errnoName(r.errno)}`);
    }
    if (o.transparent) {
      const r = setIpOption(fd, af, S.IP_TRANSPARENT, S.IPV6_TRANSPARENT, 1);
      if (!r.ok) warnings.push(`IP_TRANSPARENT: ${errnoName(r.errno)}`);
    }
  }
  const reuse = S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_REUSEADDR, 1);
  if (!reuse.ok) return fail(reuse.errno, 'SO_REUSEADDR');

  const path = address.family === 'unix' ? address.path : null;
  if (path) {
    mkdirParents(path, o.directoryMode ?? 0o755);
    let r = S.bind(fd, addr.value);
    if (!r.ok && r.errno === S.EADDRINUSE) {
      // A stale node from an earlier run: unlink and try once more, as systemd does.
      if (S.unlink(path).ok) r = S.bind(fd, addr.value);
    }
    if (!r.ok) return fail(r.errno, 'bind');
    // systemd binds under umask ~SocketMode; the umask is process-wide here (libuv threads create files
    // too), so the mode is set right after bind instead. Under the usual umask 022 the node is never more
    // connectable (writable) in between than SocketMode= allows.
    const m = S.chmod(path, o.socketMode ?? 0o666);
    if (!m.ok) return fail(m.errno, 'chmod');
  } else {
    const r = S.bind(fd, addr.value);
    if (!r.ok) return fail(r.errno, 'bind');
  }
  if (type !== 'datagram') {
    const r = S.listen(fd, o.backlog ?? 4096);
    if (!r.ok) return fail(r.errno, 'listen');
  }
  if (path) touch(path);

  applySocketOptions(fd, af, false, o, (w) => warnings.push(w));
  if (path) {
    const r = chownNode(path, o);
    if (!r.ok) return fail(r.errno, 'chown');
  }
  const local = S.getsockname(fd);
  return {
    ok: true,
    value: {
      fd,
      type,
      description,
      path,
      mqueue: null,
      local: local.ok ? local.value : null,
      canAccept: type !== 'datagram',
      warnings,
    },
  };
}

/** Lets anyone waiting (inotify) for the socket node know it is connectable now. */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // only a courtesy
  }
}

function chownNode(path: string, o: SocketOptions): S.Sys<number> {
  if (o.socketUid === undefined && o.socketGid === undefined) return { ok: true, value: 0 };
  return S.chown(path, o.socketUid ?? -1, o.socketGid ?? -1);
}

/** fifo_address_create: mkfifo with SocketMode= (under the umask), open O_RDWR, must be a FIFO. */
function openFifo(path: string, o: SocketOptions): SocketResult<ListeningFd> {
  mkdirParents(path, o.directoryMode ?? 0o755);
  const made = S.mkfifo(path, o.socketMode ?? 0o666);
  if (!made.ok && made.errno !== S.EEXIST) return failure(made.errno, `mkfifo(${path})`);
  const r = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (!r.ok) return failure(r.errno, `open(${path})`);
  const fd = r.value;
  if (!fstatSync(fd).isFIFO()) {
    closeQuietly(fd);
    return failure(S.EEXIST, `${path} is not a FIFO`);
  }
  const warnings: string[] = [];
  if (o.pipeSize && o.pipeSize > 0) {
    const p = S.setPipeSize(fd, o.pipeSize);
    if (!p.ok) warnings.push(`F_SETPIPE_SZ: ${errnoName(p.errno)}`);
  }
  const c = chownNode(path, o);
  if (!c.ok) {
    closeQuietly(fd);
    return failure(c.errno, `chown(${path})`);
  }
  return {
    ok: true,
    value: {
      fd,
      type: 'fifo',
      description: path,
      path,
      mqueue: null,
      local: null,
      canAccept: false,
      warnings,
    },
  };
}

/** special_address_create: open a character device or /proc, /sys file. */
function openSpecial(path: string, o: SocketOptions): SocketResult<ListeningFd> {
  const r = open(path, (o.writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (!r.ok) return failure(r.errno, `open(${path})`);
  const st = fstatSync(r.value);
  if (!st.isFile() && !st.isCharacterDevice()) {
    closeQuietly(r.value);
    return failure(S.EEXIST, `${path} is neither a regular file nor a character device`);
  }
  return {
    ok: true,
    value: {
      fd: r.value,
      type: 'special',
      description: path,
      path: null,
      mqueue: null,
      local: null,
      canAccept: false,
      warnings: [],
    },
  };
}

/** mq_address_create: mq_open(O_CREAT) with SocketMode= exactly (umask 0 in systemd, fchmod here). */
function openMqueue(name: string, o: SocketOptions): SocketResult<ListeningFd> {
  const mode = o.socketMode ?? 0o666;
  const r = S.mqOpen(
    name,
    O_RDONLY | O_CLOEXEC | O_NONBLOCK | 0o100 /* O_CREAT */,
    mode,
    o.messageQueueMaxMessages ?? 0,
    o.messageQueueMessageSize ?? 0,
  );
  if (!r.ok) return failure(r.errno, `mq_open(${name})`);
  const fd = r.value;
  const m = S.fchmod(fd, mode);
  const c =
    o.socketUid !== undefined || o.socketGid !== undefined
      ? S.fchown(fd, o.socketUid ?? -1, o.socketGid ?? -1)
      : m;
  if (!m.ok || !c.ok) {
    closeQuietly(fd);
    return failure(!m.ok ? m.errno : !c.ok ? c.errno : 0, `fchmod/fchown(${name})`);
  }
  return {
    ok: true,
    value: {
      fd,
      type: 'mqueue',
      description: name,
      path: null,
      mqueue: name,
      local: null,
      canAccept: false,
      warnings: [],
    },
  };
}

function openNetlink(family: string, group: number, o: SocketOptions): SocketResult<ListeningFd> {
  const description = `${family} ${group}`;
  const protocol = NETLINK_FAMILIES[family];
  if (protocol === undefined) return failure(S.EINVAL, `netlink family ${family}`);
  const sock = S.socket(S.AF_NETLINK, S.SOCK_RAW | S.SOCK_CLOEXEC | S.SOCK_NONBLOCK, protocol);
  if (!sock.ok) return failure(sock.errno, `socket(${description})`);
  const fd = sock.value;
  const reuse = S.setsockoptInt(fd, S.SOL_SOCKET, S.SO_REUSEADDR, 1);
  const r = reuse.ok ? S.bind(fd, { family: 'netlink', pid: 0, groups: group }) : reuse;
  if (!r.ok) {
    closeQuietly(fd);
    return failure(r.errno, `bind(${description})`);
  }
  const warnings: string[] = [];
  applySocketOptions(fd, S.AF_NETLINK, true, o, (w) => warnings.push(w));
  const local = S.getsockname(fd);
  return {
    ok: true,
    value: {
      fd,
      type: 'netlink',
      description,
      path: null,
      mqueue: null,
      local: local.ok ? local.value : null,
      canAccept: false,
      warnings,
    },
  };
}

/** Creates, configures and binds (and listens on) one Listen*= entry. */
export function openListener(listen: Listen, opts: SocketOptions = {}): SocketResult<ListeningFd> {
  switch (listen.type) {
    case 'stream':
    case 'datagram':
    case 'seqpacket':
      return openSocket(listen.type, listen.address, opts);
    case 'fifo':
      return openFifo(listen.path, opts);
    case 'special':
      return openSpecial(listen.path, opts);
    case 'mqueue':
      return openMqueue(listen.path, opts);
    case 'netlink':
      return openNetlink(listen.family, listen.group, opts);
    case 'usb-function':
      return failure(95 /* EOPNOTSUPP */, `ListenUSBFunction=${listen.path}`);
  }
}

/**
 * Opens every Listen*= entry of a socket unit in order; if one fails, those already open are closed (with
 * `removeOnStop`, their nodes removed) and the failure is returned, as systemd's socket_open_fds does.
 */
export function openListeners(
  listens: readonly Listen[],
  opts: SocketOptions = {},
  removeOnStop = false,
): SocketResult<ListeningFd[]> {
  const done: ListeningFd[] = [];
  for (const l of listens) {
    const r = openListener(l, opts);
    if (!r.ok) {
      for (const d of done) closeListener(d, { removeOnStop });
      return r;
    }
    done.push(r.value);
  }
  return { ok: true, value: done };
}

/** socket_close_fds for one listener: close, and with RemoveOnStop= remove its node. */
export function closeListener(l: ListeningFd, opts: { removeOnStop?: boolean } = {}): void {
  S.close(l.fd);
  if (!opts.removeOnStop) return;
  if (l.path) S.unlink(l.path);
  if (l.mqueue) S.mqUnlink(l.mqueue);
}

/** socket_find_symlink_target: the one file-system node among the listeners, or null if none or several. */
export function symlinkTarget(listeners: readonly ListeningFd[]): string | null {
  const paths = listeners.map((l) => l.path).filter((p): p is string => p !== null);
  return paths.length === 1 ? paths[0]! : null;
}

/**
 * socket_symlink: each of `links` becomes a symlink to `target` (parents created with DirectoryMode=).
 * An existing correct link is fine; something else in the way is replaced only with RemoveOnStop=.
 * Failures are warnings, as in systemd.
 */
export function createSymlinks(
  target: string,
  links: readonly string[],
  opts: { directoryMode?: number; removeOnStop?: boolean } = {},
): string[] {
  const warnings: string[] = [];
  for (const link of links) {
    mkdirParents(link, opts.directoryMode ?? 0o755);
    let r = symlinkIdempotent(target, link);
    if (!r.ok && r.errno === S.EEXIST && opts.removeOnStop && S.unlink(link).ok)
      r = symlinkIdempotent(target, link);
    if (!r.ok) warnings.push(`symlink ${link} -> ${target}: ${errnoName(r.errno)}`);
  }
  return warnings;
}

function symlinkIdempotent(target: string, link: string): S.Sys<number> {
  const r = S.symlink(target, link);
  if (r.ok || r.errno !== S.EEXIST) return r;
  try {
    return readlinkSync(link) === target ? { ok: true, value: 0 } : r;
  } catch {
    return r;
  }
}

/** RemoveOnStop=: removes the Symlinks=. */
export function removeSymlinks(links: readonly string[]): void {
  for (const l of links) S.unlink(l);
}
