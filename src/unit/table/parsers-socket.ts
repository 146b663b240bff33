import { isIPv4, isIPv6 } from 'node:net';
import { fail, ok, type Parsed } from '../values/result';
import type { ValueParser } from './row';

/** Where a stream, datagram or seqpacket socket listens (systemd.socket(5), ListenStream=). */
export type SocketAddress =
  | { readonly family: 'unix'; readonly path: string }
  | { readonly family: 'abstract'; readonly name: string }
  | { readonly family: 'ipv4'; readonly address: string; readonly port: number }
  | { readonly family: 'ipv6'; readonly address: string; readonly port: number; readonly scope: string }
  /** A bare port: both IPv4 and IPv6 unless BindIPv6Only= says otherwise. */
  | { readonly family: 'any'; readonly port: number }
  | { readonly family: 'vsock'; readonly cid: string; readonly port: number };

export type Listen =
  | { readonly type: 'stream' | 'datagram' | 'seqpacket'; readonly address: SocketAddress }
  | { readonly type: 'fifo' | 'special' | 'mqueue' | 'usb-function'; readonly path: string }
  | { readonly type: 'netlink'; readonly family: string; readonly group: number };

export type ListenDirective =
  | 'ListenStream'
  | 'ListenDatagram'
  | 'ListenSequentialPacket'
  | 'ListenFIFO'
  | 'ListenSpecial'
  | 'ListenNetlink'
  | 'ListenMessageQueue'
  | 'ListenUSBFunction';

function port(s: string): Parsed<number> {
  if (!/^\d+$/.test(s)) return fail(`'${s}' is not a port number`);
  const n = Number(s);
  return n >= 1 && n <= 65535 ? ok(n) : fail(`port ${s} is out of range 1..65535`);
}

export function parseSocketAddress(s: string): Parsed<SocketAddress> {
  if (s.startsWith('/')) return ok({ family: 'unix', path: s });
  if (s.startsWith('@')) {
    return s.length > 1 ? ok({ family: 'abstract', name: s.slice(1) }) : fail('empty abstract socket name');
  }
  if (s.startsWith('vsock:')) {
    const m = /^vsock:([^:]+):(\d+)$/.exec(s);
    if (!m) return fail(`'${s}' is not a vsock address`);
    const p = port(m[2]!);
    return p.ok ? ok({ family: 'vsock', cid: m[1]!, port: p.value }) : p;
  }
  if (s.startsWith('[')) {
    const m = /^\[([^\]%]+)(?:%([^\]]+))?\]:(\d+)$/.exec(s);
    if (!m || !isIPv6(m[1]!)) return fail(`'${s}' is not an IPv6 address with port`);
    const p = port(m[3]!);
    return p.ok ? ok({ family: 'ipv6', address: m[1]!, port: p.value, scope: m[2] ?? '' }) : p;
  }
  if (/^\d+$/.test(s)) {
    const p = port(s);
    return p.ok ? ok({ family: 'any', port: p.value }) : p;
  }
  const colon = s.lastIndexOf(':');
  if (colon > 0 && isIPv4(s.slice(0, colon))) {
    const p = port(s.slice(colon + 1));
    return p.ok ? ok({ family: 'ipv4', address: s.slice(0, colon), port: p.value }) : p;
  }
  return fail(`'${s}' is not a socket address`);
}

const NETLINK_FAMILIES = [
  'route',
  'firewall',
  'inet-diag',
  'nflog',
  'xfrm',
  'selinux',
  'iscsi',
  'audit',
  'fib-lookup',
  'connector',
  'netfilter',
  'ip6-fw',
  'dnrtmsg',
  'kobject-uevent',
  'generic',
  'scsitransport',
  'ecryptfs',
  'rdma',
];

export function listen(directive: ListenDirective): ValueParser<Listen[]> {
  return (raw, ctx) => {
    const e = ctx.expand(raw);
    if (!e.ok) return e;
    const v = e.value;
    switch (directive) {
      case 'ListenStream':
      case 'ListenDatagram':
      case 'ListenSequentialPacket': {
        const type =
          directive === 'ListenStream' ? 'stream' : directive === 'ListenDatagram' ? 'datagram' : 'seqpacket';
        const a = parseSocketAddress(v);
        return a.ok ? ok([{ type, address: a.value }]) : a;
      }
      case 'ListenFIFO':
      case 'ListenSpecial':
      case 'ListenMessageQueue':
      case 'ListenUSBFunction': {
        const type =
          directive === 'ListenFIFO'
            ? 'fifo'
            : directive === 'ListenSpecial'
              ? 'special'
              : directive === 'ListenMessageQueue'
                ? 'mqueue'
                : 'usb-function';
        if (!v.startsWith('/')) return fail(`'${v}' is not an absolute path`);
        return ok([{ type, path: v }]);
      }
      case 'ListenNetlink': {
        const [family, group = '0', ...rest] = v.split(/\s+/);
        if (rest.length > 0 || !family || !NETLINK_FAMILIES.includes(family) || !/^\d+$/.test(group)) {
          return fail(`'${v}' is not a netlink family and group`);
        }
        return ok([{ type: 'netlink', family, group: Number(group) }]);
      }
    }
  };
}
