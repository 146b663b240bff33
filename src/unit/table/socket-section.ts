import { fail } from '../values/result';
import * as P from './parsers';
import type { Listen } from './parsers-socket';
import { internal, into, list, scalar, type Block, type ConfigOf } from './row';

/** [Socket]'s own settings (systemd.socket(5)); exec, kill and cgroup settings come from their contexts. */
export const socketSection = {
  Listen: internal(
    list<Listen>(() => fail('internal'), { support: 'accepted', doc: 'Every Listen*= setting, in order.' }),
  ),
  ListenStream: into(
    'Listen',
    list(P.listen('ListenStream'), {
      support: 'enforced',
      doc: 'Listen on a SOCK_STREAM socket: a path, @abstract, port, addr:port or [addr6]:port.',
    }),
  ),
  ListenDatagram: into(
    'Listen',
    list(P.listen('ListenDatagram'), {
      support: 'enforced',
      doc: 'Listen on a SOCK_DGRAM socket: a path, @abstract, port, addr:port or [addr6]:port.',
    }),
  ),
  ListenSequentialPacket: into(
    'Listen',
    list(P.listen('ListenSequentialPacket'), {
      support: 'enforced',
      doc: 'Listen on a SOCK_SEQPACKET socket on a path or @abstract name.',
    }),
  ),
  ListenFIFO: into(
    'Listen',
    list(P.listen('ListenFIFO'), {
      support: 'enforced',
      doc: 'Specifies a file system FIFO (see fifo(7) for details) to listen on.',
    }),
  ),
  ListenNetlink: into(
    'Listen',
    list(P.listen('ListenNetlink'), {
      support: 'enforced',
      doc: 'Specifies a Netlink family to create a socket for to listen on.',
    }),
  ),
  ListenSpecial: into(
    'Listen',
    list(P.listen('ListenSpecial'), {
      support: 'enforced',
      doc: 'Specifies a special file in the file system to listen on.',
    }),
  ),
  ListenMessageQueue: into(
    'Listen',
    list(P.listen('ListenMessageQueue'), {
      support: 'accepted',
      doc: 'Specifies a POSIX message queue name to listen on (see mq_overview(7) for details).',
    }),
  ),
  ListenUSBFunction: into(
    'Listen',
    list(P.listen('ListenUSBFunction'), {
      support: 'ignored',
      doc: 'Specifies a USB FunctionFS[1] endpoints location to listen on, for implementation of USB gadget functions.',
    }),
  ),
  SocketProtocol: scalar(P.oneOf(['udplite', 'sctp'] as const), 'udplite', {
    support: 'accepted',
    doc: 'Takes one of udplite or sctp. The socket will use the UDP-Lite (IPPROTO_UDPLITE) or SCTP (IPPROTO_SCTP) protocol, respectively.',
  }),
  BindIPv6Only: scalar(P.boolOr(['default', 'both', 'ipv6-only'] as const, 'ipv6-only', 'both'), 'default', {
    support: 'enforced',
    doc: 'Takes one of default, both or ipv6-only. Controls the IPV6_V6ONLY socket option (see ipv6(7) for details).',
  }),
  Backlog: scalar(P.unsigned, 4096, {
    support: 'enforced',
    doc: 'Takes an unsigned 32bit integer argument. Specifies the number of connections to queue that have not been accepted yet.',
  }),
  BindToDevice: scalar(P.word, '', {
    support: 'enforced',
    doc: 'Specifies a network interface name to bind this socket to.',
  }),
  ExecStartPre: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run before the sockets are created and bound.',
  }),
  ExecStartPost: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run after the sockets are created and bound.',
  }),
  ExecStopPre: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run before the sockets are closed.',
  }),
  ExecStopPost: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run after the sockets are closed.',
  }),
  SocketUser: scalar(P.word, '', {
    support: 'enforced',
    doc: 'Takes a UNIX user/group name. When specified, all AF_UNIX sockets and FIFO nodes in the file system are owned by the specified user and group.',
  }),
  SocketGroup: scalar(P.word, '', {
    support: 'enforced',
    doc: 'Takes a UNIX user/group name. When specified, all AF_UNIX sockets and FIFO nodes in the file system are owned by the specified user and group.',
  }),
  SocketMode: scalar(P.mode, 0o666, {
    support: 'enforced',
    doc: 'If listening on a file system socket or FIFO, this option specifies the file system access mode used when creating the file node.',
  }),
  DirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'If listening on a file system socket or FIFO, the parent directories are automatically created if needed.',
  }),
  Accept: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If yes, a service instance is spawned for each incoming connection and only the connection socket is passed to it.',
  }),
  FlushPending: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. May only be used when Accept=no.',
  }),
  Writable: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. May only be used in conjunction with ListenSpecial=. If true, the specified special file is opened in read-write mode, if false,...',
  }),
  MaxConnections: scalar(P.unsigned, 64, {
    support: 'enforced',
    doc: 'The maximum number of connections to simultaneously run services instances for, when Accept=yes is set.',
  }),
  MaxConnectionsPerSource: scalar(P.unsigned, 0, {
    support: 'enforced',
    doc: 'The maximum number of connections for a service per source IP address.',
  }),
  KeepAlive: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, the TCP/IP stack will send a keep alive message after 2h (depending on the configuration of...',
  }),
  KeepAliveTimeSec: scalar(P.timeSpan, 0, {
    support: 'enforced',
    doc: 'Takes time (in seconds) as argument. The connection needs to remain idle before TCP starts sending keepalive probes.',
  }),
  KeepAliveIntervalSec: scalar(P.timeSpan, 0, {
    support: 'enforced',
    doc: 'Takes time (in seconds) as argument between individual keepalive probes, if the socket option SO_KEEPALIVE has been set on this socket. This controls the...',
  }),
  KeepAliveProbes: scalar(P.unsigned, 0, {
    support: 'enforced',
    doc: 'Takes an integer as argument. It is the number of unacknowledged probes to send before considering the connection dead and notifying the application layer.',
  }),
  DeferAcceptSec: scalar(P.timeSpan, 0, {
    support: 'enforced',
    doc: 'Takes time (in seconds) as argument. If set, the listening process will be awakened only when data arrives on the socket, and not immediately when...',
  }),
  NoDelay: scalar(P.bool, false, {
    support: 'enforced',
    doc: "Takes a boolean argument. TCP Nagle's algorithm works by combining a number of small outgoing messages, and sending them all at once.",
  }),
  Priority: scalar(P.integer(-2147483648, 2147483647), 0, {
    support: 'enforced',
    doc: 'Takes an integer argument controlling the priority for all traffic sent from this socket. This controls the SO_PRIORITY socket option (see socket(7) for...',
  }),
  ReceiveBuffer: scalar(P.bytes, 0, {
    support: 'enforced',
    doc: 'Takes an integer argument controlling the receive or send buffer sizes of this socket, respectively. This controls the SO_RCVBUF and SO_SNDBUF socket...',
  }),
  SendBuffer: scalar(P.bytes, 0, {
    support: 'enforced',
    doc: 'Takes an integer argument controlling the receive or send buffer sizes of this socket, respectively. This controls the SO_RCVBUF and SO_SNDBUF socket...',
  }),
  IPTOS: scalar(P.asWritten, '', {
    support: 'enforced',
    doc: 'Takes an integer argument controlling the IP Type-Of-Service field for packets generated from this socket. This controls the IP_TOS socket option (see ip(7)...',
  }),
  IPTTL: scalar(P.integer(-2147483648, 2147483647), 0, {
    support: 'enforced',
    doc: 'Takes an integer argument controlling the IPv4 Time-To-Live/IPv6 Hop-Count field for packets generated from this socket. This sets the...',
  }),
  Mark: scalar(P.integer(-2147483648, 2147483647), 0, {
    support: 'enforced',
    doc: 'Takes an integer value. Controls the firewall mark of packets generated by this socket.',
  }),
  PipeSize: scalar(P.bytes, 0, {
    support: 'enforced',
    doc: 'Takes a size in bytes. Controls the pipe buffer size of FIFOs configured in this socket unit.',
  }),
  FreeBind: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. Controls whether the socket can be bound to non-local IP addresses.',
  }),
  Transparent: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. Controls the IP_TRANSPARENT/IPV6_TRANSPARENT socket option.',
  }),
  Broadcast: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. This controls the SO_BROADCAST socket option, which allows broadcast datagrams to be sent from this socket.',
  }),
  PassCredentials: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. This controls the SO_PASSCRED socket option, which allows AF_UNIX sockets to receive the credentials of the sending process in an...',
  }),
  PassSecurity: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. This controls the SO_PASSSEC socket option, which allows AF_UNIX sockets to receive the security context of the sending process in an...',
  }),
  PassPacketInfo: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. This controls the IP_PKTINFO, IPV6_RECVPKTINFO, NETLINK_PKTINFO or PACKET_AUXDATA socket options, which enable reception of...',
  }),
  Timestamping: scalar(P.oneOf(['off', 'us', 'usec', 'µs', 'ns', 'nsec'] as const), 'off', {
    support: 'enforced',
    doc: 'Takes one of "off", "us" (alias: "usec", "\u00b5s") or "ns" (alias: "nsec"). This controls the SO_TIMESTAMP or SO_TIMESTAMPNS socket options, and enables whether...',
  }),
  TCPCongestion: scalar(P.text, '', {
    support: 'accepted',
    doc: 'Takes a string value. Controls the TCP congestion algorithm used by this socket.',
  }),
  ReusePort: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value. If true, allows multiple bind(2)s to this TCP or UDP port.',
  }),
  MessageQueueMaxMessages: scalar(P.integer(-2147483648, 2147483647), 0, {
    support: 'accepted',
    doc: 'mq_maxmsg of a message queue created by ListenMessageQueue=.',
  }),
  MessageQueueMessageSize: scalar(P.integer(-2147483648, 2147483647), 0, {
    support: 'accepted',
    doc: 'mq_msgsize of a message queue created by ListenMessageQueue=.',
  }),
  RemoveOnStop: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If enabled, any file nodes created by this socket unit are removed when it is stopped.',
  }),
  Symlinks: list(P.prefixedPaths, {
    support: 'enforced',
    doc: 'Takes a list of file system paths. The specified paths will be created as symlinks to the AF_UNIX socket path or FIFO path of this socket unit.',
  }),
  FileDescriptorName: scalar(P.text, '', {
    support: 'enforced',
    doc: 'Assigns a name to all file descriptors this socket unit encapsulates.',
  }),
  Service: scalar(P.unitName, '', {
    support: 'enforced',
    doc: 'Specifies the service unit name to activate on incoming traffic.',
  }),
  TriggerLimitIntervalSec: scalar(P.timeSpan, 2_000_000, {
    support: 'enforced',
    doc: 'Configures a limit on how often this socket unit may be activated within a specific time interval.',
  }),
  TriggerLimitBurst: scalar(P.unsigned, 20, {
    support: 'enforced',
    doc: 'Configures a limit on how often this socket unit may be activated within a specific time interval.',
  }),
  SmackLabel: scalar(P.text, '', {
    support: 'ignored',
    doc: 'SMACK64 extended attribute of the socket or FIFO.',
  }),
  SmackLabelIPIn: scalar(P.text, '', {
    support: 'ignored',
    doc: 'SMACK64IPIN extended attribute of the socket.',
  }),
  SmackLabelIPOut: scalar(P.text, '', {
    support: 'ignored',
    doc: 'SMACK64IPOUT extended attribute of the socket.',
  }),
  SELinuxContextFromNet: scalar(P.bool, false, {
    support: 'ignored',
    doc: 'Takes a boolean argument. When true, systemd will attempt to figure out the SELinux label used for the instantiated service from the information handed by...',
  }),
  TimeoutSec: scalar(P.timeout, 90_000_000, {
    support: 'enforced',
    doc: 'A shorthand for configuring both TimeoutStartSec= and TimeoutStopSec= to the specified value.',
  }),
} satisfies Block;

export type SocketSection = ConfigOf<typeof socketSection>;
