import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFeatureComparison } from './feature-comparison';

const root = join(__dirname, '..', '..');
writeFileSync(join(root, 'feature-comparison.md'), renderFeatureComparison(root));
console.log('wrote feature-comparison.md');
