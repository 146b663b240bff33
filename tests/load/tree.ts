import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A temporary tree described as `{ 'a/foo.service': '[Service]...', 'a/bar.service': { link: 'foo.service' } }`:
 * a string is a file's content, `{ link }` a symlink, `{ dir: true }` an empty directory, `{ fifo: true }`
 * a named pipe. Removed by `cleanup()`.
 */
export type Node = string | { readonly link: string } | { readonly dir: true } | { readonly fifo: true };

export const SERVICE = '[Service]\nExecStart=/bin/true\n';
export const DROPIN = '[Unit]\nDescription=d\n';

export class Tree {
  readonly root = mkdtempSync(join(tmpdir(), 'rsd-load-'));

  constructor(nodes: Readonly<Record<string, Node>> = {}) {
    this.add(nodes);
  }

  add(nodes: Readonly<Record<string, Node>>): void {
    for (const [rel, node] of Object.entries(nodes)) {
      const p = this.path(rel);
      mkdirSync(dirname(p), { recursive: true });
      if (typeof node === 'string') writeFileSync(p, node);
      else if ('link' in node) symlinkSync(node.link.replace('$ROOT', this.root), p);
      else if ('dir' in node) mkdirSync(p, { recursive: true });
      else mkfifo(p);
    }
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function mkfifo(path: string): void {
  // Node has no mkfifo(); the coreutils one is everywhere systemd is.
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
}
