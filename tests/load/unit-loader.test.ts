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
