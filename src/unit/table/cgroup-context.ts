import * as P from './parsers';
import { list, scalar, type Block, type ConfigOf } from './row';

/** Resource control (systemd.resource-control(5)); mixed into [Service], [Socket] and others. */
export const cgroupContext = {
  Slice: scalar(P.unitName, '', {
    support: 'accepted',
    doc: 'The name of the slice unit to place the unit in.',
  }),
  AllowedCPUs: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'This setting controls the cpuset controller in the unified hierarchy.',
  }),
  StartupAllowedCPUs: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'This setting controls the cpuset controller in the unified hierarchy.',
  }),
  AllowedMemoryNodes: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'These settings control the cpuset controller in the unified hierarchy.',
  }),
  StartupAllowedMemoryNodes: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'These settings control the cpuset controller in the unified hierarchy.',
  }),
  CPUAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Turn on CPU usage accounting for this unit.',
  }),
  CPUWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'These settings control the cpu controller in the unified hierarchy.',
  }),
  StartupCPUWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'These settings control the cpu controller in the unified hierarchy.',
  }),
  CPUShares: scalar(P.integer(2, 262144), 0, { support: 'accepted', doc: 'See systemd CPUShares=.' }),
  StartupCPUShares: scalar(P.integer(2, 262144), 0, {
    support: 'accepted',
    doc: 'See systemd StartupCPUShares=.',
  }),
  CPUQuota: scalar(P.percent, 0, {
    support: 'accepted',
    doc: 'This setting controls the cpu controller in the unified hierarchy.',
  }),
  CPUQuotaPeriodSec: scalar(P.timeSpan, 0, {
    support: 'accepted',
    doc: 'This setting controls the cpu controller in the unified hierarchy.',
  }),
  MemoryAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'This setting controls the memory controller in the unified hierarchy.',
  }),
  MemoryMin: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'These settings control the memory controller in the unified hierarchy.' },
  ),
  DefaultMemoryMin: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'See systemd DefaultMemoryMin=.' },
  ),
  DefaultMemoryLow: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'See systemd DefaultMemoryLow=.' },
  ),
  MemoryLow: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'These settings control the memory controller in the unified hierarchy.' },
  ),
  MemoryHigh: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'These settings control the memory controller in the unified hierarchy.' },
  ),
  MemoryMax: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'These settings control the memory controller in the unified hierarchy.' },
  ),
  MemorySwapMax: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'These settings control the memory controller in the unified hierarchy.' },
  ),
  MemoryLimit: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'See systemd MemoryLimit=.' },
  ),
  DeviceAllow: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Control access to specific device nodes by the executed processes.',
  }),
  DevicePolicy: scalar(P.oneOf(['auto', 'closed', 'strict'] as const), 'auto', {
    support: 'accepted',
    doc: 'Control the policy for allowing device access:.',
  }),
  IOAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'This setting controls the io controller in the unified hierarchy.',
  }),
  IOWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'These settings control the io controller in the unified hierarchy.',
  }),
  StartupIOWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'These settings control the io controller in the unified hierarchy.',
  }),
  IODeviceWeight: scalar(P.asWritten, '', { support: 'accepted', doc: 'See systemd IODeviceWeight=.' }),
  IOReadBandwidthMax: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd IOReadBandwidthMax=.',
  }),
  IOWriteBandwidthMax: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd IOWriteBandwidthMax=.',
  }),
  IOReadIOPSMax: scalar(P.asWritten, '', { support: 'accepted', doc: 'See systemd IOReadIOPSMax=.' }),
  IOWriteIOPSMax: scalar(P.asWritten, '', { support: 'accepted', doc: 'See systemd IOWriteIOPSMax=.' }),
  IODeviceLatencyTargetSec: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd IODeviceLatencyTargetSec=.',
  }),
  BlockIOAccounting: scalar(P.bool, false, { support: 'accepted', doc: 'See systemd BlockIOAccounting=.' }),
  BlockIOWeight: scalar(P.integer(10, 1000), 0, { support: 'accepted', doc: 'See systemd BlockIOWeight=.' }),
  StartupBlockIOWeight: scalar(P.integer(10, 1000), 0, {
    support: 'accepted',
    doc: 'See systemd StartupBlockIOWeight=.',
  }),
  BlockIODeviceWeight: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd BlockIODeviceWeight=.',
  }),
  BlockIOReadBandwidth: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd BlockIOReadBandwidth=.',
  }),
  BlockIOWriteBandwidth: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'See systemd BlockIOWriteBandwidth=.',
  }),
  TasksAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'This setting controls the pids controller in the unified hierarchy.',
  }),
  TasksMax: scalar(
    P.tasksMax,
    { kind: 'unset' },
    { support: 'accepted', doc: 'This setting controls the pids controller in the unified hierarchy.' },
  ),
  Delegate: list(P.delegate, {
    support: 'accepted',
    doc: 'Turns on delegation of further resource control partitioning to processes of the unit.',
  }),
  DisableControllers: list(P.words, {
    support: 'accepted',
    doc: "Disables controllers from being enabled for a unit's children.",
  }),
  IPAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, turns on IPv4 and IPv6 network traffic accounting for packets sent or received by the unit.',
  }),
  IPAddressAllow: list(P.words, {
    support: 'accepted',
    doc: 'Turn on network traffic filtering for IP packets sent and received over AF_INET and AF_INET6 sockets.',
  }),
  IPAddressDeny: list(P.words, {
    support: 'accepted',
    doc: 'Turn on network traffic filtering for IP packets sent and received over AF_INET and AF_INET6 sockets.',
  }),
  IPIngressFilterPath: scalar(P.asWritten, '', {
    support: 'ignored',
    doc: 'Add custom network traffic filters implemented as BPF programs, applying to all IP packets sent and received over AF_INET and AF_INET6 sockets.',
  }),
  IPEgressFilterPath: scalar(P.asWritten, '', {
    support: 'ignored',
    doc: 'Add custom network traffic filters implemented as BPF programs, applying to all IP packets sent and received over AF_INET and AF_INET6 sockets.',
  }),
  ManagedOOMSwap: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: "Specifies how systemd-oomd.service(8) will act on this unit's cgroups.",
  }),
  ManagedOOMMemoryPressure: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: "Specifies how systemd-oomd.service(8) will act on this unit's cgroups.",
  }),
  ManagedOOMMemoryPressureLimit: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Overrides the default memory pressure limit set by oomd.conf(5) for this unit (cgroup).',
  }),
  ManagedOOMPreference: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: "Allows deprioritizing or omitting this unit's cgroup as a candidate when systemd-oomd needs to act.",
  }),
  BPFProgram: scalar(P.asWritten, '', { support: 'ignored', doc: 'Add a custom cgroup BPF program.' }),
  SocketBindAllow: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Configures restrictions on the ability of unit processes to invoke bind(2) on a socket.',
  }),
  SocketBindDeny: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Configures restrictions on the ability of unit processes to invoke bind(2) on a socket.',
  }),
  RestrictNetworkInterfaces: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Takes a list of space-separated network interface names. This option restricts the network interfaces that processes of this unit can use.',
  }),
} satisfies Block;

export type CGroupContext = ConfigOf<typeof cgroupContext>;
