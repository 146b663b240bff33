import { DEFAULTS, parseRsdConfig, readRsdConfig } from '../../src/config/rsd-conf';

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
      defaultTimeoutStopMs: 90_000,
      mounts: DEFAULTS.mounts,
    });
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
