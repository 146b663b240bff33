/** Job modes for OnFailureJobMode=/OnSuccessJobMode= (and later, `rsdctl start --job-mode`). */
export const JOB_MODES = [
  'fail',
  'replace',
  'replace-irreversibly',
  'isolate',
  'flush',
  'ignore-dependencies',
  'ignore-requirements',
] as const;
export type JobMode = (typeof JOB_MODES)[number];

/** What FailureAction=, SuccessAction=, StartLimitAction= and JobTimeoutAction= may ask for. */
export const EMERGENCY_ACTIONS = [
  'none',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'exit',
  'exit-force',
  'soft-reboot',
  'soft-reboot-force',
  'kexec',
  'kexec-force',
  'halt',
  'halt-force',
  'halt-immediate',
] as const;
export type EmergencyAction = (typeof EMERGENCY_ACTIONS)[number];

export const TIMEOUT_MODES = ['terminate', 'abort', 'kill'] as const;

export const SYSLOG_FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
