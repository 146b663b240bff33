import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as install from '../../src/install';

/** A tree to build under a root: a file's content, or `{ link }` for a symlink's target as written. */
export type TreeSpec = Readonly<Record<string, string | { readonly link: string }>>;

export type Step =
  | {
      readonly op: 'enable' | 'disable' | 'reenable' | 'mask' | 'unmask';
      readonly names: readonly string[];
      readonly runtime?: boolean;
    }
  | { readonly op: 'is-enabled'; readonly name: string }
  | { readonly op: 'list-unit-files'; readonly patterns?: readonly string[] }
  | { readonly op: 'get-default' }
  | { readonly op: 'set-default'; readonly name: string };

export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  /** Every symlink and file under the root, relative to it, with a link's target. */
  readonly tree: readonly string[];
}

export const haveSystemctl = spawnSync('systemctl', ['--version']).status === 0;

export function buildTree(spec: TreeSpec): string {
  const root = mkdtempSync(join(tmpdir(), 'rsd-install-'));
  for (const dir of ['lib/systemd/system', 'etc/systemd/system'])
    mkdirSync(join(root, dir), { recursive: true });
  // Sorted, so that two trees built from one spec get their entries in the same order.
  for (const [path, what] of Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof what === 'string') writeFileSync(full, what);
    else symlinkSync(what.link, full);
  }
  return root;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export function treeOf(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = full.slice(root.length);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

function systemctlArgs(step: Step): string[] {
  switch (step.op) {
    case 'is-enabled':
      return ['is-enabled', step.name];
    case 'list-unit-files':
      return ['list-unit-files', '--no-pager', ...(step.patterns ?? [])];
    case 'get-default':
      return ['get-default'];
    case 'set-default':
      return ['set-default', step.name];
    default:
      return [step.op, ...(step.runtime === true ? ['--runtime'] : []), ...step.names];
  }
}

/** systemctl --root=ROOT, with the root in its messages replaced by "ROOT". */
export function runSystemctl(root: string, step: Step): Outcome {
  const r = spawnSync('systemctl', [`--root=${root}`, ...systemctlArgs(step)], {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LC_ALL: 'C.UTF-8' },
  });
  return {
    stdout: r.stdout.split(root).join('ROOT'),
    stderr: r.stderr.split(root).join('ROOT'),
    status: r.status ?? -1,
    tree: treeOf(root),
  };
}

function lines(ls: readonly install.MessageLine[]): string {
  return ls.map((l) => l.text + '\n').join('');
}

export function runRsd(root: string, step: Step): Outcome {
  let stdout = '';
  let stderr = '';
  let status: number;
  switch (step.op) {
    case 'is-enabled': {
      const r = install.isEnabled(root, step.name);
      if (r.ok) stdout = r.stdout + '\n';
      else stderr = r.stderr + '\n';
      status = r.exitStatus;
      break;
    }
    case 'list-unit-files':
      stdout = install.formatUnitFiles(install.listUnitFiles(root, step.patterns));
      status = 0;
      break;
    case 'get-default': {
      const r = install.getDefault(root);
      if (r.ok) stdout = r.stdout + '\n';
      else stderr = r.stderr + '\n';
      status = r.exitStatus;
      break;
    }
    case 'set-default': {
      const r = install.setDefault(root, step.name);
      stderr = lines(r.lines);
      status = r.exitStatus;
      break;
    }
    default: {
      const r = install[step.op](root, step.names, { runtime: step.runtime === true });
      stderr = lines(r.lines);
      status = r.exitStatus;
    }
  }
  return {
    stdout: stdout.split(root).join('ROOT'),
    stderr: stderr.split(root).join('ROOT'),
    status,
    tree: treeOf(root),
  };
}

/** Runs the steps on two identical trees, one with systemctl, one with rsd; returns both transcripts. */
export function compare(spec: TreeSpec, steps: readonly Step[]): { systemd: Outcome[]; rsd: Outcome[] } {
  const a = buildTree(spec);
  const b = buildTree(spec);
  try {
    return { systemd: steps.map((s) => runSystemctl(a, s)), rsd: steps.map((s) => runRsd(b, s)) };
  } finally {
    removeTree(a);
    removeTree(b);
  }
}
