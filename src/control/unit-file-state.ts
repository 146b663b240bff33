import { isEnabled } from '../install';
import type { LoadedUnit } from '../load/unit-loader';

/** UnitFileState for `show` and `status`: what `systemctl is-enabled` says of the unit's file on this system. */
export function unitFileState(u: LoadedUnit): string {
  if (u.loadState === 'masked') return 'masked';
  if (u.loadState !== 'loaded') return '';
  const r = isEnabled('/', u.id);
  return r.ok ? r.state : '';
}
