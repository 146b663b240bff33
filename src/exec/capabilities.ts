/**
 * Capability sets as systemd computes them from CapabilityBoundingSet= and AmbientCapabilities= lines
 * (systemd 252's config_parse_capability_set), as a mask with bit N for capability N.
 */
import type { CapabilityLine } from '../unit/table/parsers-exec';

/** linux/capability.h, in number order. */
const NAMES = [
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'setpcap',
  'linux_immutable',
  'net_bind_service',
  'net_broadcast',
  'net_admin',
  'net_raw',
  'ipc_lock',
  'ipc_owner',
  'sys_module',
  'sys_rawio',
  'sys_chroot',
  'sys_ptrace',
  'sys_pacct',
  'sys_admin',
  'sys_boot',
  'sys_nice',
  'sys_resource',
  'sys_time',
  'sys_tty_config',
  'mknod',
  'lease',
  'audit_write',
  'audit_control',
  'setfcap',
  'mac_override',
  'mac_admin',
  'syslog',
  'wake_alarm',
  'block_suspend',
  'audit_read',
  'perfmon',
  'bpf',
  'checkpoint_restore',
] as const;

const NUMBER = new Map<string, number>(NAMES.map((n, i) => [`cap_${n}`, i]));

/** All 64 bits: what "unchanged" means for a bounding set, and what `~` alone gives. */
export const ALL_CAPABILITIES = (1n << 64n) - 1n;

/** A capability's number from its name (any case) or its number; null if neither. */
export function capabilityNumber(name: string): number | null {
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n < 64 ? n : null;
  }
  return NUMBER.get(name.toLowerCase()) ?? null;
}

/** CAP_NET_BIND_SERVICE for 10; the number itself past the names rsd knows. */
export function capabilityName(n: number): string {
  const name = NAMES[n];
  return name ? `CAP_${name.toUpperCase()}` : String(n);
}

/**
 * Folds the lines in order, as systemd does: a line replaces the set when the set is still at its initial
 * value or the line names nothing ("" empties it, "~" fills it); otherwise it is ORed in, or with `~` the
 * named capabilities are removed. Unknown names are ignored, as systemd ignores them.
 */
export function capabilitySet(lines: readonly CapabilityLine[], initial: bigint): bigint {
  let set = initial;
  for (const line of lines) {
    let sum = 0n;
    for (const name of line.names) {
      const n = capabilityNumber(name);
      if (n !== null) sum |= 1n << BigInt(n);
    }
    if (sum === 0n || set === initial) set = line.invert ? ~sum & ALL_CAPABILITIES : sum;
    else if (line.invert) set &= ~sum;
    else set |= sum;
  }
  return set;
}
