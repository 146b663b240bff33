import { readFile } from 'node:fs/promises';

/** What the server returns, as far as the client reads it. */
export interface UnitSummary {
  unit: string;
  load: string;
  active: string;
  sub: string;
  description: string;
}

export type Properties = Record<string, string>;

const tty = process.stdout.isTTY === true;
const color = (code: string, s: string): string => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);

/** systemctl's dot: green when active, red when failed, white otherwise. */
export function dot(active: string): string {
  if (active === 'active' || active === 'reloading') return color('0;1;32', '●');
  if (active === 'failed') return color('0;1;31', '×');
  if (active === 'activating' || active === 'deactivating') return color('0;1;33', '●');
  return '○';
}

/** list-dependencies' dot: always a black circle, green when up, red when failed (systemctl 252). */
export function depDot(active: string): string {
  if (active === 'active' || active === 'reloading' || active === 'activating') return color('0;1;32', '●');
  if (active === 'inactive' || active === 'deactivating') return '●';
  return color('0;1;31', '●');
}

export function table(rows: string[][], header: string[] | null): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length))) ?? [];
  return all.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join(' ')
      .trimEnd(),
  );
}

export function listUnits(units: UnitSummary[], legend: boolean, plain = false): string[] {
  // --plain drops the column of failure dots, header included.
  const rows = units.map((u) => [
    plain ? u.unit : `${u.active === 'failed' ? '●' : ' '} ${u.unit}`,
    u.load,
    u.active,
    u.sub,
    u.description,
  ]);
  const out = table(
    rows,
    legend ? [plain ? 'UNIT' : '  UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'] : null,
  );
  if (legend) {
    out.push(
      '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
      'SUB    = The low-level unit activation state, values depend on unit type.',
      `${units.length} loaded units listed.`,
    );
  }
  return out;
}

function ago(ts: string): string {
  const t = Date.parse(
    ts
      .replace(/^\w{3} /, '')
      .replace(' UTC', 'Z')
      .replace(' ', 'T'),
  );
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}min ${s % 60}s ago`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}min ago`;
}

/** systemctl's sizes: 1024-based with one decimal, B K M G T. */
export function formatBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v}B` : `${v.toFixed(1).replace(/\.0$/, '')}${units[i]}`;
}

/** A cgroup attribute as a number, or null where the controller is not enabled (cgroup v1 hybrids). */
async function cgroupNumber(cgroup: string, file: string): Promise<number | null> {
  const text = await readFile(`${cgroup}/${file}`, 'utf8').catch(() => '');
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : null;
}

async function processTree(cgroup: string): Promise<string[]> {
  if (!cgroup) return [];
  const procs = await readFile(`${cgroup}/cgroup.procs`, 'utf8').catch(() => '');
  const out: string[] = [];
  const pids = procs.split('\n').filter(Boolean);
  for (const [i, pid] of pids.entries()) {
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
      .split('\0')
      .filter(Boolean)
      .join(' ');
    out.push(`             ${i === pids.length - 1 ? '└─' : '├─'}${pid} ${cmd}`);
  }
  return out;
}

/** `systemctl status` for one unit. */
export async function status(p: Properties): Promise<string[]> {
  const active = p.ActiveState ?? 'inactive';
  const lines = [`${dot(active)} ${p.Id} - ${p.Description}`];
  const loaded = p.FragmentPath
    ? `${p.LoadState} (${p.FragmentPath}; ${p.UnitFileState || 'static'})`
    : (p.LoadState ?? '');
  lines.push(`     Loaded: ${loaded}`);
  if (p.DropInPaths) lines.push(`    Drop-In: ${p.DropInPaths.split(' ').join('\n             ')}`);
  if (p.NotEnforced) lines.push(`Not enforced: ${p.NotEnforced.split(' ').join(', ')}`);
  const since = active === 'active' ? p.ActiveEnterTimestamp : p.StateChangeTimestamp;
  const result = active === 'failed' && p.Result && p.Result !== 'success' ? ` (Result: ${p.Result})` : '';
  const activeText = `${active} (${p.SubState})${result}`;
  const coloured =
    active === 'active'
      ? color('0;1;32', activeText)
      : active === 'failed'
        ? color('0;1;31', activeText)
        : activeText;
  lines.push(`     Active: ${coloured}${since ? ` since ${since}; ${ago(since)}` : ''}`);
  if (p.MainPID && p.MainPID !== '0') {
    const comm = (await readFile(`/proc/${p.MainPID}/comm`, 'utf8').catch(() => '')).trim();
    lines.push(`   Main PID: ${p.MainPID}${comm ? ` (${comm})` : ''}`);
  }
  const cgroup = p.ControlGroup ?? '';
  const tree = await processTree(cgroup);
  if (tree.length > 0) {
    const tasks = (await cgroupNumber(cgroup, 'pids.current')) ?? tree.length;
    const limit = await readFile(`${cgroup}/pids.max`, 'utf8').catch(() => '');
    lines.push(`      Tasks: ${tasks}${/^\d+/.test(limit) ? ` (limit: ${limit.trim()})` : ''}`);
    const memory = await cgroupNumber(cgroup, 'memory.current');
    if (memory !== null) lines.push(`     Memory: ${formatBytes(memory)}`);
    lines.push(`     CGroup: ${p.ControlGroup}`, ...tree);
  }
  return lines;
}
