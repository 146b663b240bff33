import { spawnSync } from 'node:child_process';

/** What systemd 252 itself made of one unit, read from `systemd-analyze verify`'s debug dump. */
export interface SystemdView {
  readonly state: 'loaded' | 'masked' | 'not-found';
  readonly id: string;
  readonly aliases: string[];
  readonly fragment: string | null;
  readonly dropIns: string[];
  readonly wants: string[];
  readonly requires: string[];
  readonly upholds: string[];
}

/** Whether systemd-analyze is here to ask (it is on the development machine; CI may lack it). */
export const haveSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;

/**
 * Loads `units` with systemd's own manager in test mode, with exactly `searchPath` as its unit path, and parses
 * the unit dump it logs at debug level. Keyed by the requested name.
 */
export function askSystemd(
  searchPath: readonly string[],
  units: readonly string[],
): Map<string, SystemdView> {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], {
    env: { ...process.env, SYSTEMD_UNIT_PATH: searchPath.join(':'), SYSTEMD_LOG_LEVEL: 'debug' },
    encoding: 'utf8',
  });
  const log = `${r.stdout}\n${r.stderr}`;
  const dumps = new Map<string, SystemdView>();
  let cur: { -readonly [K in keyof SystemdView]: SystemdView[K] } | null = null;
  for (const line of log.split('\n')) {
    const head = /^\t-> Unit (.+):$/.exec(line);
    if (head) {
      cur = {
        state: 'loaded',
        id: head[1]!,
        aliases: [],
        fragment: null,
        dropIns: [],
        wants: [],
        requires: [],
        upholds: [],
      };
      dumps.set(cur.id, cur);
      continue;
    }
    if (/^\t-> /.test(line) || !line.startsWith('\t\t')) {
      if (!line.startsWith('\t')) cur = null;
      continue;
    }
    if (cur === null) continue;
    const m = /^\t\t([A-Za-z ]+): (.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    const fileDep = /^(\S+) \(.*origin-file.*\)$/.exec(value);
    if (key === 'Alias') cur.aliases.push(value);
    else if (key === 'Fragment Path') cur.fragment = value;
    else if (key === 'DropIn Path') cur.dropIns.push(value);
    else if (key === 'Unit Load State' && value !== 'loaded') cur.state = value as SystemdView['state'];
    else if (fileDep && key === 'Wants') cur.wants.push(fileDep[1]!);
    // The default slice is recorded as a file dependency too; it is not one of ours.
    else if (fileDep && key === 'Requires' && !fileDep[1]!.endsWith('.slice')) cur.requires.push(fileDep[1]!);
    else if (fileDep && key === 'Upholds') cur.upholds.push(fileDep[1]!);
  }
  const out = new Map<string, SystemdView>();
  for (const u of units) {
    const dump = [...dumps.values()].find((d) => d.id === u || d.aliases.includes(u));
    if (dump) out.set(u, { ...dump, aliases: [...dump.aliases].sort() });
    else {
      // A masked unit has no dump; systemd names it by its id, which may be an alias of the requested name.
      const names = [
        u,
        ...[...log.matchAll(/^Unit (\S+) has alias (\S+)\.$/gm)].filter((m) => m[1] === u).map((m) => m[2]!),
      ];
      const masked = names.some((n) => log.includes(`Unit ${n} is masked.`));
      out.set(u, { ...emptyView(u), state: masked ? 'masked' : 'not-found' });
    }
  }
  return out;
}

function emptyView(id: string): SystemdView {
  return {
    state: 'not-found',
    id,
    aliases: [],
    fragment: null,
    dropIns: [],
    wants: [],
    requires: [],
    upholds: [],
  };
}
