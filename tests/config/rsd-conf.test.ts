import { DEFAULTS, parseRsdConfig, readRsdConfig } from '../../src/config/rsd-conf';
import { JOURNAL_DEFAULTS } from '../../src/journal/config';

describe('rsd.conf', () => {
  it('a missing file means the defaults, silently', () => {
    expect(readRsdConfig('/nonexistent/rsd.conf')).toEqual({ config: DEFAULTS, warnings: [] });
  });

  it('reads [Manager] settings', () => {
    const r = parseRsdConfig('[Manager]\nUnitPath=/a:/b\nControlSocket=/run/x.sock\nLogLevel=debug\n', 'f');
    expect(r.warnings).toEqual([]);
    expect(r.config).toEqual({
      unitDirs: ['/a', '/b'],
      controlSocket: '/run/x.sock',
      logLevel: 'debug',
      adminGroup: null,
      journal: JOURNAL_DEFAULTS,
      defaultTimeoutStopMs: 90_000,
      mounts: DEFAULTS.mounts,
    });
  });

  it('reads [Journal] settings; a bad value keeps its default and says so', () => {
    const r = parseRsdConfig(
      '[Journal]\nStorage=volatile\nSystemMaxUse=2G\nRuntimeMaxFileSize=16M\nLineMax=1K\n' +
        'RateLimitIntervalSec=30s\nRateLimitBurst=100\nForwardToStdout=no\nSyslogSocket=/tmp/log\n' +
        'NativeSocket=no\nDirectory=/tmp/j\nSystemMaxFileSize=big\nColour=blue\nRuntimeMaxFiles=7\n' +
        'SystemMaxFiles=0\n',
      'f',
    );
    expect(r.config.journal).toEqual({
      ...JOURNAL_DEFAULTS,
      storage: 'volatile',
      systemMaxUse: 2 * 1024 ** 3,
      runtimeMaxFileSize: 16 * 1024 ** 2,
      lineMax: 1024,
      rateLimitInterval: 30_000_000,
      rateLimitBurst: 100,
      forwardToStdout: false,
      syslogSocket: { kind: 'path', path: '/tmp/log' },
      nativeSocket: { kind: 'off' },
      directory: '/tmp/j',
      runtimeMaxFiles: 7,
    });
    expect(r.warnings).toEqual([
      'f: SystemMaxFileSize= must be a size (like 512M), ignoring: big',
      "f: Unknown key 'Colour' in section [Journal], ignoring.",
      'f: SystemMaxFiles= must be a positive number, ignoring: 0',
    ]);
    expect(parseRsdConfig('[Journal]\nStorage=sometimes\n', 'f').warnings).toEqual([
      'f: Storage= must be auto, volatile or persistent, ignoring: sometimes',
    ]);
  });

  it('keeps the default for a bad value and says so', () => {
    const r = parseRsdConfig('[Manager]\nControlSocket=relative\nLogLevel=loud\nNope=1\n', 'f');
    expect(r.config).toEqual(DEFAULTS);
    expect(r.warnings).toEqual([
      'f: ControlSocket= must be an absolute path, ignoring: relative',
      'f: LogLevel= must be one of error, warn, info, debug, ignoring: loud',
      "f: Unknown key 'Nope' in section [Manager], ignoring.",
    ]);
  });
});
