import { helperArgv, needsHelper } from '../../src/exec/helper-argv';

const base = { setsid: true, statusFd: 5, path: '/usr/bin/prog', argv0: 'prog', args: ['--flag', '--'] };

test('every option, in the helper grammar, with the command after --', () => {
  expect(
    helperArgv({
      ...base,
      exec: {
        uid: 1000,
        gid: 100,
        groups: [100, 4],
        umask: 0o027,
        rlimits: { NOFILE: { soft: 1024, hard: 4096 }, CORE: { soft: 'infinity', hard: 'infinity' } },
        nice: -5,
        oomScoreAdjust: 500,
        cgroup: { path: '/sys/fs/cgroup/system.slice/x.service', version: 2 },
        workingDirectory: { path: '/srv', missingOk: true },
        rootDirectory: '/chroot',
      },
      listen: { count: 2, names: ['a', 'b'] },
    }),
  ).toEqual([
    '--status-fd', '5',
    '--setsid',
    '--cgroup', '/sys/fs/cgroup/system.slice/x.service',
    '--oom-score-adjust', '500',
    '--nice', '-5',
    '--rlimit', 'NOFILE=1024:4096',
    '--rlimit', 'CORE=infinity:infinity',
    '--umask', '27',
    '--chroot', '/chroot',
    '--uid', '1000',
    '--gid', '100',
    '--groups', '100,4',
    '--chdir', '/srv',
    '--chdir-optional',
    '--listen-fds', '2',
    '--listen-fdnames', 'a:b',
    '--', '/usr/bin/prog', 'prog', '--flag', '--',
  ]); // prettier-ignore
});

test('empty supplementary groups are an explicit empty list', () => {
  expect(helperArgv({ ...base, setsid: false, exec: { groups: [] } })).toEqual([
    '--status-fd', '5', '--groups', '', '--', '/usr/bin/prog', 'prog', '--flag', '--',
  ]); // prettier-ignore
});

test('out-of-range values and ambiguous names are refused in the manager', () => {
  expect(() => helperArgv({ ...base, exec: { nice: 20 } })).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { oomScoreAdjust: -1001 } })).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { uid: -1 } })).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { uid: 0xffffffff } })).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { umask: 0o1000 } })).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { rlimits: { AS: { soft: 1.5, hard: 2 } } } })).toThrow(
    RangeError,
  );
  expect(() => helperArgv({ ...base, exec: {}, listen: { count: 1, names: ['a:b'] } })).toThrow(RangeError);
});

test('the helper is used only when something needs it', () => {
  expect(needsHelper(undefined, undefined)).toBe(false);
  expect(needsHelper({}, undefined)).toBe(false);
  expect(needsHelper({ nice: undefined }, undefined)).toBe(false);
  expect(needsHelper({ umask: 0 }, undefined)).toBe(true);
  expect(needsHelper(undefined, {})).toBe(true);
});

test('sandboxing options: namespaces, mounts in order ("-" for ignore-missing), capability masks in hex', () => {
  expect(
    helperArgv({
      ...base,
      exec: {
        privateNetwork: true,
        mounts: [
          { kind: 'read-only', path: '/', ignoreMissing: false },
          { kind: 'bind', source: '/tmp/rsd-private-x/tmp', path: '/tmp', ignoreMissing: false },
          { kind: 'inaccessible', path: '/home', ignoreMissing: true },
        ],
        capabilityBoundingSet: 0x401n,
        ambientCapabilities: 0x400n,
        noNewPrivileges: true,
      },
    }).slice(2, -5),
  ).toEqual([
    '--setsid',
    '--private-network',
    '--mount-read-only', '/',
    '--mount-bind', '/tmp/rsd-private-x/tmp', '/tmp',
    '--mount-inaccessible', '-/home',
    '--capability-bounding-set', '401',
    '--ambient-capabilities', '400',
    '--no-new-privileges',
  ]); // prettier-ignore
  expect(() =>
    helperArgv({ ...base, exec: { mounts: [{ kind: 'tmpfs', path: 'home', ignoreMissing: false }] } }),
  ).toThrow(RangeError);
  expect(() => helperArgv({ ...base, exec: { capabilityBoundingSet: 1n << 64n } })).toThrow(RangeError);
});

test('PrivateNetwork= with the unit’s namespace storage passes the child’s fd of the pair', () => {
  const args = helperArgv({
    ...base,
    exec: { privateNetwork: true, networkNamespaceStorage: [40, 41] },
    networkStorageFd: 6,
  });
  expect(args).toContain('--private-network-storage');
  expect(args[args.indexOf('--private-network-storage') + 1]).toBe('6');
  expect(args).not.toContain('--private-network');
});
