import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSearchPath } from '../src/load/search-path';
import { UnitFileIndex } from '../src/load/unit-file-index';
import { UnitLoader } from '../src/load/unit-loader';
import { builtinUnitDir } from '../src/cli/paths';
import { timeMedianMs, type BenchRow } from './table';

/** Reads every file under a directory tree, following what the loader would read (fragments and drop-ins). */
function readTree(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) n += readTree(p);
    else if (st.isFile()) {
      readFileSync(p);
      n++;
    }
  }
  return n;
}

/**
 * Loading and parsing the whole unit tree in one process, against the cost of merely reading the same files.
 * Target (foundations issue): under 100 ms and under 3x the read-only baseline.
 */
export function benchLoadTree(tree = '/lib/systemd/system', runs = 15): BenchRow[] {
  let units = 0;
  const load = (): void => {
    const loader = new UnitLoader(
      UnitFileIndex.scan(buildSearchPath({ unitDirs: [tree], builtinDir: builtinUnitDir() })),
    );
    units = loader.loadAll().length;
  };
  const loadMs = timeMedianMs(load, runs);
  const readMs = timeMedianMs(() => readTree(tree), runs);
  return [
    {
      figure: `load+parse ${tree} (${units} units)`,
      value: loadMs,
      unit: 'ms',
      baseline: readMs,
      baselineName: 'read the files',
    },
    {
      figure: 'units loaded per second',
      value: (units / loadMs) * 1000,
      unit: 'units/s',
      baseline: (units / readMs) * 1000,
      baselineName: 'files read per second',
    },
  ];
}
