/**
 * The [Journal] section of rsd.conf: journald.conf's names where journald has the setting (Storage=,
 * SystemMaxUse=, ...), rsd's own for what only rsd needs (where the sockets are, stdout forwarding).
 */
import { parseBoolean } from '../unit/values/boolean';
import { parseBytes } from '../unit/values/bytes';
import { parseTimeSpan } from '../unit/values/timespan';

export type Storage = 'auto' | 'volatile' | 'persistent';

/** A socket the journal listens on: a path, off, or "only when rsd is PID 1" (at the default path). */
export type SocketSetting = { kind: 'path'; path: string } | { kind: 'off' } | { kind: 'pid1' };

export interface JournalConfig {
  readonly storage: Storage;
  /** null: journald's default (10% of the file system, at most 4 GiB). */
  readonly systemMaxUse: number | null;
  /** null: an eighth of the max use, at most 128 MiB. */
  readonly systemMaxFileSize: number | null;
  readonly runtimeMaxUse: number | null;
  readonly runtimeMaxFileSize: number | null;
  /** Journal files kept at most, the active one counted (journald's default: 100). */
  readonly systemMaxFiles: number;
  readonly runtimeMaxFiles: number;
  /** Bytes; longer lines from a stream are split. */
  readonly lineMax: number;
  /** µs; 0 turns rate limiting off (rsd's default: back-pressure instead of dropping). */
  readonly rateLimitInterval: number;
  readonly rateLimitBurst: number;
  /** Entries from services also go to rsd's stdout in journalctl's short format. */
  readonly forwardToStdout: boolean;
  /** journald's ForwardToSyslog= (Debian's default: yes): entries also go to a syslog daemon's socket. */
  readonly forwardToSyslog: boolean;
  /** Where that socket is (rsd's setting, for tests; journald's is fixed). */
  readonly forwardToSyslogSocket: string;
  readonly syslogSocket: SocketSetting;
  readonly nativeSocket: SocketSetting;
  readonly stdoutSocket: SocketSetting;
  /** Read /dev/kmsg: 'pid1' = when PID 1 outside a container. */
  readonly readKMsg: boolean | 'pid1';
  /** Overrides both directories (volatile /run/rsd/journal, persistent /var/log/rsd). */
  readonly directory: string | null;
}

export const JOURNAL_DEFAULTS: JournalConfig = {
  storage: 'auto',
  systemMaxUse: null,
  systemMaxFileSize: null,
  runtimeMaxUse: null,
  runtimeMaxFileSize: null,
  systemMaxFiles: 100,
  runtimeMaxFiles: 100,
  lineMax: 48 * 1024,
  rateLimitInterval: 0,
  rateLimitBurst: 10000,
  forwardToStdout: true,
  forwardToSyslog: true,
  forwardToSyslogSocket: '/run/systemd/journal/syslog',
  syslogSocket: { kind: 'pid1' },
  nativeSocket: { kind: 'pid1' },
  stdoutSocket: { kind: 'pid1' },
  readKMsg: 'pid1',
  directory: null,
};

export const VOLATILE_DIR = '/run/rsd/journal';
export const PERSISTENT_DIR = '/var/log/rsd';
export const DEFAULT_SYSLOG_SOCKET = '/dev/log';
export const DEFAULT_NATIVE_SOCKET = '/run/systemd/journal/socket';
export const DEFAULT_STDOUT_SOCKET = '/run/systemd/journal/stdout';

function socketSetting(v: string): SocketSetting | null {
  if (v.startsWith('/')) return { kind: 'path', path: v };
  const b = parseBoolean(v);
  if (!b.ok) return null;
  return b.value ? { kind: 'pid1' } : { kind: 'off' };
}

/** Applies one section's keys; bad values are reported and the default kept. */
export function parseJournalSection(
  section: Record<string, unknown>,
  path: string,
  warnings: string[],
): JournalConfig {
  const c: { -readonly [K in keyof JournalConfig]: JournalConfig[K] } = { ...JOURNAL_DEFAULTS };
  const bad = (key: string, v: string, what: string): void => {
    warnings.push(`${path}: ${key}= ${what}, ignoring: ${v}`);
  };
  for (const [key, value] of Object.entries(section)) {
    const v = typeof value === 'string' ? value.trim() : String(value);
    const bytes = (): number | null => {
      const r = parseBytes(v);
      if (!r.ok || !Number.isFinite(r.value) || r.value <= 0) {
        bad(key, v, 'must be a size (like 512M)');
        return null;
      }
      return r.value;
    };
    switch (key) {
      case 'Storage':
        if (['auto', 'volatile', 'persistent'].includes(v)) c.storage = v as Storage;
        else bad(key, v, 'must be auto, volatile or persistent');
        break;
      case 'SystemMaxUse':
        c.systemMaxUse = bytes() ?? c.systemMaxUse;
        break;
      case 'SystemMaxFileSize':
        c.systemMaxFileSize = bytes() ?? c.systemMaxFileSize;
        break;
      case 'RuntimeMaxUse':
        c.runtimeMaxUse = bytes() ?? c.runtimeMaxUse;
        break;
      case 'RuntimeMaxFileSize':
        c.runtimeMaxFileSize = bytes() ?? c.runtimeMaxFileSize;
        break;
      case 'SystemMaxFiles':
      case 'RuntimeMaxFiles': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) bad(key, v, 'must be a positive number');
        else if (key === 'SystemMaxFiles') c.systemMaxFiles = n;
        else c.runtimeMaxFiles = n;
        break;
      }
      case 'LineMax': {
        const n = bytes();
        // journald's bounds: at least 79 bytes.
        if (n !== null) c.lineMax = Math.max(79, n);
        break;
      }
      case 'RateLimitIntervalSec': {
        const r = parseTimeSpan(v);
        if (r.ok && Number.isFinite(r.value)) c.rateLimitInterval = r.value;
        else bad(key, v, 'must be a time span');
        break;
      }
      case 'RateLimitBurst': {
        const n = Number(v);
        if (Number.isInteger(n) && n >= 0) c.rateLimitBurst = n;
        else bad(key, v, 'must be a number');
        break;
      }
      case 'ForwardToStdout': {
        const b = parseBoolean(v);
        if (b.ok) c.forwardToStdout = b.value;
        else bad(key, v, 'must be a boolean');
        break;
      }
      case 'ForwardToSyslog': {
        const b = parseBoolean(v);
        if (b.ok) c.forwardToSyslog = b.value;
        else bad(key, v, 'must be a boolean');
        break;
      }
      case 'ForwardToSyslogSocket': {
        if (v.startsWith('/')) c.forwardToSyslogSocket = v;
        else bad(key, v, 'must be an absolute path');
        break;
      }
      case 'SyslogSocket':
      case 'NativeSocket':
      case 'StdoutSocket': {
        const s = socketSetting(v);
        if (!s) {
          bad(key, v, 'must be an absolute path or a boolean');
          break;
        }
        if (key === 'SyslogSocket') c.syslogSocket = s;
        else if (key === 'NativeSocket') c.nativeSocket = s;
        else c.stdoutSocket = s;
        break;
      }
      case 'ReadKMsg': {
        const b = parseBoolean(v);
        if (b.ok) c.readKMsg = b.value;
        else bad(key, v, 'must be a boolean');
        break;
      }
      case 'Directory':
        if (v.startsWith('/')) c.directory = v;
        else bad(key, v, 'must be an absolute path');
        break;
      default:
        warnings.push(`${path}: Unknown key '${key}' in section [Journal], ignoring.`);
    }
  }
  return c;
}
