import { readFileSync } from 'node:fs';
import { UnitFileIndex } from '../../src/load/unit-file-index';
import { UnitLoader } from '../../src/load/unit-loader';
import { SERVICE, Tree } from './tree';

let tree: Tree;
afterEach(() => tree.cleanup());

describe('a unit is loaded once, whatever name asks for it', () => {
  test('after loading a unit, each of its aliases gives the same unit without reading its file again', () => {
    tree = new Tree({
      'a/real.service': SERVICE,
      'a/one.service': { link: 'real.service' },
      'a/two.service': { link: 'one.service' },
    });
    const reads: string[] = [];
    const loader = new UnitLoader(UnitFileIndex.scan([tree.path('a')]), (p) => {
      reads.push(p);
      return readFileSync(p);
    });
    const real = loader.load('real.service');
    expect(real).toMatchObject({ loadState: 'loaded', id: 'real.service' });
    expect(loader.load('two.service')).toBe(real);
    expect(loader.load('one.service')).toBe(real);
    expect(loader.loadAll()).toEqual([real]);
    // Read by the index as it resolved the unit, or by the loader: once either way.
    expect(reads.length).toBeLessThanOrEqual(1);
  });

  test('the same holds when an alias is asked for first', () => {
    tree = new Tree({ 'a/real.service': SERVICE, 'a/one.service': { link: 'real.service' } });
    const loader = new UnitLoader(UnitFileIndex.scan([tree.path('a')]));
    const viaAlias = loader.load('one.service');
    expect(viaAlias).toMatchObject({ loadState: 'loaded', id: 'real.service' });
    expect(loader.load('real.service')).toBe(viaAlias);
  });
});

describe('file sizes', () => {
  test('a unit file larger than the read buffer (64 KiB) is read whole', () => {
    const comment = `# ${'x'.repeat(100)}\n`.repeat(1000);
    // The section header opens the file and the setting ends it: losing either end loses the setting.
    tree = new Tree({ 'a/big.service': `[Service]\n${comment}ExecStart=/bin/echo last line\n` });
    const unit = new UnitLoader(UnitFileIndex.scan([tree.path('a')])).load('big.service');
    expect(unit.loadState).toBe('loaded');
    if (unit.loadState !== 'loaded' || unit.config.type !== 'service')
      throw new Error('not a loaded service');
    expect(unit.config.Service.ExecStart.map((c) => c.argv)).toEqual([['/bin/echo', 'last', 'line']]);
  });
});
