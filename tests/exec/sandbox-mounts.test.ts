import { mountPlan, needsMountNamespace, type SandboxSettings } from '../../src/exec/sandbox-mounts';

const none: SandboxSettings = {
  ProtectSystem: 'no',
  ProtectHome: 'no',
  PrivateTmp: false,
  ReadWritePaths: [],
  ReadOnlyPaths: [],
  InaccessiblePaths: [],
  RuntimeDirectory: [],
  StateDirectory: [],
  CacheDirectory: [],
  LogsDirectory: [],
  ConfigurationDirectory: [],
  RootDirectory: '',
};
const p = (path: string, ignoreMissing = false, relativeToRoot = false) => ({
  path,
  ignoreMissing,
  relativeToRoot,
});
const tmp = { tmp: '/tmp/rsd-private-a/tmp', varTmp: '/var/tmp/rsd-private-b/tmp' };
const brief = (plan: ReturnType<typeof mountPlan>) =>
  plan.map((m) => `${m.kind} ${m.ignoreMissing ? '-' : ''}${m.path}`);

test('no sandboxing setting: no namespace, even with RuntimeDirectory=', () => {
  const s = { ...none, RuntimeDirectory: ['x'] };
  expect(needsMountNamespace(s)).toBe(false);
  expect(mountPlan(s, tmp)).toEqual([]);
});

test('ProtectSystem=yes and full; PrivateTmp binds the unit’s directories', () => {
  expect(brief(mountPlan({ ...none, ProtectSystem: 'yes' }, null))).toEqual([
    'read-only -/boot',
    'read-only -/efi',
    'read-only /usr',
  ]);
  expect(brief(mountPlan({ ...none, ProtectSystem: 'full', PrivateTmp: true }, tmp))).toEqual([
    'read-only -/boot',
    'read-only -/efi',
    'read-only /etc',
    'bind /tmp',
    'read-only /usr',
    'bind /var/tmp',
  ]);
  expect(mountPlan({ ...none, PrivateTmp: true }, tmp)[0]).toEqual({
    kind: 'bind',
    source: tmp.tmp,
    path: '/tmp',
    ignoreMissing: false,
  });
});

test('strict: / read-only, the API file systems, homes and the unit’s directories writable, parents first', () => {
  expect(
    brief(
      mountPlan(
        { ...none, ProtectSystem: 'strict', StateDirectory: ['app'], ReadWritePaths: [p('/srv/data/')] },
        null,
      ),
    ),
  ).toEqual([
    'read-only /',
    'read-write /dev',
    'read-write -/home',
    'read-write /proc',
    'read-write -/root',
    'read-write -/run/user',
    'read-write /srv/data',
    'read-write /sys',
    'read-write -/var/lib/app',
  ]);
});

test('one path twice keeps the stronger mode; nothing survives below an inaccessible path; repeats of the parent go', () => {
  const plan = mountPlan(
    {
      ...none,
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      ReadOnlyPaths: [p('/srv'), p('/srv/a'), p('/opt')],
      ReadWritePaths: [p('/opt'), p('/home/me')],
      InaccessiblePaths: [p('/srv/a/b'), p('/srv/a/b/c')],
    },
    null,
  );
  expect(brief(plan)).toEqual([
    'read-only /',
    'read-write /dev',
    'inaccessible -/home', // ProtectHome=yes beats strict's writable /home, and hides /home/me
    'read-write /proc',
    'inaccessible -/root',
    'inaccessible -/run/user',
    'inaccessible /srv/a/b', // /srv and /srv/a repeat the read-only /; /srv/a/b/c is below an inaccessible path
    'read-write /sys',
  ]);
  // /opt: read-only and read-write at once, read-only wins (and then repeats /).
  expect(plan.some((m) => m.path === '/opt')).toBe(false);
});

test('component order: a subtree comes right after its parent ("/a", "/a/b", "/a-b")', () => {
  const plan = mountPlan(
    { ...none, InaccessiblePaths: [p('/a-b'), p('/a')], ReadWritePaths: [p('/a/b')] },
    null,
  );
  expect(brief(plan)).toEqual(['inaccessible /a', 'inaccessible /a-b']);
});

test('RootDirectory=: the unit’s paths move below it; host paths outside it are dropped, "+" paths move too', () => {
  const plan = mountPlan(
    {
      ...none,
      RootDirectory: '/srv/root',
      ProtectSystem: 'yes',
      ReadOnlyPaths: [p('/etc', false, true), p('/var/other'), p('/srv/root/data')],
    },
    null,
  );
  expect(brief(plan)).toEqual([
    'read-only -/srv/root/boot',
    'read-only /srv/root/data',
    'read-only -/srv/root/efi',
    'read-only /srv/root/etc',
    'read-only /srv/root/usr',
  ]);
});
