/**
 * The files of one journal directory: `<created µs, 16 hex>-<boot id prefix>.journal`, oldest first by name.
 * Each rsd start begins a new file (so a file holds one boot); beside an archived file, `<name>.units`
 * lists the units it holds, a small index that lets a query for one unit skip whole files.
 */
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SUFFIX = '.journal';

export interface JournalFile {
  readonly path: string;
  /** Bytes that hold whole entries (for the active file: what has been written so far). */
  size: number;
  /** The units that have entries in it; null when not known (a file left by a crash). */
  units: Set<string> | null;
  readonly active: boolean;
}

export function fileName(createdUs: number, bootIdHex: string): string {
  return `${Math.floor(createdUs).toString(16).padStart(16, '0')}-${bootIdHex.slice(0, 8)}${SUFFIX}`;
}

/** The archived files in `dir`, oldest first, with their sizes and unit indexes. */
export async function listFiles(dir: string): Promise<JournalFile[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(SUFFIX)).sort();
  const out: JournalFile[] = [];
  for (const n of names) {
    const path = join(dir, n);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) continue;
    const idx = await readFile(`${path}.units`, 'utf8').catch(() => null);
    let units: Set<string> | null = null;
    if (idx !== null) {
      try {
        units = new Set(JSON.parse(idx) as string[]);
      } catch {
        units = null;
      }
    }
    out.push({ path, size: st.size, units, active: false });
  }
  return out;
}

export async function writeUnitIndex(f: JournalFile): Promise<void> {
  if (f.units) await writeFile(`${f.path}.units`, JSON.stringify([...f.units]));
}

export async function removeFile(f: JournalFile): Promise<void> {
  await unlink(f.path).catch(() => undefined);
  await unlink(`${f.path}.units`).catch(() => undefined);
}
