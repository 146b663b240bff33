import type { LoadedUnit } from '../load/unit-loader';

/**
 * UnitFileState for `show` and `status`, from what the loader already knows: masked, static (no [Install]),
 * else disabled (the install code refines this with the links in /etc).
 */
export function unitFileState(u: LoadedUnit): string {
  if (u.loadState === 'masked') return 'masked';
  if (u.loadState !== 'loaded') return '';
  const i = u.config.Install;
  if (i.WantedBy.length === 0 && i.RequiredBy.length === 0 && i.Alias.length === 0 && i.Also.length === 0) {
    return 'static';
  }
  return 'disabled';
}
