import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { SYSTEM_UNIT_DIRS } from '../load/search-path';
import { chaseInRoot } from './chase';

/**
 * systemd's LookupPaths for the system scope, for one root directory. Every path carries the root prefix, as
 * systemd 252's do, so the messages name `/ROOT/etc/...` while the symlinks written point to `/lib/...`.
 */
export interface LookupPaths {
  /** `/` or an absolute directory the whole tree lives under (`systemctl --root=`). */
  readonly root: string;
  /** Highest priority first; directories that do not exist are dropped, as lookup_paths_reduce() does. */
  readonly searchPath: readonly string[];
  readonly persistentConfig: string;
  readonly runtimeConfig: string;
  readonly generatorDirs: readonly string[];
  readonly transientDir: string;
}

/** Where `systemctl enable` writes: /etc/systemd/system, or /run/systemd/system with --runtime. */
export function configPath(lp: LookupPaths, runtime: boolean): string {
  return runtime ? lp.runtimeConfig : lp.persistentConfig;
}

/**
 * rsd's own `units/` (the standard targets): the lowest-priority vendor directory, but only for the real root;
 * an image under --root has its own targets or none.
 */
function builtinUnitDir(): string | null {
  for (const up of ['../..', '../../..']) {
    const dir = join(__dirname, up, 'units');
    if (existsSync(join(dir, 'multi-user.target'))) return dir;
  }
  return null;
}

export function prefixRoot(root: string, path: string): string {
  return root === '/' ? path : root + path;
}

export function lookupPaths(rootDir: string): LookupPaths {
  const root = posix.resolve(rootDir);
  const dirs = SYSTEM_UNIT_DIRS.map((d) => prefixRoot(root, d));
  if (root === '/') {
    const builtin = builtinUnitDir();
    if (builtin !== null) dirs.push(builtin);
  }
  // Drop missing directories and second names of the same directory (/lib and /usr/lib on merged-/usr).
  const seen = new Set<string>();
  const searchPath: string[] = [];
  for (const dir of dirs) {
    const real = chaseInRoot(root, dir, true);
    if (real === null) continue;
    let id: string;
    try {
      const st = statSync(real);
      if (!st.isDirectory()) continue;
      id = `${st.dev}:${st.ino}`;
    } catch {
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    searchPath.push(dir);
  }
  return {
    root,
    searchPath,
    persistentConfig: prefixRoot(root, '/etc/systemd/system'),
    runtimeConfig: prefixRoot(root, '/run/systemd/system'),
    generatorDirs: [
      '/run/systemd/generator.early',
      '/run/systemd/generator',
      '/run/systemd/generator.late',
    ].map((d) => prefixRoot(root, d)),
    transientDir: prefixRoot(root, '/run/systemd/transient'),
  };
}

/** Search directories as they were configured, missing ones included: a symlink target is judged against these. */
export function isUnderSearchPath(lp: LookupPaths, path: string): string | null {
  for (const d of lp.searchPath) if (path.startsWith(d + '/')) return path.slice(d.length + 1);
  return null;
}

/**
 * LookupPaths for the directories rsd itself loads units from (its search path, `--unit-dir` included): the
 * enablement links that count are those in these directories, and /etc/systemd/system, or else the first
 * directory, plays the persistent configuration directory.
 */
export function lookupPathsFor(searchPath: readonly string[]): LookupPaths {
  const std = lookupPaths('/');
  const persistentConfig = searchPath.includes(std.persistentConfig)
    ? std.persistentConfig
    : (searchPath[0] ?? std.persistentConfig);
  return { ...std, searchPath: [...searchPath], persistentConfig };
}
