/** What `rsdctl run` (like systemd-run) asks for. */
export interface TransientRequest {
  readonly description: string;
  readonly command: readonly string[];
  /** `KEY=VALUE` entries. */
  readonly env: readonly string[];
  readonly cwd: string | undefined;
  readonly user: string | undefined;
  readonly group: string | undefined;
  /** Extra `[Service]` (or `[Unit]`, prefixed `Unit.`) settings as `Key=value`, as `systemd-run -p` takes them. */
  readonly properties: readonly string[];
}

/** Quotes one word for a unit file: specifiers and variables stay literal, as systemd-run's words do. */
function word(w: string): string {
  return `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"`;
}

const oneLine = (s: string): string => s.replace(/[\r\n]/g, ' ');

/** The unit file text of a transient service; parsed and validated by the same code as any unit file. */
export function transientUnitText(r: TransientRequest): string {
  const unit = [`Description=${oneLine(r.description).replace(/%/g, '%%')}`];
  const service = [`ExecStart=${r.command.map(word).join(' ')}`];
  for (const e of r.env) service.push(`Environment=${word(e)}`);
  if (r.cwd !== undefined) service.push(`WorkingDirectory=${oneLine(r.cwd)}`);
  if (r.user !== undefined) service.push(`User=${oneLine(r.user)}`);
  if (r.group !== undefined) service.push(`Group=${oneLine(r.group)}`);
  for (const p of r.properties) {
    const line = oneLine(p);
    if (line.startsWith('Unit.')) unit.push(line.slice(5));
    else service.push(line);
  }
  return `[Unit]\n${unit.join('\n')}\n\n[Service]\n${service.join('\n')}\n`;
}
