import { realpathSync } from 'node:fs';
import { buildSearchPath, SYSTEM_UNIT_DIRS } from '../../src/load/search-path';
import { Tree } from './tree';

describe('buildSearchPath', () => {
  const tree = new Tree({ 'real/x.service': '', 'other/y.service': '', 'builtin/default.target': '' });
  tree.add({ alias: { link: tree.path('real') } });
  afterAll(() => tree.cleanup());

  test('system dirs in systemd 252 order, builtin last', () => {
    const p = buildSearchPath({ builtinDir: tree.path('builtin') });
    expect(p[p.length - 1]).toBe(tree.path('builtin'));
    for (const d of ['/etc/systemd/system.control', '/run/systemd/transient', '/etc/systemd/system']) {
      expect(p).toContain(d);
    }
    expect(p.indexOf('/etc/systemd/system')).toBeLessThan(p.indexOf('/run/systemd/system'));
    expect(p.indexOf('/run/systemd/system')).toBeLessThan(p.indexOf('/usr/local/lib/systemd/system'));
    expect(SYSTEM_UNIT_DIRS).toContain('/lib/systemd/system');
  });

  test('--unit-dir replaces the system dirs; extra dirs come first; builtin stays last', () => {
    const p = buildSearchPath({
      unitDirs: [tree.path('real'), tree.path('other')],
      extraDirs: [tree.path('other')],
      builtinDir: tree.path('builtin'),
    });
    expect(p).toEqual([tree.path('other'), tree.path('real'), tree.path('builtin')]);
  });

  test('the same directory under two names appears once, first name kept', () => {
    const p = buildSearchPath({
      unitDirs: [tree.path('alias'), tree.path('real')],
      builtinDir: tree.path('builtin'),
    });
    expect(p).toEqual([tree.path('alias'), tree.path('builtin')]);
  });

  const mergedUsr = realpathSync('/lib') === '/usr/lib';
  (mergedUsr ? test : test.skip)('/lib and /usr/lib count once on a merged-/usr machine', () => {
    const p = buildSearchPath({ builtinDir: tree.path('builtin') });
    const both = p.filter((d) => d === '/lib/systemd/system' || d === '/usr/lib/systemd/system');
    expect(both.length).toBe(1);
  });

  test('relative dirs are made absolute', () => {
    expect(buildSearchPath({ unitDirs: ['units'], builtinDir: 'units' })).toEqual([`${process.cwd()}/units`]);
  });
});
