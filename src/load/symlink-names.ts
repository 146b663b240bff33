import { parseUnitName, templateOf, type UnitType } from '../unit/name';

/** Unit types systemd 252 lets have alias symlinks (unit_type_may_alias). */
const MAY_ALIAS: ReadonlySet<UnitType> = new Set(['service', 'socket', 'target', 'device', 'timer', 'path']);
/** Unit types that may be templates (unit_type_may_template). */
const MAY_TEMPLATE: ReadonlySet<UnitType> = new Set(['service', 'socket', 'target', 'timer', 'path']);

/**
 * Why an alias symlink `linkName -> targetName` (target inside the search path) is rejected, or null when it is a
 * good alias. systemd 252's unit_validate_alias_symlink_or_warn(): the link and its target must be the same
 * type and the same kind of name, except that an instance may point to a template; instances must match.
 * A rejected link is skipped as if it were not there.
 */
export function aliasSymlinkProblem(linkPath: string, linkName: string, targetName: string): string | null {
  const src = parseUnitName(linkName);
  if (!src.ok) return `${linkPath}: not a valid unit name "${linkName}"`;
  if (!MAY_ALIAS.has(src.value.type))
    return `${linkPath}: symlinks are not allowed for units of this type, rejecting.`;
  if (src.value.kind !== 'plain' && !MAY_TEMPLATE.has(src.value.type)) {
    return `${linkPath}: templates not allowed for ${src.value.type} units, rejecting.`;
  }
  const dst = parseUnitName(targetName);
  if (!dst.ok) return `${linkPath} points to "${targetName}" which is not a valid unit name`;
  const kindOk =
    dst.value.kind === src.value.kind || (src.value.kind === 'instance' && dst.value.kind === 'template');
  if (!kindOk)
    return `${linkPath}: symlink target name type "${targetName}" does not match source, rejecting.`;
  if (
    dst.value.kind === 'instance' &&
    src.value.kind === 'instance' &&
    dst.value.instance !== src.value.instance
  ) {
    return `${linkPath}: unit symlink target "${targetName}" instance name doesn't match, rejecting.`;
  }
  if (dst.value.type !== src.value.type) {
    return `${linkPath}: symlink target "${targetName}" has incompatible suffix, rejecting.`;
  }
  return null;
}

/**
 * Whether a `.wants/`-style link name agrees with its target's name (systemd's unit_symlink_name_compatible):
 * the same name; an instance pointing to its template; or, in an instance's template directory
 * (`instancePropagation`), a template pointing to itself. A mismatch is only warned about.
 */
export function symlinkNameCompatible(link: string, target: string, instancePropagation: boolean): boolean {
  const l = parseUnitName(link);
  if (!l.ok) return false;
  if (link === target && l.value.kind !== 'template') return true;
  if (l.value.kind === 'instance') return templateOf(link) === target;
  if (l.value.kind === 'template') return instancePropagation && link === target;
  return false;
}
