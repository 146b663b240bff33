import { parseUnitName } from '../unit/name';
import { rawEntries } from './symlinks';
import { lookupPaths } from './lookup-paths';
import { unitFileState, type UnitFileState } from './state';
import { presetFor } from './presets';
import { globToRegExp } from './glob';

export interface UnitFileRow {
  /** The file (or link) listed, root prefix included. */
  readonly path: string;
  readonly name: string;
  readonly state: UnitFileState;
  /** The PRESET column: what the preset files say, or '-' for states presets do not apply to. */
  readonly preset: 'enabled' | 'disabled' | '-';
}

/** States list-unit-files shows no preset for (show_preset_for_state). */
const NO_PRESET: ReadonlySet<UnitFileState> = new Set(['alias', 'static', 'generated', 'transient']);

/**
 * `systemctl list-unit-files [PATTERN...]`: every unit file or symlink name along the search path (the first
 * directory holding a name wins), with its state; a name whose state cannot be found is `bad`. Sorted as
 * systemctl sorts them: by type suffix, then by name, ignoring case.
 */
export function listUnitFiles(root: string, patterns: readonly string[] = []): UnitFileRow[] {
  const lp = lookupPaths(root);
  const rows = new Map<string, UnitFileRow>();
  const matchers = patterns.map(globToRegExp);
  for (const dir of lp.searchPath) {
    for (const e of rawEntries(dir) ?? []) {
      if (!parseUnitName(e.name).ok) continue;
      if (matchers.length > 0 && !matchers.some((m) => m.test(e.name))) continue;
      if (rows.has(e.name)) continue;
      if (e.kind !== 'link' && e.kind !== 'file') continue;
      const s = unitFileState(lp, e.name);
      const state: UnitFileState = s.ok ? s.state : 'bad';
      const preset = NO_PRESET.has(state) ? '-' : presetFor(lp.root, e.name);
      rows.set(e.name, { path: `${dir}/${e.name}`, name: e.name, state, preset });
    }
  }
  return [...rows.values()].sort(compareRows);
}

/** compare_unit_file_list(): the type suffix first, then the name, both case-insensitively (strcasecmp). */
function compareRows(a: UnitFileRow, b: UnitFileRow): number {
  const sa = a.name.slice(a.name.lastIndexOf('.'));
  const sb = b.name.slice(b.name.lastIndexOf('.'));
  return strcasecmp(sa, sb) || strcasecmp(a.name, b.name);
}

function strcasecmp(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The table systemctl prints (header, rows, blank line, count), columns as wide as their widest cell. */
export function formatUnitFiles(rows: readonly UnitFileRow[]): string {
  const header = ['UNIT FILE', 'STATE', 'PRESET'];
  const cells = [header, ...rows.map((r) => [r.name, r.state, r.preset])];
  const w0 = Math.max(...cells.map((c) => c[0].length));
  const w1 = Math.max(...cells.map((c) => c[1].length));
  const lines = cells.map((c) => `${c[0].padEnd(w0)} ${c[1].padEnd(w1)} ${c[2]}`);
  return `${lines.join('\n')}\n\n${rows.length} unit files listed.\n`;
}
