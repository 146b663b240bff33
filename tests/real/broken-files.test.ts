import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { verify } from '../../src/cli/verify';
import { buildSearchPath } from '../../src/load/search-path';
import { UnitFileIndex } from '../../src/load/unit-file-index';
import { UnitLoader } from '../../src/load/unit-loader';
import { formatDiagnostic } from '../../src/unit/diagnostic';
import { TmpTree } from '../helpers/tmp';

/*
 * Broken files must yield diagnostics and never keep the other units from loading. Every case sits in one
 * directory next to a good unit.
 */
const BUILTIN = join(__dirname, '..', '..', 'units');

describe('a tree of broken unit files', () => {
  const tree = new TmpTree();
  const dir = tree.path('units');
  const garbage = Buffer.alloc(8192);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;

  beforeAll(() => {
    tree.write('units/good.service', '[Unit]\nDescription=fine\n[Service]\nExecStart=/bin/true\n');
    tree.write('units/garbage.service', garbage);
    tree.write(
      'units/longline.service',
      '[Service]\nExecStart=/bin/true\nEnvironment=A=' + 'x'.repeat(1024 * 1024 + 1) + '\n',
    );
    tree.write('units/quote.service', '[Service]\nExecStart=/bin/echo "unterminated\n');
    tree.write('units/nul.service', '[Unit]\nDescription=a\0b\n[Service]\nExecStart=/bin/true\n');
    tree.link('units/loop1.service', 'loop2.service');
    tree.link('units/loop2.service', 'loop1.service');
    tree.link('units/dangling.service', '/nonexistent/rsd/dangling.service');
    mkdirSync(tree.path('units/directory.service'));
    execFileSync('mkfifo', [tree.path('units/fifo.service')]);
    tree.write('units/missing.service.d/override.conf', '[Service]\nRestart=always\n');
  });
  afterAll(() => tree.cleanup());

  function loadAll() {
    const loader = new UnitLoader(
      UnitFileIndex.scan(buildSearchPath({ unitDirs: [dir], builtinDir: BUILTIN })),
    );
    return { loader, all: loader.loadAll() };
  }

  it('loads the good unit whatever its neighbours are', () => {
    const { loader } = loadAll();
    const good = loader.load('good.service');
    expect(good.loadState).toBe('loaded');
    expect(good.diagnostics).toEqual([]);
  });

  it.each([
    ['garbage.service', /./],
    ['longline.service', /Line too long/],
    ['quote.service', /ExecStart=/],
  ])('%s fails to load with a diagnostic', (name, message) => {
    const { loader } = loadAll();
    const u = loader.load(name);
    expect(u.loadState).not.toBe('loaded');
    expect(u.diagnostics.map(formatDiagnostic).join('\n')).toMatch(message);
  });

  it('a NUL byte ends a line, as in systemd: the unit loads with a warning', () => {
    const { loader } = loadAll();
    const u = loader.load('nul.service');
    expect(u.loadState).toBe('loaded');
    expect(u.diagnostics.map((d) => d.message)).toContain("Missing '=', ignoring line.");
  });

  it.each(['loop1.service', 'dangling.service', 'directory.service', 'fifo.service', 'missing.service'])(
    '%s does not load, says why, and does not hang or throw',
    (name) => {
      const { loader } = loadAll();
      const u = loader.load(name);
      expect(u.loadState).not.toBe('loaded');
    },
  );

  it('a drop-in directory without its unit is reported', () => {
    const { loader } = loadAll();
    const all = [...loader.loadAll(), loader.load('missing.service')];
    const text = all
      .flatMap((u) => u.diagnostics)
      .map(formatDiagnostic)
      .join('\n');
    expect(text).toMatch(/missing\.service/);
  });

  it('rsd verify --all fails overall but still reports the good unit as fine', () => {
    const r = verify({ targets: [], all: true, unitDirs: [dir], builtinDir: BUILTIN, unenforced: false });
    expect(r.exitCode).toBe(1);
    expect(r.lines.join('\n')).not.toMatch(/good\.service/);
  });
});
