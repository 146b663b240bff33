import { readFileSync } from 'node:fs';
import { parse } from 'ini';
import { parseTimeSpan } from '../unit/values/timespan';
import { DEFAULT_BOOT_MOUNTS, parseMountLine, type BootMount } from '../pid1/boot-mount-table';

/** rsd's own settings, from /etc/rsd/rsd.conf; every one can be overridden by a command-line flag. */
export interface RsdConfig {
  /** Replaces systemd's system unit directories (rsd's own units/ stays last). Empty: systemd's path. */
  readonly unitDirs: readonly string[];
  readonly controlSocket: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Members of this group may use the control socket fully (others: read-only methods). */
  readonly adminGroup: string | null;
  /** How long the final sweep at shutdown waits after SIGTERM before SIGKILL, in ms (systemd's 90 s). */
  readonly defaultTimeoutStopMs: number;
  /** [Mounts]: what rsd mounts at early boot as PID 1 outside a container, in order. */
  readonly mounts: readonly BootMount[];
}

export const DEFAULT_CONFIG_PATH = '/etc/rsd/rsd.conf';

export const DEFAULTS: RsdConfig = {
  unitDirs: [],
  controlSocket: '/run/rsd/rsd.sock',
  logLevel: 'info',
  adminGroup: null,
  defaultTimeoutStopMs: 90_000,
  mounts: DEFAULT_BOOT_MOUNTS,
};

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export type ConfigResult = { config: RsdConfig; warnings: string[] };

/**
 * Reads rsd.conf. A missing file is not an error (the defaults apply); a bad value is reported and its
 * default kept, so a typo never stops rsd from booting.
 */
export function readRsdConfig(path: string = DEFAULT_CONFIG_PATH): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      config: DEFAULTS,
      warnings: code === 'ENOENT' ? [] : [`${path}: cannot read: ${code ?? String(e)}`],
    };
  }
  return parseRsdConfig(text, path);
}

export function parseRsdConfig(text: string, path: string): ConfigResult {
  const warnings: string[] = [];
  const ini: Record<string, unknown> = parse(text);
  const manager = (typeof ini.Manager === 'object' && ini.Manager !== null ? ini.Manager : {}) as Record<
    string,
    unknown
  >;
  let config: RsdConfig = DEFAULTS;
  for (const [key, value] of Object.entries(manager)) {
    const v = typeof value === 'string' ? value.trim() : String(value);
    switch (key) {
      case 'UnitPath':
        config = { ...config, unitDirs: v.split(':').filter((d) => d !== '') };
        break;
      case 'ControlSocket':
        if (v.startsWith('/')) config = { ...config, controlSocket: v };
        else warnings.push(`${path}: ControlSocket= must be an absolute path, ignoring: ${v}`);
        break;
      case 'LogLevel':
        if ((LOG_LEVELS as readonly string[]).includes(v))
          config = { ...config, logLevel: v as RsdConfig['logLevel'] };
        else warnings.push(`${path}: LogLevel= must be one of ${LOG_LEVELS.join(', ')}, ignoring: ${v}`);
        break;
      case 'AdminGroup':
        config = { ...config, adminGroup: v === '' ? null : v };
        break;
      case 'DefaultTimeoutStopSec': {
        const t = parseTimeSpan(v);
        if (t.ok) config = { ...config, defaultTimeoutStopMs: t.value / 1000 };
        else warnings.push(`${path}: DefaultTimeoutStopSec= is not a time span (${t.error}), ignoring: ${v}`);
        break;
      }
      default:
        warnings.push(`${path}: Unknown key '${key}' in section [Manager], ignoring.`);
    }
  }
  const mounts = typeof ini.Mounts === 'object' && ini.Mounts !== null ? ini.Mounts : null;
  if (mounts !== null)
    config = { ...config, mounts: mountTable(mounts as Record<string, unknown>, path, warnings) };
  return { config, warnings };
}

/**
 * [Mounts]: `WHERE = WHAT TYPE [OPTIONS]` per line, or `WHERE = skip`. A line for one of the default mount
 * points replaces (or skips) it in place; other lines come after the defaults, in file order.
 */
function mountTable(section: Record<string, unknown>, path: string, warnings: string[]): BootMount[] {
  const table: Array<BootMount | null> = [...DEFAULT_BOOT_MOUNTS];
  for (const [where, value] of Object.entries(section)) {
    const v = typeof value === 'string' ? value.trim() : String(value);
    const at = table.findIndex((m) => m?.where === where);
    if (v === 'skip' || v === '') {
      if (at >= 0) table[at] = null;
      continue;
    }
    const m = parseMountLine(where, v);
    if (!m.ok) {
      warnings.push(`${path}: [Mounts] ${where}: ${m.error}, ignoring.`);
      continue;
    }
    if (at >= 0) table[at] = m.value;
    else table.push(m.value);
  }
  return table.filter((m): m is BootMount => m !== null);
}
