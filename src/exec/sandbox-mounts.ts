/**
 * The mount namespace of a unit's processes, as systemd 252's namespace.c builds it: ProtectSystem=,
 * ProtectHome=, PrivateTmp=, ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths= and the unit's
 * RuntimeDirectory= and friends (always writable) become one list of mounts, sorted parents first, where a
 * path named twice keeps its strongest mode, nothing survives below an inaccessible path, and an entry that
 * repeats its parent's mode is dropped. The exec helper applies the list in order. Pure.
 */
import { posix } from 'node:path';
import { EXEC_DIRECTORY_KINDS } from './exec-directory-kinds';
import type { PrefixedPath } from '../unit/table/parsers';

export type MountOp =
  | {
      readonly kind: 'read-only' | 'read-write' | 'inaccessible' | 'tmpfs';
      readonly path: string;
      readonly ignoreMissing: boolean;
    }
  | {
      readonly kind: 'bind';
      readonly source: string;
      readonly path: string;
      readonly ignoreMissing: boolean;
    };

/** The unit's settings the plan reads (ExecContext's fields). */
export interface SandboxSettings {
  readonly ProtectSystem: 'no' | 'yes' | 'full' | 'strict';
  readonly ProtectHome: 'no' | 'yes' | 'read-only' | 'tmpfs';
  readonly PrivateTmp: boolean;
  readonly ReadWritePaths: readonly PrefixedPath[];
  readonly ReadOnlyPaths: readonly PrefixedPath[];
  readonly InaccessiblePaths: readonly PrefixedPath[];
  readonly RuntimeDirectory: readonly string[];
  readonly StateDirectory: readonly string[];
  readonly CacheDirectory: readonly string[];
  readonly LogsDirectory: readonly string[];
  readonly ConfigurationDirectory: readonly string[];
  readonly RootDirectory: string;
}

/** The host directories a unit's PrivateTmp= binds over /tmp and /var/tmp (see private-tmp.ts). */
export interface PrivateTmpDirs {
  readonly tmp: string;
  readonly varTmp: string;
}

/** systemd's MountMode, in its priority order: for one path, the lowest number wins. */
type Mode = 'inaccessible' | 'bind' | 'read-only' | 'read-write' | 'tmpfs' | 'read-write-implicit';
const PRIORITY: Readonly<Record<Mode, number>> = {
  inaccessible: 0,
  bind: 5,
  'read-only': 12,
  'read-write': 13,
  tmpfs: 16,
  'read-write-implicit': 21,
};

interface Entry {
  path: string;
  mode: Mode;
  ignoreMissing: boolean;
  source?: string;
  /** Already a host path: not moved under RootDirectory= (ReadWritePaths= and friends without `+`). */
  hostPath?: boolean;
}

const SYSTEM: Readonly<Record<'yes' | 'full' | 'strict', readonly Entry[]>> = {
  yes: [
    { path: '/usr', mode: 'read-only', ignoreMissing: false },
    { path: '/boot', mode: 'read-only', ignoreMissing: true },
    { path: '/efi', mode: 'read-only', ignoreMissing: true },
  ],
  full: [
    { path: '/usr', mode: 'read-only', ignoreMissing: false },
    { path: '/boot', mode: 'read-only', ignoreMissing: true },
    { path: '/efi', mode: 'read-only', ignoreMissing: true },
    { path: '/etc', mode: 'read-only', ignoreMissing: false },
  ],
  // The API file systems stay writable (PrivateDevices=, ProtectKernelTunables= guard those), and so do
  // the home directories, which are ProtectHome='s business.
  strict: [
    { path: '/', mode: 'read-only', ignoreMissing: false },
    { path: '/proc', mode: 'read-write-implicit', ignoreMissing: false },
    { path: '/sys', mode: 'read-write-implicit', ignoreMissing: false },
    { path: '/dev', mode: 'read-write-implicit', ignoreMissing: false },
    { path: '/home', mode: 'read-write-implicit', ignoreMissing: true },
    { path: '/run/user', mode: 'read-write-implicit', ignoreMissing: true },
    { path: '/root', mode: 'read-write-implicit', ignoreMissing: true },
  ],
};

const HOME_PATHS = ['/home', '/run/user', '/root'];
const HOME_MODE: Readonly<Record<'yes' | 'read-only' | 'tmpfs', Mode>> = {
  yes: 'inaccessible',
  'read-only': 'read-only',
  tmpfs: 'tmpfs',
};

/** True when the settings ask for a mount namespace at all. */
export function needsMountNamespace(s: SandboxSettings): boolean {
  return (
    s.ProtectSystem !== 'no' ||
    s.ProtectHome !== 'no' ||
    s.PrivateTmp ||
    s.ReadWritePaths.length > 0 ||
    s.ReadOnlyPaths.length > 0 ||
    s.InaccessiblePaths.length > 0
  );
}

function normal(path: string): string {
  const p = posix.normalize(path);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Component by component, so a parent always sorts right before its subtree ("/a", "/a/b", "/a-b"). */
function comparePaths(a: string, b: string): number {
  const x = a.split('/').filter(Boolean);
  const y = b.split('/').filter(Boolean);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** `path` is `parent` or below it. */
function isUnder(path: string, parent: string): boolean {
  return parent === '/' || path === parent || path.startsWith(parent + '/');
}

function access(paths: readonly PrefixedPath[], mode: Mode): Entry[] {
  return paths.map((p) => ({
    path: p.path,
    mode,
    ignoreMissing: p.ignoreMissing,
    hostPath: !p.relativeToRoot,
  }));
}

/** The ordered mounts for a unit, or an empty list when it needs no mount namespace. */
export function mountPlan(s: SandboxSettings, privateTmp: PrivateTmpDirs | null): MountOp[] {
  if (!needsMountNamespace(s)) return [];
  const entries: Entry[] = [
    ...access(s.ReadWritePaths, 'read-write'),
    ...access(s.ReadOnlyPaths, 'read-only'),
    ...access(s.InaccessiblePaths, 'inaccessible'),
  ];
  // The unit's own directories stay writable whatever else is read-only (rsd created them before the spawn).
  for (const kind of EXEC_DIRECTORY_KINDS)
    for (const n of s[kind.setting])
      entries.push({ path: posix.join(kind.base, n), mode: 'read-write', ignoreMissing: true });
  if (privateTmp) {
    entries.push({ path: '/tmp', mode: 'bind', source: privateTmp.tmp, ignoreMissing: false });
    entries.push({ path: '/var/tmp', mode: 'bind', source: privateTmp.varTmp, ignoreMissing: false });
  }
  if (s.ProtectSystem !== 'no') entries.push(...SYSTEM[s.ProtectSystem].map((e) => ({ ...e })));
  if (s.ProtectHome !== 'no') {
    const mode = HOME_MODE[s.ProtectHome];
    for (const path of HOME_PATHS) entries.push({ path, mode, ignoreMissing: true });
  }

  // RootDirectory=: the unit's view is below it; host paths outside it do not concern the unit.
  const root = s.RootDirectory === '' ? '/' : normal(s.RootDirectory);
  let placed = entries.map((e) => ({
    ...e,
    path: normal(e.hostPath || root === '/' ? e.path : posix.join(root, e.path)),
  }));
  if (root !== '/') placed = placed.filter((e) => isUnder(e.path, root));

  placed.sort((a, b) => comparePaths(a.path, b.path) || PRIORITY[a.mode] - PRIORITY[b.mode]);
  const kept: Entry[] = [];
  let clear: string | null = null;
  let previous: string | null = null;
  for (const e of placed) {
    if (e.path === previous) continue; // the stronger mode came first
    previous = e.path;
    if (clear !== null && isUnder(e.path, clear) && e.path !== clear) continue;
    clear = e.mode === 'inaccessible' ? e.path : null;
    if (e.mode === 'read-only' || e.mode === 'read-write' || e.mode === 'read-write-implicit') {
      const parent = [...kept].reverse().find((p) => isUnder(e.path, p.path));
      if (parent && parent.mode === e.mode) continue;
    }
    kept.push(e);
  }
  return kept.map((e): MountOp => {
    if (e.mode === 'bind')
      return { kind: 'bind', source: e.source!, path: e.path, ignoreMissing: e.ignoreMissing };
    const kind = e.mode === 'read-write-implicit' ? 'read-write' : e.mode;
    return { kind, path: e.path, ignoreMissing: e.ignoreMissing };
  });
}
