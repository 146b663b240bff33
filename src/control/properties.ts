import type { Manager } from '../engine/manager';
import { DEPENDENCY_KINDS } from '../graph/dependency-kinds';
import { formatTimeSpan } from '../unit/values/timespan';
import type { Properties } from './protocol';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** systemd's timestamp format: "Mon 2026-11-23 12:34:56 UTC"; empty for "never". */
export function formatTimestamp(usec: number): string {
  if (!usec) return '';
  const d = new Date(usec / 1000);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** systemctl show lists every dependency kind systemd keeps, in the graph's order. */
const DEPENDENCY_PROPERTIES = DEPENDENCY_KINDS;

const span = (usec: number): string => (usec === Infinity ? 'infinity' : formatTimeSpan(usec));

/** Converts a monotonic µs reading to realtime µs, for the Exec*Timestamp properties. */
function monotonicToRealtime(mono: number): number {
  if (!mono) return 0;
  const nowMono = Number(process.hrtime.bigint() / 1000n);
  return Date.now() * 1000 - (nowMono - mono);
}

/**
 * A unit's properties with systemd's names and value formats (`systemctl show`): identity, states, paths,
 * dependencies, timestamps, and for services the main process and their settings.
 */
export function unitProperties(manager: Manager, name: string, unitFileState: string): Properties {
  const u = manager.unit(name);
  const id = u.id;
  const rt = manager.runtime(id);
  const p: Properties = {
    Id: id,
    Names: (u.source?.names ?? [id]).join(' '),
    Description:
      u.loadState === 'loaded' && u.config.Unit.Description !== '' ? u.config.Unit.Description : id,
    LoadState: u.loadState,
    ActiveState: rt?.activeState ?? 'inactive',
    SubState: rt?.subState ?? 'dead',
    FragmentPath: u.source?.fragmentPath ?? '',
    DropInPaths: (u.source?.dropInPaths ?? []).join(' '),
    UnitFileState: unitFileState,
  };
  if (u.loadState !== 'loaded') {
    if (u.loadState !== 'masked') p.LoadError = u.reason;
    return p;
  }
  for (const kind of DEPENDENCY_PROPERTIES) {
    const deps = manager.dependencies(id, kind);
    if (deps.length > 0) p[kind] = deps.join(' ');
  }
  const t = manager.timestampsOf(id);
  for (const key of [
    'StateChangeTimestamp',
    'ActiveEnterTimestamp',
    'ActiveExitTimestamp',
    'InactiveEnterTimestamp',
    'InactiveExitTimestamp',
  ] as const) {
    p[key] = formatTimestamp(t?.[key] ?? 0);
  }
  const c = u.config;
  // rsd's own: the settings this unit's files make that rsd parses but does not act on (rsdctl status).
  // [Install] is left out: enable/disable act on it, never the running manager.
  const notEnforced = new Set(
    u.applied
      .list()
      .filter((a) => a.support === 'accepted' && a.section !== 'Install')
      .map((a) => a.key),
  );
  if (notEnforced.size > 0) p.NotEnforced = [...notEnforced].join(' ');
  p.CanStart = String(c.type === 'service' || c.type === 'target');
  p.RefuseManualStart = c.Unit.RefuseManualStart ? 'yes' : 'no';
  p.RefuseManualStop = c.Unit.RefuseManualStop ? 'yes' : 'no';
  p.StartLimitIntervalUSec = span(c.Unit.StartLimitIntervalSec);
  p.StartLimitBurst = String(c.Unit.StartLimitBurst);
  if (rt) {
    p.Result = rt.result;
    for (const [k, v] of Object.entries(rt.properties())) {
      if (k === 'ExecMainStartTimestampMonotonic' || k === 'ExecMainExitTimestampMonotonic') {
        p[k] = String(v);
        p[k.replace('Monotonic', '')] = formatTimestamp(monotonicToRealtime(Number(v)));
      } else p[k] = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
    }
  }
  if (c.type === 'service') {
    const s = c.Service;
    p.Type = s.Type;
    p.Restart = s.Restart;
    p.RestartUSec = span(s.RestartSec);
    p.TimeoutStartUSec = span(s.TimeoutStartSec);
    p.TimeoutStopUSec = span(s.TimeoutStopSec);
    p.RemainAfterExit = s.RemainAfterExit ? 'yes' : 'no';
    p.PIDFile = s.PIDFile;
    p.KillMode = c.Kill.KillMode;
    p.KillSignal = String(c.Kill.KillSignal);
    p.SendSIGKILL = c.Kill.SendSIGKILL ? 'yes' : 'no';
    p.User = c.Exec.User;
    p.Group = c.Exec.Group;
    p.UMask = c.Exec.UMask.toString(8).padStart(4, '0');
    p.Environment = c.Exec.Environment.map(([k, v]) => `${k}=${v}`).join(' ');
    p.ExecStart = s.ExecStart.map((e) => `{ path=${e.path} ; argv[]=${e.argv.join(' ')} }`).join(' ');
  }
  return p;
}
