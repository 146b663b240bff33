import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * systemd 252's system unit search path, highest priority first, as `systemd-analyze unit-paths` prints it on
 * Debian 12 (which builds with rootprefix=/, hence /lib/systemd/system before /usr/lib/systemd/system). The
 * generator and `.attached` directories are included so that a machine running real generators behaves the same.
 */
export const SYSTEM_UNIT_DIRS: readonly string[] = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/run/systemd/generator.early',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/run/systemd/generator',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/run/systemd/generator.late',
];

export interface SearchPathOptions {
  /** `--unit-dir` (repeatable): replaces SYSTEM_UNIT_DIRS. */
  readonly unitDirs?: readonly string[];
  /** rsd's own `units/` directory with the standard targets: always last, so any other file of a name wins. */
  readonly builtinDir: string;
  /**
   * Directories searched before everything else, as `systemd-analyze verify` prepends the directories of the
   * files it is given.
   */
  readonly extraDirs?: readonly string[];
}

/** The directory's identity: its real path when it exists, else its absolute path. */
function identity(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
}

/**
 * The search path, highest priority first. Paths are made absolute; a directory reachable under two names
 * (/lib -> /usr/lib on merged-/usr systems) appears once, under the name of its first, highest-priority
 * occurrence. Directories that do not exist stay: they are skipped when scanned, as systemd does.
 */
export function buildSearchPath(opts: SearchPathOptions): string[] {
  const dirs = [...(opts.extraDirs ?? []), ...(opts.unitDirs ?? SYSTEM_UNIT_DIRS), opts.builtinDir];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of dirs) {
    const abs = resolve(dir);
    const id = identity(abs);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(abs);
  }
  return out;
}
