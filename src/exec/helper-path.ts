/**
 * Where native/build/rsd-exec-helper is: next to the sources (jest runs src/) or to the compiled tree
 * (dist/src/), overridable with RSD_EXEC_HELPER for installs that put it elsewhere. Looked up once, on the
 * first spawn that needs it (boot time, so the sync stat is allowed).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

let found: string | undefined;

export function execHelperPath(): string {
  if (found) return found;
  const candidates = [
    process.env.RSD_EXEC_HELPER,
    join(__dirname, '..', '..', 'native', 'build', 'rsd-exec-helper'),
    join(__dirname, '..', '..', '..', 'native', 'build', 'rsd-exec-helper'),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      found = c;
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error('rsd-exec-helper not found: run native/build.sh (or set RSD_EXEC_HELPER)');
}
