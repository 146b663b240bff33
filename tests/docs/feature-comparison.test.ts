import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFeatureComparison } from '../../scripts/feature-comparison';
import { allRows } from '../../src/unit/table';

const ROOT = join(__dirname, '..', '..');

describe('feature-comparison.md', () => {
  it('is what the directive table generates (run `npm run gen:features` after changing the table)', () => {
    expect(readFileSync(join(ROOT, 'feature-comparison.md'), 'utf8')).toBe(renderFeatureComparison(ROOT));
  });

  it('covers every systemd 252 directive of the sections rsd reads, with no missing ones', () => {
    const text = renderFeatureComparison(ROOT);
    for (const section of ['Unit', 'Install', 'Service', 'Socket']) {
      const row = text.split('\n').find((l) => l.startsWith(`| [${section}] |`));
      expect(row).toBeDefined();
      const missing = row!.split('|').map((c) => c.trim())[6];
      expect({ section, missing }).toEqual({ section, missing: '0' });
    }
  });

  it('gives every directive a one-line doc', () => {
    for (const { key, row } of allRows()) {
      expect({ key, ok: row.doc.length > 0 && !row.doc.includes('\n') }).toEqual({ key, ok: true });
    }
  });
});
