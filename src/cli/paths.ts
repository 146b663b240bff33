import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** rsd's own units/ directory: beside dist/ when built, beside src/ when run by ts-jest. */
export function builtinUnitDir(): string {
  for (const up of ['..', '../..', '../../..']) {
    const dir = join(__dirname, up, 'units');
    if (existsSync(join(dir, 'multi-user.target'))) return dir;
  }
  return join(__dirname, '..', '..', 'units');
}
