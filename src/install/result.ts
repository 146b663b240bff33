import type { InstallChange, InstallErrno } from './changes';
import { dumpChanges, NO_INSTALL_INFO_NOTICE, type MessageLine, type Verb } from './messages';

export interface InstallOptions {
  /** `--runtime`: work in /run/systemd/system instead of /etc/systemd/system. */
  readonly runtime?: boolean;
  /** `--force`: replace links that are in the way (enable, mask). */
  readonly force?: boolean;
}

/**
 * What a changing operation did: the changes in systemctl's order, why it failed (null when it did not), the
 * lines systemctl prints for it (all on stderr) and its exit status.
 */
export interface OperationResult {
  readonly changes: readonly InstallChange[];
  readonly failure: InstallErrno | null;
  readonly lines: readonly MessageLine[];
  readonly exitStatus: 0 | 1;
}

/** Builds the result as systemctl's enable_unit() reports it; `carries` < 0 means "not an enable". */
export function operationResult(
  verb: Verb,
  changes: readonly InstallChange[],
  failure: InstallErrno | null,
  carriesInstallInfo: number | null = null,
): OperationResult {
  const lines = dumpChanges(failure, verb, changes);
  if (failure === null && carriesInstallInfo === 0)
    for (const text of NO_INSTALL_INFO_NOTICE) lines.push({ level: 'notice', text });
  return { changes, failure, lines, exitStatus: failure === null ? 0 : 1 };
}
