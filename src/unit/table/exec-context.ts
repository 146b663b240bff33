import { SYSLOG_FACILITIES, SYSLOG_LEVELS } from './enums';
import * as P from './parsers';
import { alias, list, scalar, type Block, type ConfigOf } from './row';

/** The execution environment of a unit's processes (systemd.exec(5)); mixed into [Service] and [Socket]. */
export const execContext = {
  WorkingDirectory: scalar(
    P.workingDirectory,
    { kind: 'unset' },
    {
      support: 'enforced',
      doc: 'Takes a directory path relative to the service\'s root directory specified by RootDirectory=, or the special value "~". Sets the working directory for...',
    },
  ),
  RootDirectory: scalar(P.path, '', {
    support: 'enforced',
    doc: "Takes a directory path relative to the host's root directory (i.e. the root of the system running the service manager).",
  }),
  RootImage: scalar(P.path, '', {
    support: 'accepted',
    doc: 'Takes a path to a block device node or regular file as argument. This call is similar to RootDirectory= however mounts a file system hierarchy from a block...',
  }),
  RootImageOptions: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Takes a comma-separated list of mount options that will be used on disk images specified by RootImage=. Optionally a partition name can be prefixed,...',
  }),
  RootHash: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Takes a data integrity (dm-verity) root hash specified in hexadecimal, or the path to a file containing a root hash in ASCII hexadecimal format. This option...',
  }),
  RootHashSignature: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Takes a PKCS7 signature of the RootHash= option as a path to a DER-encoded signature file, or as an ASCII base64 string encoding of a DER-encoded signature...',
  }),
  RootVerity: scalar(P.path, '', {
    support: 'accepted',
    doc: 'Takes the path to a data integrity (dm-verity) file. This option enables data integrity checks using dm-verity, if RootImage= is used and a root-hash is...',
  }),
  ExtensionDirectories: list(P.words, {
    support: 'accepted',
    doc: 'This setting is similar to BindReadOnlyPaths= in that it mounts a file system hierarchy from a directory, but instead of providing a destination path, an...',
  }),
  ExtensionImages: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'This setting is similar to MountImages= in that it mounts a file system hierarchy from a block device node or loopback file, but instead of providing a...',
  }),
  MountImages: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'This setting is similar to RootImage= in that it mounts a file system hierarchy from a block device node or loopback file, but the destination directory can...',
  }),
  User: scalar(P.userOrGroup, '', {
    support: 'enforced',
    doc: 'Set the UNIX user or group that the processes are executed as, respectively.',
  }),
  Group: scalar(P.userOrGroup, '', {
    support: 'enforced',
    doc: 'Set the UNIX user or group that the processes are executed as, respectively.',
  }),
  SupplementaryGroups: list(P.words, {
    support: 'enforced',
    doc: 'Sets the supplementary Unix groups the processes are executed as.',
  }),
  Nice: scalar(P.integer(-20, 19), 0, {
    support: 'enforced',
    doc: 'Sets the default nice level (scheduling priority) for executed processes.',
  }),
  OOMScoreAdjust: scalar(P.integer(-1000, 1000), 0, {
    support: 'enforced',
    doc: "Sets the adjustment value for the Linux kernel's Out-Of-Memory (OOM) killer score for executed processes.",
  }),
  CoredumpFilter: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Controls which types of memory mappings will be saved if the process dumps core (using the /proc/pid/coredump_filter file).',
  }),
  IOSchedulingClass: scalar(
    P.oneOf(['none', 'realtime', 'best-effort', 'idle', '0', '1', '2', '3'] as const),
    'best-effort',
    { support: 'accepted', doc: 'Sets the I/O scheduling class for executed processes.' },
  ),
  IOSchedulingPriority: scalar(P.integer(0, 7), 4, {
    support: 'accepted',
    doc: 'Sets the I/O scheduling priority for executed processes.',
  }),
  CPUSchedulingPolicy: scalar(P.oneOf(['other', 'batch', 'idle', 'fifo', 'rr'] as const), 'other', {
    support: 'accepted',
    doc: 'Sets the CPU scheduling policy for executed processes.',
  }),
  CPUSchedulingPriority: scalar(P.integer(0, 99), 0, {
    support: 'accepted',
    doc: 'Sets the CPU scheduling priority for executed processes.',
  }),
  CPUSchedulingResetOnFork: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, elevated CPU scheduling priorities and policies will be reset when the executed processes call fork(2), and can hence not...',
  }),
  CPUAffinity: list(P.words, {
    support: 'accepted',
    doc: 'Controls the CPU affinity of the executed processes.',
  }),
  NUMAPolicy: scalar(P.oneOf(['default', 'preferred', 'bind', 'interleave', 'local'] as const), 'default', {
    support: 'accepted',
    doc: 'Controls the NUMA memory policy of the executed processes.',
  }),
  NUMAMask: list(P.words, {
    support: 'accepted',
    doc: 'Controls the NUMA node list which will be applied alongside with selected NUMA policy.',
  }),
  UMask: scalar(P.mode, 0o022, { support: 'enforced', doc: 'Controls the file mode creation mask.' }),
  Environment: list(P.environment, {
    support: 'enforced',
    doc: 'Sets environment variables for executed processes.',
  }),
  EnvironmentFile: list(P.optionalPath, {
    support: 'enforced',
    doc: 'Similar to Environment=, but reads the environment variables from a text file.',
  }),
  PassEnvironment: list(P.words, {
    support: 'enforced',
    doc: 'Pass environment variables set for the system service manager to executed processes.',
  }),
  UnsetEnvironment: list(P.words, {
    support: 'enforced',
    doc: 'Explicitly unset environment variable assignments that would normally be passed from the service manager to invoked processes of this unit.',
  }),
  DynamicUser: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean parameter. If set, a UNIX user and group pair is allocated dynamically when the unit is started, and released as soon as it is stopped.',
  }),
  RemoveIPC: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean parameter. If set, all System V and POSIX IPC objects owned by the user and group the processes of this unit are run as are removed when the...',
  }),
  StandardInput: scalar(
    P.standardInput,
    { kind: 'null' },
    {
      support: 'enforced',
      doc: 'Controls where file descriptor 0 (STDIN) of the executed processes is connected to.',
    },
  ),
  StandardOutput: scalar(
    P.standardOutput,
    { kind: 'journal' },
    {
      support: 'enforced',
      doc: 'Controls where file descriptor 1 (stdout) of the executed processes is connected to.',
    },
  ),
  StandardError: scalar(
    P.standardOutput,
    { kind: 'inherit' },
    {
      support: 'enforced',
      doc: 'Controls where file descriptor 2 (stderr) of the executed processes is connected to.',
    },
  ),
  StandardInputText: list(P.asWrittenList, {
    support: 'enforced',
    doc: 'Configures arbitrary textual or binary data to pass via file descriptor 0 (STDIN) to the executed processes.',
  }),
  StandardInputData: list(P.asWrittenList, {
    support: 'enforced',
    doc: 'Configures arbitrary textual or binary data to pass via file descriptor 0 (STDIN) to the executed processes.',
  }),
  TTYPath: scalar(P.path, '/dev/console', {
    support: 'accepted',
    doc: 'Sets the terminal device node to use if standard input, output, or error are connected to a TTY (see above).',
  }),
  TTYReset: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Reset the terminal device specified with TTYPath= before and after execution.',
  }),
  TTYVHangup: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Disconnect all clients which have opened the terminal device specified with TTYPath= before and after execution.',
  }),
  TTYVTDisallocate: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'If the terminal device specified with TTYPath= is a virtual console terminal, try to deallocate the TTY before and after execution.',
  }),
  TTYRows: scalar(P.unsigned, 0, {
    support: 'accepted',
    doc: 'Configure the size of the TTY specified with TTYPath=. If unset or set to the empty string, the kernel default is used.',
  }),
  TTYColumns: scalar(P.unsigned, 0, {
    support: 'accepted',
    doc: 'Configure the size of the TTY specified with TTYPath=. If unset or set to the empty string, the kernel default is used.',
  }),
  SyslogIdentifier: scalar(P.text, '', {
    support: 'enforced',
    doc: 'Sets the process name ("syslog tag") to prefix log lines sent to the logging system or the kernel log buffer with.',
  }),
  SyslogFacility: scalar(P.oneOf(SYSLOG_FACILITIES), 'daemon', {
    support: 'enforced',
    doc: 'Sets the syslog facility identifier to use when logging.',
  }),
  SyslogLevel: scalar(P.oneOf(SYSLOG_LEVELS), 'info', {
    support: 'enforced',
    doc: 'The default syslog log level to use when logging to the logging system or the kernel log buffer.',
  }),
  SyslogLevelPrefix: scalar(P.bool, true, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true and StandardOutput= or StandardError= are set to journal or kmsg (or to the same settings in combination with +console),...',
  }),
  LogLevelMax: scalar(P.oneOf(SYSLOG_LEVELS), 'debug', {
    support: 'enforced',
    doc: 'Configures filtering by log level of log messages generated by this unit.',
  }),
  LogRateLimitIntervalSec: scalar(P.timeSpan, 0, {
    support: 'accepted',
    doc: 'Configures the rate limiting that is applied to messages generated by this unit.',
  }),
  LogRateLimitBurst: scalar(P.unsigned, 0, {
    support: 'accepted',
    doc: 'Configures the rate limiting that is applied to messages generated by this unit.',
  }),
  LogExtraFields: list(P.words, {
    support: 'enforced',
    doc: 'Configures additional log metadata fields to include in all log records generated by processes associated with this unit.',
  }),
  SecureBits: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Controls the secure bits set for the executed process.',
  }),
  CapabilityBoundingSet: list(P.capabilityLine, {
    support: 'enforced',
    emptyIsValue: true,
    doc: 'Controls which capabilities to include in the capability bounding set for the executed process.',
  }),
  AmbientCapabilities: list(P.capabilityLine, {
    support: 'enforced',
    emptyIsValue: true,
    doc: 'Controls which capabilities to include in the ambient capability set for the executed process.',
  }),
  TimerSlackNSec: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: 'Sets the timer slack in nanoseconds for the executed processes.',
  }),
  NoNewPrivileges: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, ensures that the service process and all its children can never gain new privileges through execve() (e.g.',
  }),
  KeyringMode: scalar(P.oneOf(['inherit', 'private', 'shared'] as const), 'private', {
    support: 'accepted',
    doc: 'Controls how the kernel session keyring is set up for the service (see session-keyring(7) for details on the session keyring).',
  }),
  ProtectProc: scalar(P.oneOf(['noaccess', 'invisible', 'ptraceable', 'default'] as const), 'default', {
    support: 'accepted',
    doc: 'Takes one of "noaccess", "invisible", "ptraceable" or "default" (which it defaults to). When set, this controls the "hidepid=" mount option of the "procfs"...',
  }),
  ProcSubset: scalar(P.oneOf(['all', 'pid'] as const), 'all', {
    support: 'accepted',
    doc: 'Takes one of "all" (the default) and "pid". If "pid", all files and directories not directly associated with process management and introspection are made...',
  }),
  SystemCallFilter: list(P.tokens, {
    support: 'accepted',
    doc: 'Takes a space-separated list of system call names. If this setting is used, all system calls executed by the unit processes except for the listed ones will...',
  }),
  SystemCallArchitectures: list(P.tokens, {
    support: 'accepted',
    doc: 'Takes a space-separated list of architecture identifiers to include in the system call filter. The known architecture identifiers are the same as for...',
  }),
  SystemCallErrorNumber: scalar(P.word, '', {
    support: 'accepted',
    doc: 'Takes an "errno" error number (between 1 and 4095) or errno name such as EPERM, EACCES or EUCLEAN, to return when the system call filter configured with...',
  }),
  SystemCallLog: list(P.tokens, {
    support: 'accepted',
    doc: 'Takes a space-separated list of system call names. If this setting is used, all system calls executed by the unit processes for the listed ones will be logged.',
  }),
  MemoryDenyWriteExecute: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If set, attempts to create memory mappings that are writable and executable at the same time, or to change existing memory...',
  }),
  RestrictNamespaces: list(P.tokens, {
    support: 'accepted',
    doc: 'Restricts access to Linux namespace functionality for the processes of this unit.',
  }),
  RestrictRealtime: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If set, any attempts to enable realtime scheduling in a process of the unit are refused.',
  }),
  RestrictSUIDSGID: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If set, any attempts to set the set-user-ID (SUID) or set-group-ID (SGID) bits on files or directories will be denied (for details...',
  }),
  RestrictAddressFamilies: list(P.tokens, {
    support: 'accepted',
    doc: 'Restricts the set of socket address families accessible to the processes of this unit.',
  }),
  LockPersonality: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If set, locks down the personality(2) system call so that the kernel execution domain may not be changed from the default or the...',
  }),
  RestrictFileSystems: list(P.tokens, {
    support: 'accepted',
    doc: 'Restricts the set of filesystems processes of this unit can open files on.',
  }),
  LimitCPU: scalar(P.rlimit('time'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_CPU (CPU time in seconds) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitFSIZE: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_FSIZE (file size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitDATA: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_DATA (data segment size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitSTACK: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_STACK (stack size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitCORE: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_CORE (core file size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitRSS: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_RSS (resident set size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitNOFILE: scalar(P.rlimit('count'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_NOFILE (number of open files) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitAS: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_AS (address space size) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitNPROC: scalar(P.rlimit('count'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_NPROC (number of processes) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitMEMLOCK: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_MEMLOCK (locked memory) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitLOCKS: scalar(P.rlimit('count'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_LOCKS (file locks) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitSIGPENDING: scalar(P.rlimit('count'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_SIGPENDING (queued signals) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitMSGQUEUE: scalar(P.rlimit('bytes'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_MSGQUEUE (POSIX message queue bytes) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitNICE: scalar(P.rlimit('nice'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_NICE (nice ceiling) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitRTPRIO: scalar(P.rlimit('count'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_RTPRIO (real-time priority) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  LimitRTTIME: scalar(P.rlimit('usec'), null, {
    support: 'enforced',
    doc: 'Soft and hard RLIMIT_RTTIME (real-time CPU time in microseconds) of executed processes, as setrlimit(2); soft:hard or one value for both.',
  }),
  ReadWriteDirectories: alias(
    'ReadWritePaths',
    list(P.prefixedPaths, { support: 'enforced', doc: 'See systemd ReadWriteDirectories=.' }),
  ),
  ReadOnlyDirectories: alias(
    'ReadOnlyPaths',
    list(P.prefixedPaths, { support: 'enforced', doc: 'See systemd ReadOnlyDirectories=.' }),
  ),
  InaccessibleDirectories: alias(
    'InaccessiblePaths',
    list(P.prefixedPaths, { support: 'enforced', doc: 'See systemd InaccessibleDirectories=.' }),
  ),
  ReadWritePaths: list(P.prefixedPaths, {
    support: 'enforced',
    doc: "Paths that stay writable in the unit's mount namespace when the rest is made read-only.",
  }),
  ReadOnlyPaths: list(P.prefixedPaths, {
    support: 'enforced',
    doc: "Paths made read-only in the unit's mount namespace.",
  }),
  InaccessiblePaths: list(P.prefixedPaths, {
    support: 'enforced',
    doc: "Paths made inaccessible in the unit's mount namespace.",
  }),
  ExecPaths: list(P.prefixedPaths, {
    support: 'accepted',
    doc: 'Paths where execution is allowed when NoExecPaths= forbids it elsewhere.',
  }),
  NoExecPaths: list(P.prefixedPaths, {
    support: 'accepted',
    doc: "Paths mounted noexec in the unit's mount namespace.",
  }),
  ExecSearchPath: list(P.prefixedPaths, {
    support: 'accepted',
    doc: 'Takes a colon separated list of absolute paths relative to which the executable used by the Exec*= (e.g. ExecStart=, ExecStop=, etc.) properties can be found.',
  }),
  BindPaths: list(P.words, { support: 'accepted', doc: 'Configures unit-specific bind mounts.' }),
  BindReadOnlyPaths: list(P.words, { support: 'accepted', doc: 'Configures unit-specific bind mounts.' }),
  TemporaryFileSystem: list(P.words, {
    support: 'accepted',
    doc: 'Takes a space-separated list of mount points for temporary file systems (tmpfs). If set, a new file system namespace is set up for executed processes, and a...',
  }),
  PrivateTmp: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, sets up a new file system namespace for the executed processes and mounts private /tmp/ and /var/tmp/ directories inside...',
  }),
  PrivateDevices: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, sets up a new /dev/ mount for the executed processes and only adds API pseudo devices such as /dev/null, /dev/zero or...',
  }),
  ProtectKernelTunables: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, kernel variables accessible through /proc/sys/, /sys/, /proc/sysrq-trigger, /proc/latency_stats, /proc/acpi,...',
  }),
  ProtectKernelModules: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, explicit module loading will be denied.',
  }),
  ProtectKernelLogs: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, access to the kernel log ring buffer will be denied.',
  }),
  ProtectClock: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If set, writes to the hardware clock or system clock will be denied.',
  }),
  ProtectControlGroups: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, the Linux Control Groups (cgroups(7)) hierarchies accessible through /sys/fs/cgroup/ will be made read-only to all...',
  }),
  NetworkNamespacePath: scalar(P.path, '', {
    support: 'accepted',
    doc: 'Takes an absolute file system path refererring to a Linux network namespace pseudo-file (i.e. a file like /proc/$PID/ns/net or a bind mount or symlink to one).',
  }),
  IPCNamespacePath: scalar(P.path, '', {
    support: 'accepted',
    doc: 'Takes an absolute file system path refererring to a Linux IPC namespace pseudo-file (i.e. a file like /proc/$PID/ns/ipc or a bind mount or symlink to one).',
  }),
  LogNamespace: scalar(P.asWritten, '', {
    support: 'accepted',
    doc: "Run the unit's processes in the specified journal namespace.",
  }),
  PrivateNetwork: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, sets up a new network namespace for the executed processes and configures only the loopback network device "lo" inside it.',
  }),
  PrivateUsers: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, sets up a new user namespace for the executed processes and configures a minimal user and group mapping, that maps the...',
  }),
  PrivateMounts: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean parameter. If set, the processes of this unit will be run in their own private file system (mount) namespace with all mount propagation from...',
  }),
  PrivateIPC: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, sets up a new IPC namespace for the executed processes.',
  }),
  ProtectSystem: scalar(P.boolOr(['no', 'yes', 'full', 'strict'] as const, 'yes', 'no'), 'no', {
    support: 'enforced',
    doc: 'Takes a boolean argument or the special values "full" or "strict". If true, mounts the /usr/ and the boot loader directories (/boot and /efi) read-only for...',
  }),
  ProtectHome: scalar(P.boolOr(['no', 'yes', 'read-only', 'tmpfs'] as const, 'yes', 'no'), 'no', {
    support: 'enforced',
    doc: 'Takes a boolean argument or the special values "read-only" or "tmpfs". If true, the directories /home/, /root, and /run/user are made inaccessible and empty...',
  }),
  MountFlags: scalar(P.oneOf(['shared', 'slave', 'private'] as const), 'shared', {
    support: 'accepted',
    doc: 'Takes a mount propagation setting: shared, slave or private, which controls whether file system mount points in the file system namespaces set up for this...',
  }),
  MountAPIVFS: scalar(P.bool, false, {
    support: 'accepted',
    doc: "Takes a boolean argument. If on, a private mount namespace for the unit's processes is created and the API file systems /proc/, /sys/, /dev/ and /run/ (as...",
  }),
  Personality: scalar(P.word, '', {
    support: 'accepted',
    doc: 'Controls which kernel architecture uname(2) shall report, when invoked by unit processes.',
  }),
  RuntimeDirectoryPreserve: scalar(P.boolOr(['no', 'yes', 'restart'] as const, 'yes', 'no'), 'no', {
    support: 'enforced',
    doc: 'Takes a boolean argument or restart. If set to no (the default), the directories specified in RuntimeDirectory= are always removed when the service stops.',
  }),
  RuntimeDirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'Access mode of the directories of RuntimeDirectory=.',
  }),
  RuntimeDirectory: list(P.words, {
    support: 'enforced',
    doc: "Directories below /run created (and owned by the unit's user) when the unit starts.",
  }),
  StateDirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'Access mode of the directories of StateDirectory=.',
  }),
  StateDirectory: list(P.words, {
    support: 'enforced',
    doc: "Directories below /var/lib created (and owned by the unit's user) when the unit starts.",
  }),
  CacheDirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'Access mode of the directories of CacheDirectory=.',
  }),
  CacheDirectory: list(P.words, {
    support: 'enforced',
    doc: "Directories below /var/cache created (and owned by the unit's user) when the unit starts.",
  }),
  LogsDirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'Access mode of the directories of LogsDirectory=.',
  }),
  LogsDirectory: list(P.words, {
    support: 'enforced',
    doc: "Directories below /var/log created (and owned by the unit's user) when the unit starts.",
  }),
  ConfigurationDirectoryMode: scalar(P.mode, 0o755, {
    support: 'enforced',
    doc: 'Access mode of the directories of ConfigurationDirectory=.',
  }),
  ConfigurationDirectory: list(P.words, {
    support: 'enforced',
    doc: "Directories below /etc created (and owned by the unit's user) when the unit starts.",
  }),
  SetCredential: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'The SetCredential= setting is similar to LoadCredential= but accepts a literal value to use as data for the credential, instead of a file system path to...',
  }),
  SetCredentialEncrypted: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'The SetCredential= setting is similar to LoadCredential= but accepts a literal value to use as data for the credential, instead of a file system path to...',
  }),
  LoadCredential: list(P.asWrittenList, { support: 'accepted', doc: 'Pass a credential to the unit.' }),
  LoadCredentialEncrypted: list(P.asWrittenList, {
    support: 'accepted',
    doc: 'Pass a credential to the unit.',
  }),
  TimeoutCleanSec: scalar(P.timeSpan, Infinity, {
    support: 'accepted',
    doc: 'Configures a timeout on the clean-up operation requested through systemctl clean ..., see systemctl(1) for details.',
  }),
  PAMName: scalar(P.text, '', {
    support: 'accepted',
    doc: 'Sets the PAM service name to set up a session as.',
  }),
  IgnoreSIGPIPE: scalar(P.bool, true, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, SIGPIPE is ignored in the executed process.',
  }),
  UtmpIdentifier: scalar(P.text, '', {
    support: 'accepted',
    doc: 'Takes a four character identifier string for an utmp(5) and wtmp entry for this service. This should only be set for services such as getty implementations...',
  }),
  UtmpMode: scalar(P.oneOf(['init', 'login', 'user'] as const), 'init', {
    support: 'accepted',
    doc: 'Takes one of "init", "login" or "user". If UtmpIdentifier= is set, controls which type of utmp(5)/wtmp entries for this service are generated.',
  }),
  SELinuxContext: scalar(P.asWritten, '', {
    support: 'ignored',
    doc: 'Set the SELinux security context of the executed process.',
  }),
  AppArmorProfile: scalar(P.asWritten, '', {
    support: 'ignored',
    doc: 'Takes a profile name as argument. The process executed by the unit will switch to this profile when started.',
  }),
  SmackProcessLabel: scalar(P.asWritten, '', {
    support: 'ignored',
    doc: 'Takes a SMACK64 security label as argument. The process executed by the unit will be started under this label and SMACK will decide whether the process is...',
  }),
  ProtectHostname: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. When set, sets up a new UTS namespace for the executed processes.',
  }),
} satisfies Block;

export type ExecContext = ConfigOf<typeof execContext>;
