import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXEC_DIRECTORY_KINDS } from '../exec/exec-directory-kinds';
import type { ExecContext } from '../unit/table/exec-context';
import type { Credentials } from './command-spec';

/** RuntimeDirectory= and friends: created before a unit's processes start, owned by its user (systemd.exec(5)). */
export function makeExecDirectories(e: ExecContext, credentials: Credentials): Promise<void> | void {
  // Most units ask for none: no promise to make for them. Indexed: this runs at every start, mostly
  // before V8 has optimized it.
  for (let k = 0; k < EXEC_DIRECTORY_KINDS.length; k++)
    if (e[EXEC_DIRECTORY_KINDS[k]!.setting].length > 0) return makeAll(e, credentials);
}

async function makeAll(e: ExecContext, credentials: Credentials): Promise<void> {
  for (let k = 0; k < EXEC_DIRECTORY_KINDS.length; k++) {
    const kind = EXEC_DIRECTORY_KINDS[k]!;
    const dirs = e[kind.setting];
    const mode = e[kind.mode];
    for (let i = 0; i < dirs.length; i++) {
      const p = join(kind.base, dirs[i]!);
      await mkdir(p, { recursive: true, mode });
      if (credentials.uid !== undefined) {
        await chown(p, credentials.uid, credentials.gid ?? credentials.uid).catch(() => undefined);
      }
      // mkdir() drops the setgid/setuid bits and applies the umask: systemd sets the mode afterwards
      // (Debian's redis-server.service asks RuntimeDirectoryMode=2755).
      await chmod(p, mode).catch(() => undefined);
    }
  }
}

/** RuntimeDirectory= goes when the unit stops, unless RuntimeDirectoryPreserve= keeps it. */
export async function removeRuntimeDirectories(e: ExecContext): Promise<void> {
  if (e.RuntimeDirectoryPreserve !== 'no') return;
  for (const d of e.RuntimeDirectory)
    await rm(join('/run', d), { recursive: true, force: true }).catch(() => undefined);
}
