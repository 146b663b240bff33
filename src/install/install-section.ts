import { readFileSync } from 'node:fs';
import { instantiate, parseUnitName } from '../unit/name';
import { parseUnit, type UnitFileText } from '../unit/parse-unit';
import { expandSpecifiers } from '../unit/values/specifiers';

/** The [Install] settings enable/disable act on, as install.c's InstallInfo holds them. */
export interface InstallRules {
  readonly aliases: readonly string[];
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly also: readonly string[];
  readonly defaultInstance: string | null;
}

export const NO_RULES: InstallRules = {
  aliases: [],
  wantedBy: [],
  requiredBy: [],
  also: [],
  defaultInstance: null,
};

/**
 * Reads the [Install] section of a unit file and its drop-ins, in order, with the project's parser. The files
 * are parsed as a target's: [Install] is the same for every type, and a target's table makes the other
 * sections of a service or socket harmless unknown sections instead of settings whose validation (a service
 * without ExecStart=) would fail the unit; systemctl reads [Install] whatever else the file says. Specifiers
 * expand against `unitName`, the name being enabled (an instance for `foo@bar.service`; a template's
 * DefaultInstance= fills in %i, but %n then names the instance too, where systemd keeps the template name). A file that cannot be read gives no rules: systemctl would fail to parse it too.
 */
export function readInstallRules(unitName: string, paths: readonly string[]): InstallRules {
  const files: UnitFileText[] = [];
  for (const path of paths) {
    try {
      files.push({ path, content: readFileSync(path) });
    } catch {
      // A drop-in that vanished or cannot be read adds nothing.
    }
  }
  if (files.length === 0) return NO_RULES;
  let rules = parseRules(unitName, unitName, files);
  // A template's specifiers see its DefaultInstance= as the instance (install_full_printf), so a second pass.
  const t = parseUnitName(unitName);
  if (t.ok && t.value.kind === 'template' && rules !== null && rules.defaultInstance !== null) {
    const inst = instantiate(unitName, rules.defaultInstance);
    if (inst.ok) rules = parseRules(unitName, inst.value, files);
  }
  return rules ?? NO_RULES;
}

function parseRules(
  unitName: string,
  specifierName: string,
  files: readonly UnitFileText[],
): InstallRules | null {
  const fragmentPath = files[0]?.path;
  const parsed = parseUnit({
    name: unitName,
    type: 'target',
    files,
    expand: (text) => expandSpecifiers(text, { name: specifierName, fragmentPath }),
  });
  if (!parsed.ok) return null;
  const i = parsed.config.Install;
  return {
    aliases: [...i.Alias],
    wantedBy: [...i.WantedBy],
    requiredBy: [...i.RequiredBy],
    also: [...i.Also],
    defaultInstance: i.DefaultInstance === '' ? null : i.DefaultInstance,
  };
}
