import { templateOf } from '../unit/name';
import type { NameEntry } from './scan-tree';

/** systemd's FOLLOW_MAX: an alias chain longer than this is treated as a loop. */
const FOLLOW_MAX = 8;

export type Followed =
  | {
      readonly ok: true;
      readonly path: string;
      /** The file's directory entry is a regular file, not a link. */
      readonly regular: boolean;
      readonly chain: readonly string[];
    }
  /** `absent`: the name itself is not in the map. `dangling`: an alias points to a name that is not there. */
  | {
      readonly ok: false;
      readonly reason: 'absent' | 'dangling' | 'loop';
      readonly chain: readonly string[];
    };

/**
 * Follows aliases from `name` to the file that defines it (systemd's unit_ids_map_get()). When an alias points
 * to an instance that has no entry of its own, the instance's template is used, as systemd does.
 * `chain` lists every name visited, the first being `name`.
 */
export function followAlias(names: ReadonlyMap<string, NameEntry>, name: string): Followed {
  const chain = [name];
  let current = name;
  for (let hops = 0; hops < FOLLOW_MAX; hops++) {
    let entry = names.get(current);
    if (entry === undefined) {
      if (hops === 0) return { ok: false, reason: 'absent', chain };
      const template = templateOf(current);
      entry = template === null ? undefined : names.get(template);
      if (entry === undefined) return { ok: false, reason: 'dangling', chain };
    }
    if (entry.kind === 'file') return { ok: true, path: entry.path, regular: entry.regular, chain };
    current = entry.target;
    chain.push(current);
  }
  return { ok: false, reason: 'loop', chain };
}
