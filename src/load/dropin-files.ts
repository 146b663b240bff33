import type { Diagnostic } from '../unit/diagnostic';
import type { ConfFile } from './conf-files';
import { errnoText } from './dir-listing';
import type { FileKind } from './file-kind';

/**
 * The `.conf` drop-ins to apply, from the merged list: a drop-in masked by /dev/null (or an empty file) has
 * already hidden any lower-priority file of its name and now contributes nothing, so it is dropped; one that
 * cannot be read is reported and skipped, as systemd skips a drop-in it fails to open.
 */
export function usableDropIns(
  files: readonly ConfFile[],
  kindOf: (path: string, regular: boolean) => FileKind,
  diagnostics: Diagnostic[],
): string[] {
  const out: string[] = [];
  for (const f of files) {
    const k = kindOf(f.path, f.kind === 'file');
    if (k.kind === 'regular') out.push(f.path);
    else if (k.kind === 'missing') {
      diagnostics.push({
        file: f.path,
        line: 0,
        severity: 'warning',
        message: `Failed to open drop-in, ignoring: ${errnoText(k.code)}`,
      });
    } else if (k.kind !== 'null-or-empty') {
      diagnostics.push({
        file: f.path,
        line: 0,
        severity: 'warning',
        message: 'Drop-in is not a regular file, ignoring.',
      });
    }
  }
  return out;
}
