import toposort from 'toposort';
import { buildSearchPath } from '../load/search-path';
import { UnitFileIndex } from '../load/unit-file-index';
import { UnitLoader, type LoadedUnit } from '../load/unit-loader';
import { formatDiagnostic } from '../unit/diagnostic';

export interface BootSetOptions {
  readonly unitDirs: readonly string[];
  readonly builtinDir: string;
  readonly out: (line: string) => void;
  readonly target?: string;
}

/** Every unit a start of `target` pulls in through Requires=, Wants=, BindsTo= and .wants/ links. */
function pulledIn(loader: UnitLoader, target: string): LoadedUnit[] {
  const units = new Map<string, LoadedUnit>();
  const queue = [target];
  while (queue.length > 0) {
    const unit = loader.load(queue.shift()!);
    if (units.has(unit.id)) continue;
    units.set(unit.id, unit);
    if (unit.loadState !== 'loaded') continue;
    const u = unit.config.Unit;
    queue.push(...u.Requires, ...u.Wants, ...u.BindsTo, ...u.Requisite, ...u.Upholds);
  }
  return [...units.values()];
}

/** Orders units by After=/Before= among themselves; ties keep discovery order. */
function startOrder(units: LoadedUnit[]): { order: string[]; cycle: string | null } {
  const ids = new Set(units.map((u) => u.id));
  const edges: Array<[string, string]> = [];
  for (const unit of units) {
    if (unit.loadState !== 'loaded') continue;
    for (const a of unit.config.Unit.After) if (ids.has(a)) edges.push([a, unit.id]);
    for (const b of unit.config.Unit.Before) if (ids.has(b)) edges.push([unit.id, b]);
  }
  try {
    return { order: toposort.array([...ids], edges), cycle: null };
  } catch (e) {
    return { order: [...ids], cycle: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The default command until the engine lands: load the units, print every diagnostic, and list the units a
 * boot of default.target would start, in an order that respects After=/Before=. Returns the exit status.
 */
export function showBootSet(opts: BootSetOptions): number {
  const loader = new UnitLoader(
    UnitFileIndex.scan(
      buildSearchPath({
        unitDirs: opts.unitDirs.length > 0 ? [...opts.unitDirs] : undefined,
        builtinDir: opts.builtinDir,
      }),
    ),
  );
  const units = pulledIn(loader, opts.target ?? 'default.target');
  for (const unit of units) for (const d of unit.diagnostics) opts.out(formatDiagnostic(d));
  const { order, cycle } = startOrder(units);
  if (cycle) opts.out(`Ordering cycle: ${cycle}`);
  const byId = new Map(units.map((u) => [u.id, u]));
  const rows = order.map((id) => {
    const u = byId.get(id)!;
    const description = u.loadState === 'loaded' ? u.config.Unit.Description || id : u.reason;
    return [id, u.loadState, description] as const;
  });
  const width = Math.max(4, ...rows.map((r) => r[0].length));
  opts.out(`${'UNIT'.padEnd(width)}  LOAD         DESCRIPTION`);
  for (const [id, load, description] of rows)
    opts.out(`${id.padEnd(width)}  ${load.padEnd(11)}  ${description}`);
  opts.out('');
  opts.out(`${rows.length} units would be started for ${opts.target ?? 'default.target'}, in this order.`);
  return units.some((u) => u.loadState === 'bad-setting' || u.loadState === 'error') ? 1 : 0;
}
