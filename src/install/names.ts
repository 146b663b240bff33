import { isUnitType } from '../unit/name';

/**
 * systemctl's unit_name_mangle_with_suffix(), the common case: a name without a unit type suffix gets
 * `suffix` (`foo` -> `foo.service`; `graphical` -> `graphical.target` for set-default). Anything else is
 * left for the operation to judge.
 */
export function mangleName(name: string, suffix: string): string {
  if (name.includes('/')) return name;
  const dot = name.lastIndexOf('.');
  if (dot > 0 && isUnitType(name.slice(dot + 1))) return name;
  return name + suffix;
}
