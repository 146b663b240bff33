import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import type { Diagnostic } from '../unit/diagnostic';
import { instantiate, parseUnitName } from '../unit/name';
import type { ConfFile } from './conf-files';
import { errnoCode, errnoText } from './dir-listing';
import { fileKind } from './file-kind';
import { symlinkNameCompatible } from './symlink-names';

export interface UnitIdentity {
  readonly id: string;
  /** The unit's instance, or null for a plain unit. */
  readonly instance: string | null;
}

/**
 * A template named as a dependency takes the unit's instance, or for a plain unit its name's prefix (systemd's
 * resolve_template()): `foo@.service.wants/bar@.service` makes `foo@x.service` want `bar@x.service`.
 */
function resolveTemplate(dep: string, unit: UnitIdentity): string | null {
  const p = parseUnitName(dep);
  if (!p.ok || p.value.kind !== 'template') return dep;
  const inst = instantiate(dep, unit.instance ?? prefixOf(unit.id));
  return inst.ok ? inst.value : null;
}

function prefixOf(id: string): string {
  const p = parseUnitName(id);
  return p.ok ? p.value.prefix : id;
}

/**
 * Whether a dependency link is masked (systemd's null_or_empty_path() on it: its target is /dev/null or an
 * empty file), told from the target it was read to point at.
 */
export type LinkMasked = (linkPath: string, target: string) => boolean;

/**
 * The dependencies named by the entries of `.wants/`-style directories (already merged across directories),
 * as systemd 252's process_deps() takes them: an entry masked by /dev/null or an empty file is skipped; an
 * entry must be a symlink (a dangling one is fine: the name is what counts) with a valid unit name; a link
 * whose target has another name is taken but warned about.
 *
 * systemd stats the entry, then reads the link. Here a link (its d_type says so) is read first and `masked`
 * judges its target, which mostly needs no stat; the verdicts and warnings are systemd's, in its order.
 */
export function dependencyLinks(
  files: readonly ConfFile[],
  kind: 'Wants' | 'Requires' | 'Upholds',
  unit: UnitIdentity,
  diagnostics: Diagnostic[],
  masked: LinkMasked,
): string[] {
  const out: string[] = [];
  const warn = (file: string, message: string): void => {
    diagnostics.push({ file, line: 0, severity: 'warning', message: `${unit.id}: ${message}` });
  };
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    let target: string | null = null;
    let readError = '';
    if (f.kind === 'link') {
      try {
        target = readlinkSync(f.path);
      } catch (e) {
        readError = errnoCode(e);
      }
    }
    // A link that could not be read (replaced since the scan) is stat'ed, as systemd does with every entry.
    if (target !== null ? masked(f.path, target) : fileKind(f.path).kind === 'null-or-empty') continue;
    if (f.kind !== 'link') {
      warn(f.path, `${kind} dependency dropin ${f.path} is not a symlink, ignoring.`);
      continue;
    }
    if (!parseUnitName(f.name).ok) {
      warn(f.path, `${kind} dependency dropin ${f.path} is not a valid unit name, ignoring.`);
      continue;
    }
    if (target === null) {
      warn(f.path, `readlink("${f.path}") failed, ignoring: ${errnoText(readError)}`);
      continue;
    }
    if (!symlinkNameCompatible(f.name, basename(target), unit.instance !== null)) {
      warn(f.path, `${kind} dependency dropin ${f.path} target ${target} has different name`);
    }
    const dep = resolveTemplate(f.name, unit);
    if (dep === null) {
      warn(f.path, `Cannot add ${kind} dependency on ${f.name}, ignoring: no instance to give it`);
      continue;
    }
    if (!out.includes(dep)) out.push(dep);
  }
  return out;
}
