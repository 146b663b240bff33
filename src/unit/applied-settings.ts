import type { UnitType } from './name';
import { effectiveSupport, type FoundRow } from './table';
import type { Support } from './table/row';

/** A setting a file made, with how far rsd honours it: `rsd verify --unenforced` lists these. */
export interface AppliedSetting {
  readonly section: string;
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly support: Support;
}

/**
 * The settings a unit's files made, in order. Recorded for every assignment of every unit, and read only by
 * `rsd verify --unenforced`, `rsdctl status` and the unit's own finalization: so an assignment costs a row and
 * a line number here, and the AppliedSetting objects are made when someone asks for them.
 */
export class AppliedSettings {
  private readonly rows: FoundRow[] = [];
  private readonly lines: number[] = [];
  /** Per file, in the order applied: its path, and the index of its first setting in `rows`. */
  private readonly files: string[] = [];
  private readonly firsts: number[] = [];
  private listed: readonly AppliedSetting[] | null = null;

  constructor(private readonly type: UnitType) {}

  /** The settings that follow come from `path`. */
  startFile(path: string): void {
    this.files.push(path);
    this.firsts.push(this.rows.length);
  }

  add(found: FoundRow, line: number): void {
    this.rows.push(found);
    this.lines.push(line);
  }

  /** Whether any file set `key` (an empty assignment counts: it was written). */
  has(key: string): boolean {
    for (let i = 0; i < this.rows.length; i++) if (this.rows[i]!.key === key) return true;
    return false;
  }

  list(): readonly AppliedSetting[] {
    if (this.listed !== null) return this.listed;
    const out: AppliedSetting[] = [];
    let f = -1;
    for (let i = 0; i < this.rows.length; i++) {
      while (f + 1 < this.firsts.length && this.firsts[f + 1]! <= i) f++;
      const found = this.rows[i]!;
      out.push({
        section: found.section,
        key: found.key,
        file: this.files[f]!,
        line: this.lines[i]!,
        support: effectiveSupport(this.type, found.row, found.block),
      });
    }
    this.listed = out;
    return out;
  }
}
