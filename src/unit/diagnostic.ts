/**
 * One message about a unit file, printed as systemd-analyze prints it: `file:line: message`.
 * `line` is 0 when the message is about the file as a whole.
 */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return d.line > 0 ? `${d.file}:${d.line}: ${d.message}` : `${d.file}: ${d.message}`;
}
