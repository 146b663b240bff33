import { cgroupMounts, cgroupPathIn, ownDirectory } from '../../src/exec/unit-cgroup';

// A hybrid host as /proc/self/mountinfo shows it: cgroup2 beside v1 hierarchies, one of them a named one.
const MOUNTINFO = [
  '30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
  '33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:14 - cgroup cgroup rw,cpuacct,cpu',
  '34 30 0:30 /ci /sys/fs/cgroup/pids rw,nosuid shared:15 - cgroup cgroup rw,pids',
  '32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd',
  '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate',
].join('\n');

const PROC_CGROUP = [
  '12:pids:/ci/job',
  '4:cpu,cpuacct:/ci',
  '1:name=systemd:/ci/job/x',
  '0::/ci/v2',
  '',
].join('\n');

test('cgroup mounts come v2 first, then name=systemd, pids, and the rest', () => {
  expect(cgroupMounts(MOUNTINFO)).toEqual([
    { version: 2, path: '/sys/fs/cgroup/unified', root: '/', hierarchy: '' },
    { version: 1, path: '/sys/fs/cgroup/systemd', root: '/', hierarchy: 'name=systemd' },
    { version: 1, path: '/sys/fs/cgroup/pids', root: '/ci', hierarchy: 'pids' },
    { version: 1, path: '/sys/fs/cgroup/cpu,cpuacct', root: '/', hierarchy: 'cpuacct,cpu' },
  ]);
  expect(cgroupMounts('')).toEqual([]);
});

test("a process's path in each hierarchy, controllers matched in any order", () => {
  expect(cgroupPathIn(PROC_CGROUP, '')).toBe('/ci/v2');
  expect(cgroupPathIn(PROC_CGROUP, 'name=systemd')).toBe('/ci/job/x');
  expect(cgroupPathIn(PROC_CGROUP, 'pids')).toBe('/ci/job');
  expect(cgroupPathIn(PROC_CGROUP, 'cpuacct,cpu')).toBe('/ci');
  expect(cgroupPathIn(PROC_CGROUP, 'memory')).toBeNull();
});

test("rsd's own directory: under the mount point, relative to the subtree a container has mounted", () => {
  const at = (root: string) => ({
    version: 1 as const,
    path: '/sys/fs/cgroup/pids',
    root,
    hierarchy: 'pids',
  });
  expect(ownDirectory(at('/'), '/ci/job')).toBe('/sys/fs/cgroup/pids/ci/job');
  expect(ownDirectory(at('/'), '/')).toBe('/sys/fs/cgroup/pids');
  // runc without a cgroup namespace: the container's cgroup is what is mounted, the host path is what it sees.
  expect(ownDirectory(at('/docker/abc'), '/docker/abc')).toBe('/sys/fs/cgroup/pids');
  expect(ownDirectory(at('/docker/abc'), '/docker/abc/init')).toBe('/sys/fs/cgroup/pids/init');
  expect(ownDirectory(at('/docker/abc'), '/elsewhere')).toBe('/sys/fs/cgroup/pids');
});
