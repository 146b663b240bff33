import { parseUnitName, templateOf } from '../unit/name';

/**
 * `foo-bar-baz` -> `foo-bar-`, `foo-bar-` -> `foo-`, `foo` -> null: the next shorter dash prefix, chopping
 * one trailing dash at most (systemd's unit_file_find_dirs()). A leading dash ends the walk.
 */
function shorterDashPrefix(prefix: string): string | null {
  let p = prefix;
  let chopped = false;
  for (;;) {
    const dash = p.lastIndexOf('-');
    if (dash <= 0) return null;
    if (dash + 1 < p.length || chopped) return p.slice(0, dash + 1);
    p = p.slice(0, dash);
    chopped = true;
  }
}

/**
 * The names of the directories (`NAME` + suffix, suffix being `.d`, `.wants`, `.requires` or `.upholds`) that
 * systemd 252 looks at in each search directory for one unit name, in its order, without the suffix: the name,
 * then (for an instance) the template's, then the same again for the next shorter dash prefix. So
 * `a-b@i.service` gives `a-b@i.service`, `a-b@.service`, `a-.service`, `a-@i.service`, `a-@.service`. A file
 * name in an earlier directory overrides the same file name in a later one, which is why the order matters.
 * The type-wide `service.d` is not included: systemd adds it after all names (the index does, its stem being
 * the type).
 */
export function dropInStems(name: string): string[] {
  const out: string[] = [];
  walk(name, out);
  return [...new Set(out)];
}

function walk(name: string, out: string[]): void {
  out.push(name);
  const parsed = parseUnitName(name);
  if (!parsed.ok) return;
  const u = parsed.value;
  if (u.kind === 'instance') {
    const template = templateOf(name);
    if (template !== null) walk(template, out);
  }
  const shorter = shorterDashPrefix(u.prefix);
  if (shorter === null) return;
  const built = u.kind === 'instance' ? `${shorter}@${u.instance}.${u.type}` : `${shorter}.${u.type}`;
  // systemd gives up on this name when the built name is invalid (too long, say).
  if (!parseUnitName(built).ok) return;
  walk(built, out);
}
