import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Log } from '../log';
import { mount, MNT_DETACH, umount2 } from '../native/system';
import type { BootMount } from './boot-mount-table';

/**
 * Whether `path` is a mount point: it lies on another device than its parent (or is /). Early boot cannot
 * ask /proc/self/mountinfo, since /proc may be the very thing still to mount.
 */
function isMountPoint(path: string): boolean {
  if (path === '/') return true;
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

/**
 * Early boot as PID 1 outside a container: mounts each entry whose mount point is not one yet, in order,
 * creating the directory if needed. A mount that fails is logged and the boot goes on (as systemd does for
 * all but the essential ones). Returns what was mounted, for unmountAll() at shutdown. Runs before the
 * event loop has anything to do, so synchronous calls are fine here.
 */
export function mountBootFileSystems(table: readonly BootMount[], log: Log): string[] {
  const mounted: string[] = [];
  for (const m of table) {
    if (isMountPoint(m.where)) {
      log.debug(`${m.where} is already mounted, leaving it.`);
      continue;
    }
    try {
      mkdirSync(m.where, { recursive: true, mode: 0o755 });
    } catch (e) {
      log.warn(`Cannot create mount point ${m.where}: ${(e as NodeJS.ErrnoException).code}`);
      continue;
    }
    const r = mount(m.what, m.where, m.type, m.flags, m.data === '' ? null : m.data);
    if (r.ok) {
      mounted.push(m.where);
      log.info(`Mounted ${m.type} on ${m.where}.`);
    } else log.warn(`Failed to mount ${m.type} on ${m.where}: errno ${r.errno}.`);
  }
  return mounted;
}

/** At the very end: detaches what mountBootFileSystems() mounted, innermost first. */
export function unmountAll(mounted: readonly string[], log: Log): void {
  for (const where of [...mounted].reverse()) {
    const r = umount2(where, MNT_DETACH);
    if (!r.ok) log.warn(`Failed to unmount ${where}: errno ${r.errno}.`);
  }
}
