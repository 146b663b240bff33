import { UnitFileIndex } from '../../src/load/unit-file-index';
import { buildSearchPath } from '../../src/load/search-path';
import { DROPIN, SERVICE, Tree } from './tree';

let tree: Tree;
afterEach(() => tree.cleanup());
const scan = (...dirs: string[]) => UnitFileIndex.scan(dirs.map((d) => tree.path(d)));
const messages = (ds: readonly { message: string }[]) => ds.map((d) => d.message).join('\n');

describe('fragments', () => {
  test('the first directory holding a name wins', () => {
    tree = new Tree({ 'a/x.service': SERVICE, 'b/x.service': SERVICE, 'b/y.service': SERVICE });
    const idx = scan('a', 'b');
    expect(idx.resolve('x.service')).toMatchObject({
      state: 'found',
      fragmentPath: tree.path('a/x.service'),
    });
    expect(idx.resolve('y.service').fragmentPath).toBe(tree.path('b/y.service'));
    expect(idx.resolve('z.service')).toMatchObject({
      state: 'not-found',
      fragmentPath: null,
      id: 'z.service',
    });
  });

  test('masks: /dev/null link and empty file, both hiding lower files; masked keeps its name', () => {
    tree = new Tree({ 'a/m.service': { link: '/dev/null' }, 'a/e.service': '', 'b/m.service': SERVICE });
    const idx = scan('a', 'b');
    expect(idx.resolve('m.service')).toMatchObject({ state: 'masked', id: 'm.service', dropInPaths: [] });
    expect(idx.resolve('e.service')).toMatchObject({ state: 'masked', id: 'e.service' });
  });

  test('a lower-priority mask does not hide a higher file', () => {
    tree = new Tree({ 'a/m.service': SERVICE, 'b/m.service': { link: '/dev/null' } });
    expect(scan('a', 'b').resolve('m.service').state).toBe('found');
  });

  test('aliases and chains resolve to the target name, and every name gives the same unit', () => {
    tree = new Tree({
      'b/real.service': SERVICE,
      'b/one.service': { link: 'real.service' },
      'a/two.service': { link: '../b/one.service' },
    });
    const idx = scan('a', 'b');
    for (const n of ['real.service', 'one.service', 'two.service']) {
      expect(idx.resolve(n)).toMatchObject({
        id: 'real.service',
        names: ['real.service', 'one.service', 'two.service'],
        fragmentPath: tree.path('b/real.service'),
      });
    }
  });

  test('a link out of the search path is a linked file under its own name, whatever the target is called', () => {
    tree = new Tree({ 'o/elsewhere.service': SERVICE });
    tree.add({ 'a/linked.service': { link: tree.path('o/elsewhere.service') } });
    expect(scan('a').resolve('linked.service')).toMatchObject({
      id: 'linked.service',
      names: ['linked.service'],
      fragmentPath: tree.path('a/linked.service'),
    });
  });

  test('templates and instances', () => {
    tree = new Tree({
      'a/t@.service': SERVICE,
      'a/t@own.service': SERVICE,
      'a/al@.service': { link: 't@.service' },
    });
    const idx = scan('a');
    expect(idx.resolve('t@x.service')).toMatchObject({
      id: 't@x.service',
      fragmentPath: tree.path('a/t@.service'),
    });
    expect(idx.resolve('t@own.service').fragmentPath).toBe(tree.path('a/t@own.service'));
    expect(idx.resolve('al@x.service')).toMatchObject({
      id: 't@x.service',
      names: ['t@x.service', 'al@x.service'],
    });
    expect(idx.names()).toEqual(['al@.service', 't@.service', 't@own.service']);
  });
});

describe('broken trees give diagnostics, never exceptions', () => {
  test('loops, dangling links, a FIFO, garbage names, a file where a directory should be', () => {
    tree = new Tree({
      'a/l1.service': { link: 'l2.service' },
      'a/l2.service': { link: 'l1.service' },
      'a/self.service': { link: 'self.service' },
      'a/dang.service': { link: 'missing.service' },
      'a/danglink.service': { link: '/nonexistent/x/danglink.service' },
      'a/fifo.service': { fifo: true },
      'a/wrongtype.service': { link: 'x.socket' },
      'a/x.socket': '[Socket]\n',
      'a/dir.service.d': 'not a directory',
      'a/dl.service.d': { link: 'nowhere' },
      'a/loopdir.service.wants': { link: 'loopdir.service.wants' },
      'a/dir.service': SERVICE,
      'a/dl.service': SERVICE,
      'a/loopdir.service': SERVICE,
      notadir: 'x',
    });
    tree.add({ [Buffer.from('a/\xff\xfe.service', 'latin1').toString('latin1')]: SERVICE });
    const idx = scan('a', 'notadir', 'missing');
    expect(messages(idx.diagnostics)).toMatch(/Failed to open ".*notadir", ignoring: Not a directory/);
    expect(idx.resolve('l1.service')).toMatchObject({ state: 'not-found' });
    expect(messages(idx.resolve('l1.service').diagnostics)).toMatch(/Too many levels of symbolic links/);
    expect(idx.resolve('self.service').state).toBe('not-found');
    expect(messages(idx.resolve('dang.service').diagnostics)).toMatch(
      /alias of missing.service, which does not exist/,
    );
    expect(messages(idx.resolve('danglink.service').diagnostics)).toMatch(/Failed to open/);
    expect(idx.resolve('danglink.service').state).toBe('not-found');
    expect(idx.resolve('fifo.service').state).toBe('not-found');
    expect(messages(idx.resolve('fifo.service').diagnostics)).toMatch(/Not a regular file or symlink/);
    expect(messages(idx.resolve('wrongtype.service').diagnostics)).toMatch(/incompatible suffix/);
    expect(messages(idx.resolve('dir.service').diagnostics)).toMatch(/Not a directory/);
    expect(messages(idx.resolve('dl.service').diagnostics)).toMatch(/Failed to resolve directory/);
    expect(messages(idx.resolve('loopdir.service').diagnostics)).toMatch(/symbolic links/);
    expect(idx.resolve('bad name').state).toBe('not-found');
    for (const n of idx.names()) expect(() => idx.resolve(n)).not.toThrow();
  });
});

describe('the fragment is read once, and the read tells a mask', () => {
  test('an empty file, a /dev/null link and a link to an empty file mask; bytes are handed over once', () => {
    tree = new Tree({
      'o/empty': '',
      'a/e.service': '',
      'a/n.service': { link: '/dev/null' },
      'a/x.service': SERVICE,
      'a/x.service.d/empty.conf': '',
      'a/x.service.d/y.conf': DROPIN,
    });
    tree.add({ 'a/le.service': { link: tree.path('o/empty') } });
    const idx = scan('a');
    for (const n of ['e.service', 'n.service', 'le.service']) expect(idx.resolve(n).state).toBe('masked');
    const x = idx.resolve('x.service');
    expect(x.state).toBe('found');
    // The empty drop-in masks its name and contributes nothing.
    expect(x.dropInPaths).toEqual([tree.path('a/x.service.d/y.conf')]);
    expect(idx.takeContent(tree.path('a/x.service'))?.toString()).toBe(SERVICE);
    expect(idx.takeContent(tree.path('a/x.service'))).toBeUndefined();
    expect(idx.takeContent(tree.path('a/x.service.d/y.conf'))?.toString()).toBe(DROPIN);
  });

  test('a link out of the path to a FIFO is refused without waiting for a writer', () => {
    tree = new Tree({ 'o/pipe': { fifo: true } });
    tree.add({ 'a/p.service': { link: tree.path('o/pipe') } });
    const s = scan('a').resolve('p.service');
    expect(s.state).toBe('bad-setting');
    expect(messages(s.diagnostics)).toMatch(/not a regular file/);
  });
});

describe('drop-ins', () => {
  test('name, alias, template, prefixes and type-wide; same file name overridden by priority; sorted', () => {
    tree = new Tree({
      'b/foo-bar-baz@i.service': SERVICE,
      'b/al@i.service': { link: 'foo-bar-baz@i.service' },
      'a/foo-bar-baz@i.service.d/50-name.conf': DROPIN,
      'b/foo-bar-baz@.service.d/40-template.conf': DROPIN,
      'b/foo-bar-.service.d/30-prefix.conf': DROPIN,
      'a/foo-.service.d/20-prefix.conf': DROPIN,
      'b/al@i.service.d/45-alias.conf': DROPIN,
      'b/service.d/10-type.conf': DROPIN,
      'b/service.d/50-name.conf': DROPIN,
      // Name-specific directories outrank the type-wide one whatever search directory they are in.
      'b/foo-.service.d/60-masked.conf': { link: '/dev/null' },
      'a/service.d/60-masked.conf': DROPIN,
      'b/foo-.service.d/70-dangling.conf': { link: 'nowhere.conf' },
      'b/foo-.service.d/README': DROPIN,
    });
    const s = scan('a', 'b').resolve('al@i.service');
    expect(s.id).toBe('foo-bar-baz@i.service');
    expect(s.dropInPaths).toEqual([
      tree.path('b/service.d/10-type.conf'),
      tree.path('a/foo-.service.d/20-prefix.conf'),
      tree.path('b/foo-bar-.service.d/30-prefix.conf'),
      tree.path('b/foo-bar-baz@.service.d/40-template.conf'),
      tree.path('b/al@i.service.d/45-alias.conf'),
      tree.path('a/foo-bar-baz@i.service.d/50-name.conf'),
    ]);
    expect(messages(s.diagnostics)).toMatch(/70-dangling.conf|Failed to open drop-in/);
  });

  test('a drop-in directory for a unit that does not exist: a warning, nothing fails', () => {
    tree = new Tree({ 'a/ghost.service.d/x.conf': DROPIN });
    const s = scan('a').resolve('ghost.service');
    expect(s.state).toBe('not-found');
    expect(messages(s.diagnostics)).toMatch(/no unit file ghost.service/);
  });

  test('a symlinked drop-in directory is reported under its real path', () => {
    tree = new Tree({ 'a/x.service': SERVICE, 'o/x.conf': DROPIN, 'a/x.service.d': { link: '../o' } });
    expect(scan('a').resolve('x.service').dropInPaths).toEqual([tree.path('o/x.conf')]);
  });
});

describe('.wants/, .requires/, .upholds/', () => {
  test('links name dependencies; masks, plain files and bad names are skipped with a warning', () => {
    tree = new Tree({
      'a/x.service': SERVICE,
      'a/x.service.wants/w.service': { link: '../w.service' },
      'a/x.service.wants/gone.service': { link: '/nonexistent/gone.service' },
      'a/x.service.wants/file.service': SERVICE,
      'a/x.service.wants/bad name': { link: '../w.service' },
      'a/x.service.requires/r.service': { link: '/dev/null' },
      'b/x.service.requires/r.service': { link: '../r.service' },
      'b/x.service.requires/r2.service': { link: '../r2.service' },
      'a/x.service.upholds/u.service': { link: '../u.service' },
    });
    const idx = scan('a', 'b');
    const s = idx.resolve('x.service');
    expect(s.wants).toEqual(['gone.service', 'w.service']);
    expect(s.requires).toEqual(['r2.service']);
    expect(s.upholds).toEqual([]);
    expect(messages(s.diagnostics)).toMatch(/file.service is not a symlink/);
    expect(messages(s.diagnostics)).toMatch(/is not a valid unit name/);
    expect(messages(s.diagnostics)).toMatch(/does not read .upholds/);
    const withUpholds = UnitFileIndex.scan([tree.path('a')], { upholdsDirs: true });
    expect(withUpholds.resolve('x.service').upholds).toEqual(['u.service']);
  });

  test('a link to an empty or /dev/null-linked unit file is a mask, however the link spells its target', () => {
    tree = new Tree({
      'a/t.target': '[Unit]\n',
      'a/live.service': SERVICE,
      'a/empty.service': '',
      'a/null.service': { link: '/dev/null' },
      'o/lower-empty.service': '',
      'a/t.target.wants/live.service': { link: '../live.service' },
      'a/t.target.wants/empty.service': { link: '../empty.service' },
      'a/t.target.wants/null.service': { link: '../null.service' },
      'a/t.target.wants/other.service': { link: '../empty.service' },
      'a/t.target.wants/odd.service': { link: './../empty.service' },
    });
    tree.add({
      'a/t.target.wants/abs.service': { link: tree.path('a/empty.service') },
      'a/t.target.wants/lower-empty.service': { link: tree.path('o/lower-empty.service') },
    });
    const idx = scan('a');
    // The link named other.service points to an empty file under another name: masked all the same.
    expect(idx.resolve('t.target').wants).toEqual(['live.service']);
    // The linked fragment was read to judge it, and its bytes are the ones its own load takes.
    expect(idx.takeContent(tree.path('a/live.service'))?.toString()).toBe(SERVICE);
    expect(idx.resolve('live.service').state).toBe('found');
  });

  test('template directories, instance propagation, alias directories', () => {
    tree = new Tree({
      'a/t@.service': SERVICE,
      'a/al.target': { link: 'real.target' },
      'a/real.target': '[Unit]\n',
      'a/t@.service.wants/dep@.service': { link: '../dep@.service' },
      'a/t@.service.requires/plain.service': { link: '../plain.service' },
      'a/t@i.service.wants/only-i.service': { link: '../only-i.service' },
      'a/al.target.wants/a.service': { link: '../a.service' },
      'a/real.target.wants/tw@.service': { link: '../tw@.service' },
    });
    const idx = scan('a');
    expect(idx.resolve('t@i.service')).toMatchObject({
      wants: ['dep@i.service', 'only-i.service'],
      requires: ['plain.service'],
    });
    expect(idx.resolve('t@j.service').wants).toEqual(['dep@j.service']);
    // A template named by a plain unit takes the unit's name as its instance (systemd's resolve_template()).
    expect(idx.resolve('al.target').wants).toEqual(['a.service', 'tw@real.service']);
  });
});

describe('search path', () => {
  test('--unit-dir replaces the system dirs and the builtin dir stays last', () => {
    tree = new Tree({
      'mine/default.target': '[Unit]\n',
      'builtin/default.target': '[Unit]\n',
      'builtin/b.target': '[Unit]\n',
    });
    const idx = UnitFileIndex.scan(
      buildSearchPath({ unitDirs: [tree.path('mine')], builtinDir: tree.path('builtin') }),
    );
    expect(idx.resolve('default.target').fragmentPath).toBe(tree.path('mine/default.target'));
    expect(idx.resolve('b.target').fragmentPath).toBe(tree.path('builtin/b.target'));
    expect(idx.resolve('sshd.service').state).toBe('not-found');
  });
});
