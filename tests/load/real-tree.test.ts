import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSearchPath } from '../../src/load/search-path';
import { UnitFileIndex } from '../../src/load/unit-file-index';

/** The machine's own units: every name resolves without throwing, and aliases agree with their target. */
const haveTree = existsSync('/lib/systemd/system');

(haveTree ? test : test.skip)('every unit in /lib/systemd/system and /etc/systemd/system resolves', () => {
  const idx = UnitFileIndex.scan(
    buildSearchPath({
      unitDirs: ['/etc/systemd/system', '/lib/systemd/system'],
      builtinDir: join(__dirname, '..', '..', 'units'),
    }),
  );
  const names = idx.names();
  expect(names.length).toBeGreaterThan(50);
  for (const name of names) {
    const s = idx.resolve(name);
    expect(s.names).toContain(s.id);
    if (s.state === 'found') expect(s.fragmentPath).not.toBeNull();
  }
  // Debian ships these as an alias and a template.
  if (names.includes('getty@.service')) {
    expect(idx.resolve('getty@tty1.service').fragmentPath).toMatch(/getty@\.service$/);
  }
});
