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
 * What a unit's files set, in order: a file's path (a string), then for each setting it made, the row and the
 * line number. One array per unit: every array a unit makes is garbage to collect, or memory to keep. Written
 * by the parser (SettingsApplier) as it applies each assignment.
 */
export type AppliedLog = Array<string | FoundRow | number>;

/**
 * The settings a unit's files made, in order. Recorded for every assignment of every unit, and read only by
 * `rsd verify --unenforced`, `rsdctl status` and the unit's own finalization: so an assignment costs two slots
 * of the log, and the AppliedSetting objects are made when someone asks for them.
 */
export class AppliedSettings {
  private listed: readonly AppliedSetting[] | null = null;

  constructor(
    private readonly type: UnitType,
    private readonly log: AppliedLog,
  ) {}

  /** Whether any file set `key` (an empty assignment counts: it was written). */
  has(key: string): boolean {
    const log = this.log;
    for (let i = 0; i < log.length; i++) {
      const entry = log[i]!;
      if (typeof entry === 'object' && entry.key === key) return true;
    }
    return false;
  }

  list(): readonly AppliedSetting[] {
    if (this.listed !== null) return this.listed;
    const out: AppliedSetting[] = [];
    const log = this.log;
    let file = '';
    for (let i = 0; i < log.length; i++) {
      const entry = log[i]!;
      if (typeof entry === 'string') file = entry;
      else if (typeof entry === 'object') {
        out.push({
          section: entry.section,
          key: entry.key,
          file,
          line: log[++i] as number,
          support: effectiveSupport(this.type, entry.row, entry.block),
        });
      }
    }
    this.listed = out;
    return out;
  }
}
