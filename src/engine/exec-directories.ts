import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecContext } from '../unit/table/exec-context';
import type { Credentials } from './command-spec';

/** RuntimeDirectory= and friends: created before a unit's processes start, owned by its user (systemd.exec(5)). */
export async function makeExecDirectories(e: ExecContext, credentials: Credentials): Promise<void> {
  const sets: Array<[readonly string[], string, number]> = [
    [e.RuntimeDirectory, '/run', e.RuntimeDirectoryMode],
    [e.StateDirectory, '/var/lib', e.StateDirectoryMode],
    [e.CacheDirectory, '/var/cache', e.CacheDirectoryMode],
    [e.LogsDirectory, '/var/log', e.LogsDirectoryMode],
    [e.ConfigurationDirectory, '/etc', e.ConfigurationDirectoryMode],
  ];
  for (const [dirs, base, mode] of sets) {
    for (const d of dirs) {
      const p = join(base, d);
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
