import { access, constants, lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { systemFacts } from '../unit/values/specifiers';
import { compareVersions, fnmatch, holds, splitOperator } from './compare';
import { detectVirtualization, primary } from './virtualization';

/**
 * One check per Condition*=/Assert*= name (without the prefix), as systemd.unit(5) defines it. A check gets the
 * parameter as written (after specifiers) and answers true or false; it never throws: a check that cannot tell
 * (a file that cannot be read) answers false, as systemd's condition_test() does for errors.
 */
export type Check = (parameter: string) => Promise<boolean>;

const ok = (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => true,
    () => false,
  );
const read = (p: string): Promise<string> => readFile(p, 'utf8').catch(() => '');

/** A `/proc/self/mountinfo` line's mount point and its per-mount options. */
async function mounts(): Promise<Array<{ point: string; options: string[] }>> {
  const text = await read('/proc/self/mountinfo');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const f = l.split(' ');
      const unescape = (s: string) =>
        s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      return { point: unescape(f[4] ?? ''), options: (f[5] ?? '').split(',') };
    });
}

async function mountOf(path: string): Promise<{ point: string; options: string[] } | null> {
  const real = await realpath(path).catch(() => null);
  if (real === null) return null;
  let best: { point: string; options: string[] } | null = null;
  for (const m of await mounts()) {
    const inside = m.point === '/' || real === m.point || real.startsWith(m.point + '/');
    // The last mount on a point is the visible one.
    if (inside && (best === null || m.point.length >= best.point.length)) best = m;
  }
  return best;
}

/** Expands a glob path one component at a time: enough for ConditionPathExistsGlob=. */
async function globExists(pattern: string): Promise<boolean> {
  const parts = pattern.split('/').filter((p) => p !== '');
  let candidates = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!/[*?[]/.test(part)) {
        const p = join(dir, part);
        if (await ok(lstat(p))) next.push(p);
        continue;
      }
      const entries = await readdir(dir).catch(() => [] as string[]);
      for (const e of entries)
        if (fnmatch(part, e) && !(e.startsWith('.') && !part.startsWith('.'))) next.push(join(dir, e));
    }
    if (next.length === 0) return false;
    candidates = next;
  }
  return candidates.length > 0;
}

async function capabilityBound(name: string): Promise<boolean> {
  const index = CAPABILITIES.indexOf(name.toLowerCase().replace(/^cap_/, ''));
  if (index < 0) return false;
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await read('/proc/self/status'));
  return m !== null && ((BigInt('0x' + m[1]) >> BigInt(index)) & 1n) === 1n;
}

const CAPABILITIES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap',
  'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner',
  'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice',
  'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap',
  'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
]; // prettier-ignore

async function kernelCommandLine(param: string): Promise<boolean> {
  const words = (await read('/proc/cmdline')).trim().split(/\s+/);
  return param.includes('=')
    ? words.includes(param)
    : words.some((w) => w === param || w.startsWith(param + '='));
}

async function virtualization(param: string): Promise<boolean> {
  const facts = await detectVirtualization();
  const p = primary(facts);
  const b =
    param === 'yes' || param === 'true' || param === '1'
      ? true
      : param === 'no' || param === 'false' || param === '0'
        ? false
        : null;
  if (b !== null) return b === (p.kind !== 'none');
  if (param === 'vm') return facts.vm !== null && facts.container === null;
  if (param === 'container') return facts.container !== null;
  if (param === 'private-users') return (await read('/proc/self/uid_map')).trim() !== '0 0 4294967295';
  return facts.container === param || (facts.container === null && facts.vm === param);
}

async function security(param: string): Promise<boolean> {
  switch (param) {
    case 'selinux':
      return ok(access('/sys/fs/selinux/enforce'));
    case 'apparmor':
      return (await read('/sys/module/apparmor/parameters/enabled')).trim() === 'Y';
    case 'smack':
      return ok(access('/sys/fs/smackfs'));
    case 'ima':
      return ok(access('/sys/kernel/security/ima'));
    case 'tomoyo':
      return ok(access('/sys/kernel/security/tomoyo/version'));
    case 'audit':
      return ok(access('/proc/self/loginuid'));
    case 'uefi-secureboot':
      return ok(access('/sys/firmware/efi/efivars'));
    case 'tpm2':
      return (await readdir('/sys/class/tpmrm').catch(() => [])).length > 0;
    default:
      return false;
  }
}

/** A number compared with an operator (`>=4`, `2`, `<1G` for memory). */
function compareNumber(param: string, actual: number, unit: (s: string) => number | null): boolean {
  const split = splitOperator(param) ?? { op: '>=' as const, rest: param };
  const want = unit(split.rest);
  return want !== null && holds(Math.sign(actual - want), split.op);
}

function parseSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTPE]?)$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 1024 ** ' KMGTPE'.indexOf(m[2] || ' ');
}

async function osRelease(param: string): Promise<boolean> {
  for (const clause of param.split(/\s+/).filter((c) => c !== '')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(<=|>=|!=|<|>|=)(.*)$/.exec(clause);
    if (!m) return false;
    const actual = systemFacts().osRelease[m[1]!] ?? '';
    const op = m[2] as Parameters<typeof holds>[1];
    const cmp = op === '=' || op === '!=' ? (fnmatch(m[3]!, actual) ? 0 : 1) : compareVersions(actual, m[3]!);
    if (!holds(cmp, op)) return false;
  }
  return true;
}

async function kernelVersion(param: string): Promise<boolean> {
  const release = systemFacts().kernelRelease;
  for (const clause of param.split(/\s+/).filter((c) => c !== '')) {
    const split = splitOperator(clause);
    const good =
      split === null ? fnmatch(clause, release) : holds(compareVersions(release, split.rest), split.op);
    if (!good) return false;
  }
  return true;
}

async function needsUpdate(param: string): Promise<boolean> {
  if (param !== '/etc' && param !== '/var') return false;
  const usr = await stat('/usr').catch(() => null);
  const stamp = await stat(`${param}/.updated`).catch(() => null);
  return usr !== null && (stamp === null || usr.mtimeMs > stamp.mtimeMs);
}

async function acPower(param: string): Promise<boolean> {
  const dir = '/sys/class/power_supply';
  const supplies = await readdir(dir).catch(() => [] as string[]);
  let mains = 0;
  let online = false;
  for (const s of supplies) {
    if ((await read(join(dir, s, 'type'))).trim() !== 'Mains') continue;
    mains++;
    if ((await read(join(dir, s, 'online'))).trim() === '1') online = true;
  }
  // With no mains supply to ask (a server, a container), systemd says we are on AC power.
  const onAc = mains === 0 || online;
  return param === 'yes' || param === 'true' || param === '1' ? onAc : !onAc;
}

async function pressure(kind: 'memory' | 'cpu' | 'io', param: string): Promise<boolean> {
  const text = await read(`/proc/pressure/${kind}`);
  if (text === '') return true;
  const m = /^(\d+(?:\.\d+)?)%(?:\/(\d+)(sec|min)?)?$/.exec(param.trim());
  if (!m) return false;
  const window = m[2] === '300' || m[3] === 'min' ? 'avg300' : m[2] === '60' ? 'avg60' : 'avg10';
  const line = /^some .*$/m.exec(text)?.[0] ?? '';
  const avg = Number(new RegExp(`${window}=(\\d+(?:\\.\\d+)?)`).exec(line)?.[1] ?? '0');
  return avg <= Number(m[1]);
}

function isUser(param: string): boolean {
  const f = systemFacts();
  if (param === '@system') return process.getuid?.() === 0 || (process.getuid?.() ?? 0) < 1000;
  return /^\d+$/.test(param) ? Number(param) === process.getuid?.() : param === f.userName;
}

async function isGroup(param: string): Promise<boolean> {
  const groups = process.getgroups?.() ?? [];
  const gid = process.getgid?.() ?? 0;
  if (/^\d+$/.test(param)) return Number(param) === gid || groups.includes(Number(param));
  const line = (await read('/etc/group')).split('\n').find((l) => l.startsWith(param + ':'));
  if (!line) return false;
  const id = Number(line.split(':')[2]);
  return id === gid || groups.includes(id);
}

export const CHECKS: Readonly<Record<string, Check>> = {
  PathExists: (p) => ok(access(p)),
  PathExistsGlob: (p) => globExists(p),
  PathIsDirectory: async (p) => (await stat(p).catch(() => null))?.isDirectory() ?? false,
  PathIsSymbolicLink: async (p) => (await lstat(p).catch(() => null))?.isSymbolicLink() ?? false,
  PathIsMountPoint: async (p) => {
    const real = await realpath(p).catch(() => null);
    return real !== null && (await mounts()).some((m) => m.point === real);
  },
  PathIsReadWrite: async (p) => {
    const m = await mountOf(p);
    return m !== null && m.options.includes('rw');
  },
  // rsd does not look into dm-crypt stacks yet: nothing counts as encrypted (docs/unit-files.md).
  PathIsEncrypted: async () => false,
  DirectoryNotEmpty: async (p) => {
    const entries = await readdir(p).catch(() => null);
    // systemd ignores hidden and backup files here (dir_is_empty with ignore_hidden_or_backup).
    return entries !== null && entries.some((e) => !e.startsWith('.') && !e.endsWith('~'));
  },
  FileNotEmpty: async (p) => {
    const s = await stat(p).catch(() => null);
    return s !== null && s.isFile() && s.size > 0;
  },
  FileIsExecutable: async (p) => {
    const s = await stat(p).catch(() => null);
    return s !== null && s.isFile() && (s.mode & 0o111) !== 0;
  },
  Virtualization: virtualization,
  Capability: capabilityBound,
  KernelCommandLine: kernelCommandLine,
  KernelVersion: kernelVersion,
  Environment: async (p) =>
    p.includes('=')
      ? process.env[p.slice(0, p.indexOf('='))] === p.slice(p.indexOf('=') + 1)
      : p in process.env,
  User: async (p) => isUser(p),
  Group: isGroup,
  Host: async (p) => {
    const f = systemFacts();
    return (
      fnmatch(p, f.hostname) || (f.machineId !== null && p.toLowerCase().replace(/-/g, '') === f.machineId)
    );
  },
  Architecture: async (p) => p === 'native' || p === systemFacts().architecture,
  FirstBoot: async (p) => {
    const id = (await read('/etc/machine-id')).trim();
    const first = id === '' || id === 'uninitialized';
    return p === 'yes' || p === 'true' || p === '1' ? first : !first;
  },
  NeedsUpdate: needsUpdate,
  ACPower: acPower,
  Security: security,
  CPUs: async (p) => compareNumber(p, cpus().length, (s) => (/^\d+$/.test(s) ? Number(s) : null)),
  Memory: async (p) => compareNumber(p, totalmem(), parseSize),
  OSRelease: osRelease,
  ControlGroupController: async (p) => {
    const v2 = (await read('/sys/fs/cgroup/cgroup.controllers')).split(/\s+/);
    if (p === 'v2') return v2.length > 1 || v2[0] !== '';
    if (p === 'v1') return ok(access('/sys/fs/cgroup/cpu'));
    return v2.includes(p) || ok(access(join('/sys/fs/cgroup', p)));
  },
  Credential: (p) => ok(access(join('/run/credentials/@system', p), constants.R_OK)),
  CPUFeature: async (p) =>
    new RegExp(`^flags\\s*:.*\\b${p.toLowerCase()}\\b`, 'm').test(await read('/proc/cpuinfo')),
  Firmware: async (p) => {
    if (p === 'uefi') return ok(access('/sys/firmware/efi'));
    if (p === 'device-tree') return ok(access('/sys/firmware/devicetree/base'));
    const m = /^device-tree-compatible\((.+)\)$/.exec(p);
    if (m) return (await read('/proc/device-tree/compatible')).split('\0').includes(m[1]!);
    return false;
  },
  MemoryPressure: (p) => pressure('memory', p),
  CPUPressure: (p) => pressure('cpu', p),
  IOPressure: (p) => pressure('io', p),
};
