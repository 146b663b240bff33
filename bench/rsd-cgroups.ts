import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * For tests and benchmarks that start rsd as a child: where it puts its units' cgroups, and how to make sure
 * nothing of it survives whatever state it was left in.
 */

/** The cgroup directory rsd (a child of this process) uses for `--cgroup-subtree`, as src/exec/unit-cgroup.ts does. */
export function cgroupRoot(subtree: string): string | null {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' - '))
    .find(([, after]) => after?.startsWith('cgroup2 '))?.[0]
    ?.split(' ')[4];
  if (!mount) return null;
  const own = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'))
    ?.slice(3);
  return join(mount, own ?? '/', subtree);
}

/** Kills every process in the subtree (cgroup.kill) and removes its directories, deepest first. */
export function killCgroupTree(subtree: string): void {
  const root = cgroupRoot(subtree);
  if (root === null || !existsSync(root)) return;
  try {
    writeFileSync(join(root, 'cgroup.kill'), '1');
  } catch {
    // a kernel without cgroup.kill: a PID namespace's end, or the caller's assertions, cover it
  }
  const dirs = (d: string): string[] => [
    ...readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => dirs(join(d, e.name))),
    d,
  ];
  for (const d of dirs(root)) {
    try {
      rmdirSync(d);
    } catch {
      // still busy for a moment after cgroup.kill; the kernel frees it once empty
    }
  }
}
