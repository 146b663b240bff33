/**
 * The sandboxing part of a unit's ExecOptions: namespaces, capabilities, NoNewPrivileges=. Not applied to
 * commands with the `+` prefix (the caller's business), as systemd.service(5) says.
 */
import type { ExecContext } from '../unit/table/exec-context';
import { ALL_CAPABILITIES, capabilitySet } from './capabilities';
import { NetworkNamespaceStorage } from './network-namespace';
import { createPrivateTmp, removePrivateTmp } from './private-tmp';
import { mountPlan, type PrivateTmpDirs } from './sandbox-mounts';
import type { ExecOptions } from './spawn-spec';

export type SandboxOptions = Pick<
  ExecOptions,
  | 'privateNetwork'
  | 'networkNamespaceStorage'
  | 'mounts'
  | 'capabilityBoundingSet'
  | 'ambientCapabilities'
  | 'noNewPrivileges'
>;

/** What rsd keeps per unit for the sandbox: PrivateTmp='s directories, PrivateNetwork='s namespace. */
export interface UnitSandbox {
  readonly privateTmp: PrivateTmpDirs | null;
  readonly network: NetworkNamespaceStorage | null;
}

export const NO_UNIT_SANDBOX: UnitSandbox = { privateTmp: null, network: null };

export function sandboxOptions(exec: ExecContext, unit: UnitSandbox): SandboxOptions {
  const out: SandboxOptions = {};
  if (exec.PrivateNetwork) {
    out.privateNetwork = true;
    if (unit.network) out.networkNamespaceStorage = unit.network.fds;
  }
  const privateTmp = unit.privateTmp;
  const mounts = mountPlan(exec, exec.PrivateTmp ? privateTmp : null);
  if (mounts.length > 0) out.mounts = mounts;
  const bounding = capabilitySet(exec.CapabilityBoundingSet, ALL_CAPABILITIES);
  if (bounding !== ALL_CAPABILITIES) out.capabilityBoundingSet = bounding;
  const ambient = capabilitySet(exec.AmbientCapabilities, 0n);
  if (ambient !== 0n) out.ambientCapabilities = ambient;
  if (exec.NoNewPrivileges) out.noNewPrivileges = true;
  return out;
}

/** Made when a unit starts, before its first process. */
export function createUnitSandbox(unit: string, exec: ExecContext): UnitSandbox | Promise<UnitSandbox> {
  // Most units keep nothing: no promise to make for them.
  if (!exec.PrivateTmp && !exec.PrivateNetwork) return NO_UNIT_SANDBOX;
  return createStorage(unit, exec);
}

async function createStorage(unit: string, exec: ExecContext): Promise<UnitSandbox> {
  const privateTmp = exec.PrivateTmp ? await createPrivateTmp(unit) : null;
  return { privateTmp, network: exec.PrivateNetwork ? NetworkNamespaceStorage.create() : null };
}

/** Released when the unit has stopped (a restart makes fresh ones, as systemd does). */
export async function releaseUnitSandbox(s: UnitSandbox): Promise<void> {
  s.network?.close();
  if (s.privateTmp) await removePrivateTmp(s.privateTmp);
}
