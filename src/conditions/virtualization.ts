import { access, readFile } from 'node:fs/promises';

/** What the system runs in, as systemd-detect-virt(1) names it. */
export type Virtualization =
  | { readonly kind: 'none' }
  | { readonly kind: 'vm'; readonly id: string }
  | { readonly kind: 'container'; readonly id: string };

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );
const read = (p: string): Promise<string> => readFile(p, 'utf8').catch(() => '');

/**
 * The `container=` variable of PID 1: our own environment when we are PID 1, else PID 1's, from
 * /proc/1/environ (systemd's detect_container()).
 */
async function containerVariable(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (process.pid === 1) return env.container;
  const environ = await read('/proc/1/environ');
  const entry = environ.split('\0').find((e) => e.startsWith('container='));
  return entry?.slice('container='.length);
}

/**
 * The container rsd runs in, as `systemd-detect-virt --container` says, or null. Not cached: an init asks
 * before it mounts /proc and /sys, and detectVirtualization() (cached) must only be asked after that.
 */
export async function detectContainer(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const osrelease = await read('/proc/sys/kernel/osrelease');
  if (/Microsoft|WSL/.test(osrelease)) return 'wsl';
  const fromFile = (await read('/run/systemd/container')).trim();
  if (fromFile) return fromFile;
  const variable = await containerVariable(env);
  if (variable) return variable === 'oci' ? 'podman' : variable;
  if (await exists('/run/.containerenv')) return 'podman';
  if (await exists('/.dockerenv')) return 'docker';
  return null;
}

const DMI_VENDORS: ReadonlyArray<[RegExp, string]> = [
  [/^KVM/, 'kvm'],
  [/^OpenStack/, 'kvm'],
  [/^QEMU/, 'qemu'],
  [/^VMware/, 'vmware'],
  [/^VMW/, 'vmware'],
  [/^innotek GmbH/, 'oracle'],
  [/^VirtualBox/, 'oracle'],
  [/^Oracle Corporation/, 'oracle'],
  [/^Xen/, 'xen'],
  [/^Bochs/, 'bochs'],
  [/^Parallels/, 'parallels'],
  [/^BHYVE/, 'bhyve'],
  [/^Hyper-V/, 'microsoft'],
  [/^Amazon EC2/, 'amazon'],
  [/^Google/, 'google'],
];

async function detectVm(): Promise<string | null> {
  for (const f of ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor', 'product_version']) {
    const v = (await read(`/sys/class/dmi/id/${f}`)).trim();
    for (const [re, id] of DMI_VENDORS) if (re.test(v)) return id;
    if (f === 'sys_vendor' && v === 'Microsoft Corporation') return 'microsoft';
  }
  if ((await read('/sys/hypervisor/type')).trim() === 'xen') return 'xen';
  const cpuinfo = await read('/proc/cpuinfo');
  if (!/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return null;
  // Without DMI (and without CPUID from here), the paravirtual clock tells KVM apart.
  const clocks = await read('/sys/devices/system/clocksource/clocksource0/available_clocksource');
  if (/\bkvm-clock\b/.test(clocks)) return 'kvm';
  if (/\bhyperv_clocksource/.test(clocks)) return 'microsoft';
  if (/\bxen\b/.test(clocks)) return 'xen';
  return 'vm-other';
}

/** Both layers: a container inside a VM is both (systemd-detect-virt -c and -v). */
export interface VirtualizationFacts {
  readonly container: string | null;
  readonly vm: string | null;
}

let cached: Promise<VirtualizationFacts> | null = null;

/** Detected once per process: it cannot change while rsd runs. */
export function detectVirtualization(env: NodeJS.ProcessEnv = process.env): Promise<VirtualizationFacts> {
  cached ??= Promise.all([detectContainer(env), detectVm()]).then(([container, vm]) => ({ container, vm }));
  return cached;
}

/** systemd-detect-virt's single answer: the container if there is one, else the VM. */
export function primary(f: VirtualizationFacts): Virtualization {
  if (f.container) return { kind: 'container', id: f.container };
  if (f.vm) return { kind: 'vm', id: f.vm };
  return { kind: 'none' };
}
