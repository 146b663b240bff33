import type { Manager } from '../engine/manager';
import type { DependencyKind } from '../graph/dependency-kinds';

/** `systemctl list-dependencies` directions: the default, --reverse, --after, --before. */
export type DependencyDirection = 'forward' | 'reverse' | 'after' | 'before';
export const DEPENDENCY_DIRECTIONS: readonly DependencyDirection[] = [
  'forward',
  'reverse',
  'after',
  'before',
];

/** The properties systemctl 252 follows for each direction (systemctl-list-dependencies.c). */
const KINDS: Readonly<Record<DependencyDirection, readonly DependencyKind[]>> = {
  forward: ['Requires', 'Requisite', 'Wants', 'ConsistsOf', 'BindsTo'],
  reverse: ['RequiredBy', 'RequisiteOf', 'WantedBy', 'PartOf', 'BoundBy'],
  after: ['After'],
  before: ['Before'],
};

export interface DependencyNode {
  readonly unit: string;
  readonly active: string;
  /** The unit is already on the path from the root: systemctl prints "..." and does not descend. */
  readonly cycle?: true;
  readonly children: DependencyNode[];
}

/** list_dependencies_compare(): targets after everything else, then by name, case-insensitively. */
function compare(a: string, b: string): number {
  const ta = a.endsWith('.target');
  const tb = b.endsWith('.target');
  if (ta !== tb) return ta ? 1 : -1;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * The tree systemctl prints: it descends only into targets unless `all`, and stops where a unit repeats on
 * the way from the root.
 */
export function dependencyTree(
  manager: Manager,
  root: string,
  direction: DependencyDirection,
  all: boolean,
): DependencyNode {
  const onPath = new Set<string>();
  const active = (id: string): string => manager.runtime(id)?.activeState ?? 'inactive';
  const walk = (id: string): DependencyNode => {
    onPath.add(id);
    const deps = [...new Set(KINDS[direction].flatMap((k) => manager.dependencies(id, k)))].sort(compare);
    const children = deps.map((d): DependencyNode =>
      onPath.has(d)
        ? { unit: d, active: active(d), cycle: true, children: [] }
        : all || d.endsWith('.target')
          ? walk(d)
          : { unit: d, active: active(d), children: [] },
    );
    onPath.delete(id);
    return { unit: id, active: active(id), children };
  };
  return walk(root);
}
