/**
 * Encodes a spawn's needs as rsd-exec-helper's command line (the grammar is documented at the top of
 * native/exec-helper.c). Pure; validates what the helper would reject so mistakes surface here, in the
 * manager, with a message, instead of as exit status 255 in a child.
 */
import type { MountOp } from './sandbox-mounts';
import type { ExecOptions, Rlimit, RlimitName, RlimitValue } from './spawn-spec';

export interface HelperRequest {
  exec: ExecOptions;
  setsid: boolean;
  /** IgnoreSIGPIPE=: the helper leaves SIGPIPE ignored after resetting every signal. */
  ignoreSigpipe?: boolean;
  statusFd: number;
  /** The child's fd of the first end of exec.networkNamespaceStorage (the second follows it). */
  networkStorageFd?: number;
  /** Socket activation: the number of passed fds and their names. */
  listen?: { count: number; names?: readonly string[] };
  path: string;
  argv0: string;
  args: readonly string[];
}

function int(name: string, v: number, min: number, max: number): string {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`${name} out of range: ${v}`);
  return String(v);
}

const ID_MAX = 0xfffffffe; // (uid_t)-1 means "unchanged" to the kernel

function rlimitValue(v: RlimitValue): string {
  if (v === 'infinity') return v;
  return int('rlimit', v, 0, Number.MAX_SAFE_INTEGER);
}

function rlimitArg(name: RlimitName, l: Rlimit): string {
  return `${name}=${rlimitValue(l.soft)}:${rlimitValue(l.hard)}`;
}

function mask(name: string, v: bigint): string {
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`${name} out of range: ${v}`);
  return v.toString(16);
}

function mountPath(path: string, ignoreMissing: boolean): string {
  if (!path.startsWith('/')) throw new RangeError(`mount path is not absolute: ${path}`);
  return ignoreMissing ? `-${path}` : path;
}

function mountArgs(m: MountOp): string[] {
  const path = mountPath(m.path, m.ignoreMissing);
  if (m.kind === 'bind') return ['--mount-bind', m.source, path];
  return [`--mount-${m.kind}`, path];
}

export function helperArgv(req: HelperRequest): string[] {
  const e = req.exec;
  const out: string[] = ['--status-fd', int('status fd', req.statusFd, 0, 0x7fffffff)];
  if (req.setsid) out.push('--setsid');
  if (req.ignoreSigpipe) out.push('--ignore-sigpipe');
  if (e.cgroup !== undefined) out.push('--cgroup', e.cgroup.path);
  if (e.oomScoreAdjust !== undefined)
    out.push('--oom-score-adjust', int('oomScoreAdjust', e.oomScoreAdjust, -1000, 1000));
  if (e.nice !== undefined) out.push('--nice', int('nice', e.nice, -20, 19));
  for (const [name, limit] of Object.entries(e.rlimits ?? {}) as [RlimitName, Rlimit | undefined][]) {
    if (limit) out.push('--rlimit', rlimitArg(name, limit));
  }
  if (e.umask !== undefined) {
    int('umask', e.umask, 0, 0o777); // validates; the helper reads octal
    out.push('--umask', e.umask.toString(8));
  }
  if (e.rootDirectory !== undefined) out.push('--chroot', e.rootDirectory);
  if (e.uid !== undefined) out.push('--uid', int('uid', e.uid, 0, ID_MAX));
  if (e.gid !== undefined) out.push('--gid', int('gid', e.gid, 0, ID_MAX));
  if (e.groups !== undefined) out.push('--groups', e.groups.map((g) => int('group', g, 0, ID_MAX)).join(','));
  if (e.workingDirectory !== undefined) {
    out.push('--chdir', e.workingDirectory.path);
    if (e.workingDirectory.missingOk) out.push('--chdir-optional');
  }
  if (e.watchdogPid) out.push('--watchdog-pid');
  if (e.privateNetwork) {
    if (req.networkStorageFd !== undefined)
      out.push('--private-network-storage', int('network storage fd', req.networkStorageFd, 0, 0x7ffffffe));
    else out.push('--private-network');
  }
  for (const m of e.mounts ?? []) out.push(...mountArgs(m));
  if (e.capabilityBoundingSet !== undefined)
    out.push('--capability-bounding-set', mask('capabilityBoundingSet', e.capabilityBoundingSet));
  if (e.ambientCapabilities !== undefined && e.ambientCapabilities !== 0n)
    out.push('--ambient-capabilities', mask('ambientCapabilities', e.ambientCapabilities));
  if (e.noNewPrivileges) out.push('--no-new-privileges');
  if (req.listen) {
    out.push('--listen-fds', String(req.listen.count));
    if (req.listen.names) {
      for (const n of req.listen.names) {
        if (n.includes(':')) throw new RangeError(`fd name contains ':': ${n}`);
      }
      out.push('--listen-fdnames', req.listen.names.join(':'));
    }
  }
  out.push('--', req.path, req.argv0, ...req.args);
  return out;
}

/** True when the spawn needs the helper: anything in `exec`, or socket activation. */
export function needsHelper(exec: ExecOptions | undefined, listen: unknown): boolean {
  if (listen !== undefined) return true;
  if (!exec) return false;
  return Object.values(exec).some((v) => v !== undefined);
}
