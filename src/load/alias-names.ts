import { basename } from 'node:path';
import { instantiate, parseUnitName } from '../unit/name';
import type { FileKind } from './file-kind';
import { followAlias } from './follow-alias';
import type { NameEntry, ScannedTree } from './scan-tree';

/**
 * The reverse of the name map: the name of each fragment's file -> every other name that leads to it (systemd's
 * unit_names_map; a file's own name, which always leads to it, is not listed). An instance linked to a template (`foo@a.service -> bar@.service`) is recorded under the
 * instance of the target (`bar@a.service`): it aliases that one instance only. Masked units have no aliases.
 */
export function buildAliasMap(
  tree: Pick<ScannedTree, 'names' | 'nameList' | 'entryList'>,
  kindOf: (path: string) => FileKind,
): Map<string, string[]> {
  const { names, nameList, entryList } = tree;
  const out = new Map<string, string[]>();
  for (let i = 0; i < nameList.length; i++) {
    // A name that is its own file leads to itself (the file is called after it), masked or not: that is left
    // implicit (see unitNames), as nearly every name is one and a list each would be garbage.
    if (entryList[i]!.kind === 'file') continue;
    const src = nameList[i]!;
    const f = followAlias(names, src);
    if (!f.ok) continue;
    // An alias of a masked unit names nothing.
    if (kindOf(f.path).kind === 'null-or-empty') continue;
    let dst = basename(f.path);
    const s = parseUnitName(src);
    const d = parseUnitName(dst);
    if (s.ok && s.value.kind === 'instance' && d.ok && d.value.kind === 'template') {
      const inst = instantiate(dst, s.value.instance);
      if (!inst.ok) continue;
      dst = inst.value;
    }
    addTo(out, dst, src);
  }
  return out;
}

function addTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * The names of the unit requested as `requested` whose fragment file is called `fragmentName` (null when none
 * was found): systemd 252's unit_file_find_fragment()/add_names(). For an instance, template names are turned
 * into the same instance, as the manager does when it adds them; an instance of an aliased template is left
 * out when that instance has a fragment of its own elsewhere.
 */
export function unitNames(
  names: ReadonlyMap<string, NameEntry>,
  aliasMap: ReadonlyMap<string, readonly string[]>,
  requested: string,
  fragmentName: string | null,
): Set<string> {
  const req = parseUnitName(requested);
  const instance = req.ok && req.value.kind === 'instance' ? req.value.instance : null;
  const out = new Set<string>();
  const add = (name: string): void => {
    if (instance === null) {
      out.add(name);
      return;
    }
    const p = parseUnitName(name);
    if (p.ok && p.value.kind === 'template') {
      const inst = instantiate(name, instance);
      if (inst.ok) out.add(inst.value);
    } else out.add(name);
  };
  const addNames = (name: string, fragmentBasename: string | null): void => {
    // A name leads to itself; for a template asked for by name, only when it is a file of its own.
    if (!(req.ok && req.value.kind === 'template') || names.get(name)?.kind === 'file') add(name);
    for (const alias of aliasMap.get(name) ?? []) {
      const a = parseUnitName(alias);
      if (instance !== null && a.ok && a.value.kind === 'template') {
        const inst = instantiate(alias, instance);
        if (!inst.ok) continue;
        const own = followAlias(names, inst.value);
        if (own.ok && fragmentBasename !== null && basename(own.path) !== fragmentBasename) continue;
        add(inst.value);
      } else add(alias);
    }
  };
  addNames(requested, null);
  if (fragmentName !== null && fragmentName !== requested) addNames(fragmentName, fragmentName);
  return out;
}
