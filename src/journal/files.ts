/**
 * The files of one journal directory: `<created µs, 16 hex>-<boot id prefix>.journal`, oldest first by name.
 * Each rsd start begins a new file (so a file holds one boot); beside an archived file, `<name>.units`
 * lists the units it holds, a small index that lets a query for one unit skip whole files. Only a query
 * reads an index: a manager that has booted a thousand times keeps no thousand sets of unit names.
 */
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SUFFIX = '.journal';

export interface JournalFile {
  readonly path: string;
  /** Bytes that hold whole entries (for the active file: what has been written so far). */
  size: number;
  /**
   * The active file's units, kept as entries are written; null for an archived file, whose index is read
   * when a query needs it (archivedUnits).
   */
  units: Set<string> | null;
  readonly active: boolean;
}

export function fileName(createdUs: number, bootIdHex: string): string {
  return `${Math.floor(createdUs).toString(16).padStart(16, '0')}-${bootIdHex.slice(0, 8)}${SUFFIX}`;
}

/** The archived files in `dir`, oldest first, with their sizes (their stats made side by side). */
export async function listFiles(dir: string): Promise<JournalFile[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(SUFFIX)).sort();
  const stats = await Promise.all(names.map((n) => stat(join(dir, n)).catch(() => null)));
  const out: JournalFile[] = [];
  names.forEach((n, i) => {
    const st = stats[i];
    if (st?.isFile()) out.push({ path: join(dir, n), size: st.size, units: null, active: false });
  });
  return out;
}

/** The units an archived file holds, from its index; null when it has none (a file left by a crash). */
export async function archivedUnits(f: JournalFile): Promise<Set<string> | null> {
  const idx = await readFile(`${f.path}.units`, 'utf8').catch(() => null);
  if (idx === null) return null;
  try {
    return new Set(JSON.parse(idx) as string[]);
  } catch {
    return null;
  }
}

export async function writeUnitIndex(f: JournalFile): Promise<void> {
  if (f.units) await writeFile(`${f.path}.units`, JSON.stringify([...f.units]));
}

export async function removeFile(f: JournalFile): Promise<void> {
  await unlink(f.path).catch(() => undefined);
  await unlink(`${f.path}.units`).catch(() => undefined);
}
