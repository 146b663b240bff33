import { readFileSync } from 'node:fs';
import { globToRegExp } from './glob';
import { prefixRoot } from './lookup-paths';
import { listNames } from './fs-util';

/** Where system preset files live, highest priority first (Debian 12's systemd 252 has /lib before /usr/lib). */
const PRESET_DIRS = [
  '/etc/systemd/system-preset',
  '/run/systemd/system-preset',
  '/usr/local/lib/systemd/system-preset',
  '/lib/systemd/system-preset',
  '/usr/lib/systemd/system-preset',
];

interface PresetRule {
  readonly action: 'enable' | 'disable';
  readonly pattern: RegExp;
}

/**
 * The preset for a unit name (unit_file_query_preset): the first matching `enable`/`disable` line of the
 * `.preset` files, read in file-name order with a file in a higher-priority directory hiding one of the same
 * name; no matching line means enabled. Instance lists on `enable` lines are not looked at.
 */
export function presetFor(root: string, name: string): 'enabled' | 'disabled' {
  for (const rule of presetRules(root))
    if (rule.pattern.test(name)) return rule.action === 'enable' ? 'enabled' : 'disabled';
  return 'enabled';
}

function presetRules(root: string): PresetRule[] {
  const byName = new Map<string, string>();
  for (const dir of PRESET_DIRS.map((d) => prefixRoot(root, d)))
    for (const f of listNames(dir)) if (f.endsWith('.preset') && !byName.has(f)) byName.set(f, `${dir}/${f}`);
  const rules: PresetRule[] = [];
  for (const file of [...byName.keys()].sort()) {
    let text: string;
    try {
      text = readFileSync(byName.get(file) as string, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const [verb, pattern] = line.split(/\s+/);
      if ((verb === 'enable' || verb === 'disable') && pattern !== undefined)
        rules.push({ action: verb, pattern: globToRegExp(pattern) });
    }
  }
  return rules;
}
