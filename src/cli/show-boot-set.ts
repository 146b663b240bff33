import toposort from 'toposort';
import { DependencyGraph } from '../graph/dependencies';
import { buildTransaction, type Job } from '../graph/transaction';
import { buildSearchPath } from '../load/search-path';
import { UnitFileIndex } from '../load/unit-file-index';
import { UnitLoader } from '../load/unit-loader';
import { formatDiagnostic } from '../unit/diagnostic';

export interface BootSetOptions {
  readonly unitDirs: readonly string[];
  readonly builtinDir: string;
  readonly out: (line: string) => void;
  readonly target?: string;
}

/** One order in which the jobs may run: each after every job it waits for. */
function runOrder(jobs: readonly Job[]): Job[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const edges: Array<[string, string]> = [];
  for (const j of jobs) for (const w of j.waitsFor) if (byId.has(w)) edges.push([w, j.id]);
  return toposort.array([...byId.keys()], edges).map((id) => byId.get(id)!);
}

/**
 * Loads the units, prints every diagnostic, and lists the jobs a boot of default.target would run, in an
 * order that respects After=/Before=. Returns the exit status.
 */
export function showBootSet(opts: BootSetOptions): number {
  const searchPath = buildSearchPath({
    unitDirs: opts.unitDirs.length > 0 ? [...opts.unitDirs] : undefined,
    builtinDir: opts.builtinDir,
  });
  const loader = new UnitLoader(UnitFileIndex.scan(searchPath));
  const target = opts.target ?? 'default.target';
  const graph = DependencyGraph.build([target], (n) => loader.load(n));
  const tx = buildTransaction(graph, { unit: target, job: 'start', mode: 'replace' }, () => 'inactive');
  for (const id of graph.ids()) {
    const u = graph.unit(id);
    if (u) for (const d of u.diagnostics) opts.out(formatDiagnostic(d));
  }
  for (const w of tx.warnings) opts.out(w);
  if (!tx.ok) {
    opts.out(`Failed to start ${target}: ${tx.error}`);
    return 1;
  }
  const rows = runOrder(tx.jobs).map((j) => {
    const u = graph.unit(j.unit);
    const description =
      u?.loadState === 'loaded' ? u.config.Unit.Description || j.unit : (u?.loadState ?? '');
    return [j.unit, j.type, description] as const;
  });
  const width = Math.max(4, ...rows.map((r) => r[0].length));
  opts.out(`${'UNIT'.padEnd(width)}  JOB    DESCRIPTION`);
  for (const [unit, type, description] of rows)
    opts.out(`${unit.padEnd(width)}  ${type.padEnd(5)}  ${description}`);
  opts.out('');
  opts.out(`${rows.length} jobs would run to start ${target}, in this order.`);
  return 0;
}
