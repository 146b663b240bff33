import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSearchPath } from '../src/load/search-path';
import { UnitFileIndex } from '../src/load/unit-file-index';
import { UnitLoader, type LoadedUnit } from '../src/load/unit-loader';
import { builtinUnitDir } from '../src/cli/paths';
import { median, type BenchRow } from './table';

/** What one load reads: the directories it lists and the unit files and drop-ins it opens, each once. */
interface ReadSet {
  readonly dirs: readonly string[];
  readonly files: readonly string[];
}

/** The baseline: list the same directories and read the same files as the loader, and nothing else. */
function readSame(set: ReadSet): void {
  for (const d of set.dirs) readdirSync(d);
  for (const f of set.files) readFileSync(f);
}

/**
 * The baseline reported before (kept for comparison): walk the tree, stat every entry, read every file reached,
 * following links. It reads more than the loader (a `.wants/` link's target again, templates, aliases' targets
 * twice) and stats every entry, so it is slower than reading the loader's files.
 */
function walkTree(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) n += walkTree(p);
    else if (st.isFile()) {
      readFileSync(p);
      n++;
    }
  }
  return n;
}

/** Warm-up rounds for the steady-state figure: enough for V8 to have optimized the loader's hot code. */
const STEADY_WARMUP = 100;

/**
 * Medians of `runs` timed runs of each function, after `warmup` untimed ones. The functions take turns within
 * every round, so a busy moment on a shared machine falls on all of them alike.
 */
function interleavedMediansMs(fns: ReadonlyArray<() => void>, runs: number, warmup = 5): number[] {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const times = fns.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      fn();
      times[k]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return times.map(median);
}

/**
 * Loading and parsing the whole unit tree in one process (a new index and loader each run: directories listed,
 * every unit resolved, read and parsed), against the cost of merely reading the same files in the same run.
 * Target (foundations issue): under 100 ms and under 3x the read-only baseline.
 */
export function benchLoadTree(tree = '/lib/systemd/system', runs = 61): BenchRow[] {
  const searchPath = buildSearchPath({ unitDirs: [tree], builtinDir: builtinUnitDir() });
  let units: LoadedUnit[] = [];
  let listedDirs: readonly string[] = [];
  const load = (): void => {
    const index = UnitFileIndex.scan(searchPath);
    units = new UnitLoader(index).loadAll();
    listedDirs = index.listedDirs;
  };
  load();
  const files = new Set<string>();
  for (const u of units) {
    if (u.source?.fragmentPath) files.add(u.source.fragmentPath);
    for (const d of u.source?.dropInPaths ?? []) files.add(d);
  }
  const set: ReadSet = { dirs: listedDirs, files: [...files] };

  const [loadMs, readMs, walkMs] = interleavedMediansMs(
    [load, () => readSame(set), () => walkTree(tree)],
    runs,
  ) as [number, number, number];
  // The same two after the JIT has settled: the median above still falls among runs of unoptimized code.
  const [steadyLoadMs, steadyReadMs] = interleavedMediansMs(
    [load, () => readSame(set)],
    runs,
    STEADY_WARMUP,
  ) as [number, number];
  const n = units.length;
  return [
    {
      figure: `load+parse ${tree} (${n} units)`,
      value: loadMs,
      unit: 'ms',
      baseline: readMs,
      baselineName: `list the same ${set.dirs.length} dirs, read the same ${set.files.length} files`,
    },
    {
      figure: `load+parse ${tree}, steady state (after ${STEADY_WARMUP} warm-up rounds)`,
      value: steadyLoadMs,
      unit: 'ms',
      baseline: steadyReadMs,
      baselineName: 'the same read-only baseline, also warmed up',
    },
    {
      figure: 'units loaded per second',
      value: (n / loadMs) * 1000,
      unit: 'units/s',
      baseline: (n / readMs) * 1000,
      baselineName: 'units whose files are only read, per second',
    },
    {
      figure: `load+parse ${tree}, vs the earlier baseline`,
      value: loadMs,
      unit: 'ms',
      baseline: walkMs,
      baselineName: 'walk the tree: stat all, read all, follow links',
    },
  ];
}
