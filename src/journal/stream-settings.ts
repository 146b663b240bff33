/** A unit's logging settings (systemd.exec(5), "Logging and Standard Input/Output") as capture needs them. */
import { FACILITY_NAMES, PRIORITY_NAMES } from './entry';

/** The ExecContext fields this reads, by their directive names. */
export interface LoggingDirectives {
  readonly SyslogIdentifier: string;
  readonly SyslogFacility: string;
  readonly SyslogLevel: string;
  readonly SyslogLevelPrefix: boolean;
  readonly LogLevelMax: string;
  readonly LogExtraFields: readonly string[];
  readonly LogRateLimitIntervalSec?: number;
  readonly LogRateLimitBurst?: number;
}

export interface UnitLogging {
  readonly identifier: string | null;
  readonly facility: number;
  readonly priority: number;
  readonly levelPrefix: boolean;
  readonly maxLevel: number;
  readonly fields: ReadonlyArray<readonly [string, Buffer]>;
}

export function priorityNumber(name: string, fallback: number): number {
  const i = (PRIORITY_NAMES as readonly string[]).indexOf(name);
  return i >= 0 ? i : fallback;
}

export function unitLogging(d: LoggingDirectives): UnitLogging {
  const fields: Array<[string, Buffer]> = [];
  for (const w of d.LogExtraFields) {
    const eq = w.indexOf('=');
    // journald's rule for field names: uppercase letters, digits, underscores, not starting with "_".
    if (eq > 0 && /^[A-Z0-9][A-Z0-9_]*$/.test(w.slice(0, eq)))
      fields.push([w.slice(0, eq), Buffer.from(w.slice(eq + 1), 'utf8')]);
  }
  const facility = (FACILITY_NAMES as readonly string[]).indexOf(d.SyslogFacility);
  return {
    identifier: d.SyslogIdentifier !== '' ? d.SyslogIdentifier : null,
    facility: facility >= 0 ? facility : 3,
    priority: priorityNumber(d.SyslogLevel, 6),
    levelPrefix: d.SyslogLevelPrefix,
    maxLevel: priorityNumber(d.LogLevelMax, 7),
    fields,
  };
}
