/**
 * systemd.exec(5)'s five kinds of directories a unit can ask for: the setting naming them, where they are
 * made, the setting with their mode, and the variable that gives their paths to the unit's processes.
 */
export const EXEC_DIRECTORY_KINDS = [
  { setting: 'RuntimeDirectory', base: '/run', mode: 'RuntimeDirectoryMode', variable: 'RUNTIME_DIRECTORY' },
  { setting: 'StateDirectory', base: '/var/lib', mode: 'StateDirectoryMode', variable: 'STATE_DIRECTORY' },
  { setting: 'CacheDirectory', base: '/var/cache', mode: 'CacheDirectoryMode', variable: 'CACHE_DIRECTORY' },
  { setting: 'LogsDirectory', base: '/var/log', mode: 'LogsDirectoryMode', variable: 'LOGS_DIRECTORY' },
  {
    setting: 'ConfigurationDirectory',
    base: '/etc',
    mode: 'ConfigurationDirectoryMode',
    variable: 'CONFIGURATION_DIRECTORY',
  },
] as const;
