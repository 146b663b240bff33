import type { AppliedSettings } from './applied-settings';
import type { UnitConfig } from './table';

/**
 * Defaults that depend on other settings, applied after every file of a unit is read (systemd's
 * service_fix_*() and unit_patch_contexts()): what the directive table's static defaults cannot express.
 */
export function finalizeUnit(config: UnitConfig, applied: AppliedSettings): void {
  if (config.type !== 'service') return;
  const s = config.Service;
  if (!applied.has('Type')) {
    // systemd.service(5): oneshot without ExecStart=, dbus with BusName=, simple otherwise.
    s.Type = s.ExecStart.length === 0 ? 'oneshot' : s.BusName !== '' ? 'dbus' : 'simple';
  }
  if (
    !applied.has('NotifyAccess') &&
    (s.Type === 'notify' || s.Type === 'notify-reload' || s.WatchdogSec > 0)
  ) {
    s.NotifyAccess = 'main';
  }
}
