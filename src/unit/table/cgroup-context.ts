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
    doc: 'CPUs the unit may run on (cpuset.cpus).',
  }),
  StartupAllowedCPUs: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'AllowedCPUs= while the system is starting up or shutting down.',
  }),
  AllowedMemoryNodes: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'NUMA nodes the unit may allocate from (cpuset.mems).',
  }),
  StartupAllowedMemoryNodes: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'AllowedMemoryNodes= while the system is starting up or shutting down.',
  }),
  CPUAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Turn on CPU usage accounting for this unit.',
  }),
  CPUWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: "The cgroup's cpu.weight (1-10000, or idle).",
  }),
  StartupCPUWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'cpu.weight while the system is starting up or shutting down.',
  }),
  CPUShares: scalar(P.integer(2, 262144), 0, { support: 'accepted', doc: 'See systemd CPUShares=.' }),
  StartupCPUShares: scalar(P.integer(2, 262144), 0, {
    support: 'accepted',
    doc: 'See systemd StartupCPUShares=.',
  }),
  CPUQuota: scalar(P.percent, 0, {
    support: 'accepted',
    doc: 'CPU time the unit may use, as a percentage of one CPU (cpu.max).',
  }),
  CPUQuotaPeriodSec: scalar(P.timeSpan, 0, {
    support: 'accepted',
    doc: 'The period CPUQuota= is measured over.',
  }),
  MemoryAccounting: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'This setting controls the memory controller in the unified hierarchy.',
  }),
  MemoryMin: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    {
      support: 'accepted',
      doc: "The cgroup's memory.min: bytes, a percentage of physical memory, or infinity.",
    },
  ),
  DefaultMemoryMin: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'Default memory.min for the children of this unit.' },
  ),
  DefaultMemoryLow: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'Default memory.low for the children of this unit.' },
  ),
  MemoryLow: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    {
      support: 'accepted',
      doc: "The cgroup's memory.low: bytes, a percentage of physical memory, or infinity.",
    },
  ),
  MemoryHigh: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    {
      support: 'accepted',
      doc: "The cgroup's memory.high: bytes, a percentage of physical memory, or infinity.",
    },
  ),
  MemoryMax: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    {
      support: 'accepted',
      doc: "The cgroup's memory.max: bytes, a percentage of physical memory, or infinity.",
    },
  ),
  MemorySwapMax: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    {
      support: 'accepted',
      doc: "The cgroup's memory.swap.max: bytes, a percentage of physical memory, or infinity.",
    },
  ),
  MemoryLimit: scalar(
    P.byteLimit,
    { kind: 'infinity' },
    { support: 'accepted', doc: 'Obsolete cgroup v1 spelling of MemoryMax=.' },
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
    doc: "The cgroup's io.weight (1-10000).",
  }),
  StartupIOWeight: scalar(P.weight, 0, {
    support: 'accepted',
    doc: 'io.weight while the system is starting up or shutting down.',
  }),
  IODeviceWeight: list(P.asWrittenList, { support: 'accepted', doc: 'See systemd IODeviceWeight=.' }),
  IOReadBandwidthMax: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'See systemd IOReadBandwidthMax=.',
  }),
  IOWriteBandwidthMax: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'See systemd IOWriteBandwidthMax=.',
  }),
  IOReadIOPSMax: list(P.asWrittenList, { support: 'accepted', doc: 'See systemd IOReadIOPSMax=.' }),
  IOWriteIOPSMax: list(P.asWrittenList, { support: 'accepted', doc: 'See systemd IOWriteIOPSMax=.' }),
  IODeviceLatencyTargetSec: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'See systemd IODeviceLatencyTargetSec=.',
  }),
  BlockIOAccounting: scalar(P.bool, false, { support: 'accepted', doc: 'See systemd BlockIOAccounting=.' }),
  BlockIOWeight: scalar(P.integer(10, 1000), 0, { support: 'accepted', doc: 'See systemd BlockIOWeight=.' }),
  StartupBlockIOWeight: scalar(P.integer(10, 1000), 0, {
    support: 'accepted',
    doc: 'See systemd StartupBlockIOWeight=.',
  }),
  BlockIODeviceWeight: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'See systemd BlockIODeviceWeight=.',
  }),
  BlockIOReadBandwidth: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'See systemd BlockIOReadBandwidth=.',
  }),
  BlockIOWriteBandwidth: list(P.asWrittenList, {
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
    doc: 'IP address prefixes the unit may talk to (with IPAddressDeny=).',
  }),
  IPAddressDeny: list(P.words, {
    support: 'accepted',
    doc: 'IP address prefixes the unit may not talk to.',
  }),
  IPIngressFilterPath: list(P.asWrittenList, {
    support: 'ignored',
    doc: "BPF programs filtering the unit's incoming IP packets.",
  }),
  IPEgressFilterPath: list(P.asWrittenList, {
    support: 'ignored',
    doc: "BPF programs filtering the unit's outgoing IP packets.",
  }),
  ManagedOOMSwap: scalar(P.oneOf(['auto', 'kill'] as const), 'auto', {
    support: 'accepted',
    doc: "Specifies how systemd-oomd.service(8) will act on this unit's cgroups.",
  }),
  ManagedOOMMemoryPressure: scalar(P.oneOf(['auto', 'kill'] as const), 'auto', {
    support: 'accepted',
    doc: "Specifies how systemd-oomd.service(8) will act on this unit's cgroups.",
  }),
  ManagedOOMMemoryPressureLimit: scalar(P.percent, 0, {
    support: 'accepted',
    doc: 'Overrides the default memory pressure limit set by oomd.conf(5) for this unit (cgroup).',
  }),
  ManagedOOMPreference: scalar(P.oneOf(['none', 'avoid', 'omit'] as const), 'none', {
    support: 'accepted',
    doc: "Allows deprioritizing or omitting this unit's cgroup as a candidate when systemd-oomd needs to act.",
  }),
  BPFProgram: list(P.asWrittenList, { support: 'ignored', doc: 'Add a custom cgroup BPF program.' }),
  SocketBindAllow: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Configures restrictions on the ability of unit processes to invoke bind(2) on a socket.',
  }),
  SocketBindDeny: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Configures restrictions on the ability of unit processes to invoke bind(2) on a socket.',
  }),
  RestrictNetworkInterfaces: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Takes a list of space-separated network interface names. This option restricts the network interfaces that processes of this unit can use.',
  }),
} satisfies Block;

export type CGroupContext = ConfigOf<typeof cgroupContext>;
