import { EMERGENCY_ACTIONS, TIMEOUT_MODES } from './enums';
import * as P from './parsers';
import { into, list, scalar, type Block, type ConfigOf } from './row';

/** [Service]'s own settings (systemd.service(5)); exec, kill and cgroup settings come from their contexts. */
export const serviceSection = {
  PIDFile: scalar(P.pidFile, '', {
    support: 'enforced',
    doc: 'Takes a path referring to the PID file of the service. Usage of this option is recommended for services where Type= is set to forking.',
  }),
  ExecCondition: list(P.execCommands, {
    support: 'enforced',
    doc: 'Optional commands that are executed before the commands in ExecStartPre=. Syntax is the same as for ExecStart=. Multiple command lines are allowed,...',
  }),
  ExecStartPre: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run before ExecStart=; a failing one (without -) fails the start.',
  }),
  ExecStart: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands with their arguments that are executed when this service is started.',
  }),
  ExecStartPost: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands run after ExecStart= has started (or, for Type=notify, signalled readiness).',
  }),
  ExecReload: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands to execute to trigger a configuration reload in the service.',
  }),
  ExecStop: list(P.execCommands, {
    support: 'enforced',
    doc: 'Commands to execute to stop the service started via ExecStart=. This argument takes multiple command lines, following the same scheme as described for...',
  }),
  ExecStopPost: list(P.execCommands, {
    support: 'enforced',
    doc: 'Additional commands that are executed after the service is stopped.',
  }),
  RestartSec: scalar(P.timeSpan, 100_000, {
    support: 'enforced',
    doc: 'Configures the time to sleep before restarting a service (as configured with Restart=).',
  }),
  TimeoutStartSec: scalar(P.timeout, 90_000_000, {
    support: 'enforced',
    doc: 'Configures the time to wait for start-up.',
  }),
  TimeoutStopSec: scalar(P.timeout, 90_000_000, {
    support: 'enforced',
    doc: 'Time to wait for each ExecStop= command and for the service to stop after SIGTERM before SIGKILL.',
  }),
  TimeoutAbortSec: scalar(P.timeout, 90_000_000, {
    support: 'accepted',
    doc: 'This option configures the time to wait for the service to terminate when it was aborted due to a watchdog timeout (see WatchdogSec=).',
  }),
  TimeoutStartFailureMode: scalar(P.oneOf(TIMEOUT_MODES), 'terminate', {
    support: 'accepted',
    doc: 'What to do when start-up times out: terminate, abort or kill.',
  }),
  TimeoutStopFailureMode: scalar(P.oneOf(TIMEOUT_MODES), 'terminate', {
    support: 'accepted',
    doc: 'What to do when stopping times out: terminate, abort or kill.',
  }),
  RuntimeMaxSec: scalar(P.timeSpan, Infinity, {
    support: 'accepted',
    doc: 'Configures a maximum time for the service to run.',
  }),
  RuntimeRandomizedExtraSec: scalar(P.timeSpan, 0, {
    support: 'accepted',
    doc: 'This option modifies RuntimeMaxSec= by increasing the maximum runtime by an evenly distributed duration between 0 and the specified value (in seconds).',
  }),
  WatchdogSec: scalar(P.timeSpan, 0, {
    support: 'enforced',
    doc: 'Configures the watchdog timeout for a service.',
  }),
  StartLimitInterval: into(
    'Unit.StartLimitIntervalSec',
    scalar(P.timeSpan, 10_000_000, { support: 'enforced', doc: 'See systemd StartLimitInterval=.' }),
  ),
  StartLimitBurst: into(
    'Unit.StartLimitBurst',
    scalar(P.unsigned, 5, { support: 'enforced', doc: 'Configure unit start rate limiting.' }),
  ),
  StartLimitAction: into(
    'Unit.StartLimitAction',
    scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
      support: 'accepted',
      doc: 'Configure an additional action to take if the rate limit configured with StartLimitIntervalSec= and StartLimitBurst= is hit.',
    }),
  ),
  FailureAction: into(
    'Unit.FailureAction',
    scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
      support: 'accepted',
      doc: 'Configure the action to take when the unit stops and enters a failed state or inactive state.',
    }),
  ),
  RebootArgument: into(
    'Unit.RebootArgument',
    scalar(P.text, '', {
      support: 'accepted',
      doc: 'Configure the optional argument for the reboot(2) system call if StartLimitAction= or FailureAction= is a reboot action.',
    }),
  ),
  Type: scalar(
    P.oneOf(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'] as const),
    'simple',
    { support: 'enforced', doc: 'Configures the process start-up type for this service unit.' },
  ),
  ExitType: scalar(P.oneOf(['main', 'cgroup'] as const), 'main', {
    support: 'accepted',
    doc: 'Specifies when the manager should consider the service to be finished.',
  }),
  Restart: scalar(
    P.oneOf(['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'] as const),
    'no',
    {
      support: 'enforced',
      doc: 'Configures whether the service shall be restarted when the service process exits, is killed, or a timeout is reached.',
    },
  ),
  PermissionsStartOnly: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'See systemd PermissionsStartOnly=.',
  }),
  RootDirectoryStartOnly: scalar(P.bool, false, {
    support: 'accepted',
    doc: 'Takes a boolean argument. If true, the root directory, as configured with the RootDirectory= option (see systemd.exec(5) for more information), is only...',
  }),
  RemainAfterExit: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean value that specifies whether the service shall be considered active even when all its processes exited. Defaults to no.',
  }),
  GuessMainPID: scalar(P.bool, true, {
    support: 'enforced',
    doc: 'Takes a boolean value that specifies whether systemd should try to guess the main PID of a service if it cannot be determined reliably. This option is...',
  }),
  RestartPreventExitStatus: list(P.exitStatusSet, {
    support: 'enforced',
    doc: 'Takes a list of exit status definitions that, when returned by the main service process, will prevent automatic service restarts, regardless of the restart...',
  }),
  RestartForceExitStatus: list(P.exitStatusSet, {
    support: 'enforced',
    doc: 'Takes a list of exit status definitions that, when returned by the main service process, will force automatic service restarts, regardless of the restart...',
  }),
  SuccessExitStatus: list(P.exitStatusSet, {
    support: 'enforced',
    doc: 'Takes a list of exit status definitions that, when returned by the main service process, will be considered successful termination, in addition to the...',
  }),
  NonBlocking: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Set the O_NONBLOCK flag for all file descriptors passed via socket-based activation.',
  }),
  BusName: scalar(P.word, '', {
    support: 'accepted',
    doc: 'Takes a D-Bus destination name that this service shall use. This option is mandatory for services where Type= is set to dbus.',
  }),
  FileDescriptorStoreMax: scalar(P.unsigned, 0, {
    support: 'enforced',
    doc: 'Configure how many file descriptors may be stored in the service manager for the service using sd_pid_notify_with_fds(3)\'s "FDSTORE=1" messages.',
  }),
  // systemd 253 (after 252, whose man pages are on this machine): read because unit files written for newer
  // systemd carry it and the sockets issue names it.
  FileDescriptorStorePreserve: scalar(P.oneOf(['no', 'yes', 'restart'] as const), 'restart', {
    support: 'enforced',
    doc: 'When the fd store is released: no, when the service stops; restart (default), once it is down with no start or restart pending; yes, only when rsd exits. systemd 253.',
  }),
  ReloadSignal: scalar(P.signal, 1, {
    support: 'enforced',
    doc: 'The signal Type=notify-reload sends to the main process to ask for a reload (default SIGHUP). systemd 253.',
  }),
  NotifyAccess: scalar(P.oneOf(['none', 'main', 'exec', 'all'] as const), 'none', {
    support: 'enforced',
    doc: 'Controls access to the service status notification socket, as accessible via the sd_notify(3) call.',
  }),
  Sockets: list(P.unitNames, {
    support: 'enforced',
    doc: 'Specifies the name of the socket units this service shall inherit socket file descriptors from when the service is started.',
  }),
  USBFunctionDescriptors: scalar(P.path, '', {
    support: 'ignored',
    doc: 'Configure the location of a file containing USB FunctionFS[1] descriptors, for implementation of USB gadget functions.',
  }),
  USBFunctionStrings: scalar(P.path, '', {
    support: 'ignored',
    doc: 'Configure the location of a file containing USB FunctionFS strings.',
  }),
  OOMPolicy: scalar(P.oneOf(['continue', 'stop', 'kill'] as const), 'stop', {
    support: 'accepted',
    doc: 'Configure the out-of-memory (OOM) kernel killer policy.',
  }),
  TimeoutSec: into(
    ['TimeoutStartSec', 'TimeoutStopSec'],
    scalar(P.timeout, 90_000_000, {
      support: 'enforced',
      doc: 'A shorthand for configuring both TimeoutStartSec= and TimeoutStopSec= to the specified value.',
    }),
  ),
} satisfies Block;

export type ServiceSection = ConfigOf<typeof serviceSection>;
