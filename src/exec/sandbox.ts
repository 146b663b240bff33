/**
 * The sandboxing part of a unit's ExecOptions: namespaces, capabilities, NoNewPrivileges=. Not applied to
 * commands with the `+` prefix (the caller's business), as systemd.service(5) says.
 */
import type { ExecContext } from '../unit/table/exec-context';
import { ALL_CAPABILITIES, capabilitySet } from './capabilities';
import { mountPlan, type PrivateTmpDirs } from './sandbox-mounts';
import type { ExecOptions } from './spawn-spec';

export type SandboxOptions = Pick<
  ExecOptions,
  'privateNetwork' | 'mounts' | 'capabilityBoundingSet' | 'ambientCapabilities' | 'noNewPrivileges'
>;

export function sandboxOptions(exec: ExecContext, privateTmp: PrivateTmpDirs | null): SandboxOptions {
  const out: SandboxOptions = {};
  if (exec.PrivateNetwork) out.privateNetwork = true;
  const mounts = mountPlan(exec, exec.PrivateTmp ? privateTmp : null);
  if (mounts.length > 0) out.mounts = mounts;
  const bounding = capabilitySet(exec.CapabilityBoundingSet, ALL_CAPABILITIES);
  if (bounding !== ALL_CAPABILITIES) out.capabilityBoundingSet = bounding;
  const ambient = capabilitySet(exec.AmbientCapabilities, 0n);
  if (ambient !== 0n) out.ambientCapabilities = ambient;
  if (exec.NoNewPrivileges) out.noNewPrivileges = true;
  return out;
}
