import { parseUnitName, type UnitType } from '../unit/name';
import type { InstallErrno } from './changes';

/** unit_type_may_alias() and unit_type_may_template() of systemd 252. */
const MAY_ALIAS: ReadonlySet<UnitType> = new Set(['service', 'socket', 'target', 'device', 'timer', 'path']);
const MAY_TEMPLATE: ReadonlySet<UnitType> = new Set(['service', 'socket', 'target', 'timer', 'path']);

export function mayTemplate(type: UnitType): boolean {
  return MAY_TEMPLATE.has(type);
}

/**
 * systemd 252's unit_validate_alias_symlink_or_warn(), reduced to the errno install.c acts on: EINVAL when the
 * link's own name may not alias, ELOOP for an alias to itself (quietly ignored by enable), EXDEV when the target
 * name does not fit the link (another type, another kind of name, another instance). Null: a good alias.
 */
export function aliasProblem(src: string, dst: string): InstallErrno | null {
  const s = parseUnitName(src);
  if (!s.ok) return 'EINVAL';
  if (!MAY_ALIAS.has(s.value.type)) return 'EINVAL';
  if (s.value.kind !== 'plain' && !MAY_TEMPLATE.has(s.value.type)) return 'EINVAL';
  if (src === dst) return 'ELOOP';
  const d = parseUnitName(dst);
  if (!d.ok) return 'EXDEV';
  if (!(d.value.kind === s.value.kind || (s.value.kind === 'instance' && d.value.kind === 'template')))
    return 'EXDEV';
  if (d.value.kind === 'instance' && s.value.kind === 'instance' && d.value.instance !== s.value.instance)
    return 'EXDEV';
  if (d.value.type !== s.value.type) return 'EXDEV';
  return null;
}
