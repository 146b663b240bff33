import { ChangeList } from './changes';
import { STRERROR, type InstallErrno } from './changes';
import { mayProcess } from './enable';
import { InstallContext } from './install-info';
import { lookupPaths } from './lookup-paths';
import { mangleName } from './names';
import { operationResult, type OperationResult } from './result';
import { createSymlink } from './symlinks';

export type GetDefaultResult =
  | { readonly ok: true; readonly name: string; readonly stdout: string; readonly exitStatus: 0 }
  | { readonly ok: false; readonly errno: InstallErrno; readonly stderr: string; readonly exitStatus: 1 };

/** `systemctl get-default`: the unit default.target leads to, aliases followed (in /etc and /run too). */
export function getDefault(root: string): GetDefaultResult {
  const d = new InstallContext(lookupPaths(root)).discover('default.target', {
    load: false,
    followConfigSymlinks: true,
  });
  if (!d.ok)
    return {
      ok: false,
      errno: d.errno,
      stderr: `Failed to get default target: ${STRERROR[d.errno]}`,
      exitStatus: 1,
    };
  return { ok: true, name: d.info.name, stdout: d.info.name, exitStatus: 0 };
}

/**
 * `systemctl set-default NAME`: `/etc/systemd/system/default.target -> NAME's file`, replacing whatever link
 * is there (systemctl always passes --force here). default.target itself is refused (EINVAL).
 */
export function setDefault(root: string, rawName: string): OperationResult {
  const name = mangleName(rawName, '.target');
  const changes = new ChangeList();
  if (name === 'default.target') return operationResult('set default', changes.items, 'EINVAL');
  const lp = lookupPaths(root);
  const d = new InstallContext(lp).discover(name, { load: false, followConfigSymlinks: false });
  if (!d.ok) return operationResult('set default', changes.items, changes.error(d.errno, name));
  const refused = mayProcess(lp, d.info, changes);
  if (refused !== null) return operationResult('set default', changes.items, refused);
  const r = createSymlink(lp, d.info.path ?? '', `${lp.persistentConfig}/default.target`, true, changes);
  return operationResult('set default', changes.items, typeof r === 'string' ? r : null);
}
