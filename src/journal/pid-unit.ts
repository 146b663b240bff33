/**
 * Which unit a process belongs to, from its cgroup (/proc/PID/cgroup): rsd puts each unit's processes in a
 * cgroup named after the unit, so the last path component with a unit suffix names it (as journald's
 * cg_path_get_unit finds it).
 *
 * Read synchronously, at the moment a message arrives: a sender such as logger(1) exits right after its
 * send, and its /proc entry goes with it, so any later (asynchronous) read would find nothing. This is
 * procfs, answered from kernel memory without touching a disk; a short cache spares a chatty sender even
 * that.
 */
import { readFileSync } from 'node:fs';

const UNIT = /\.(service|scope|socket|mount|swap|timer|path)$/;
const CACHE_MAX = 4096;

export class PidUnits {
  private readonly cache = new Map<number, { unit: string; at: number }>();

  unitOf(pid: number): string {
    if (pid <= 0) return '';
    const hit = this.cache.get(pid);
    // A second at most: a dead pid's number may come back as another unit's process.
    if (hit !== undefined && Date.now() - hit.at < 1000) return hit.unit;
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      return '';
    }
    const unit = unitInCgroups(text);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(pid, { unit, at: Date.now() });
    return unit;
  }
}

/**
 * The unit named by the cgroup v2 path ("0::"), or else by the first v1 hierarchy's path that names one
 * (rsd tracks units in a v1 hierarchy where no cgroup v2 is writable).
 */
function unitInCgroups(procCgroup: string): string {
  const lines = procCgroup
    .split('\n')
    .sort((a, b) => Number(b.startsWith('0::')) - Number(a.startsWith('0::')));
  for (const line of lines) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    const unit = path
      .split('/')
      .reverse()
      .find((c) => UNIT.test(c));
    if (unit !== undefined) return unit;
  }
  return '';
}
