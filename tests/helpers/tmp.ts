import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary directory tree for one test file, removed by `cleanup()`. */
export class TmpTree {
  readonly root = mkdtempSync(join(tmpdir(), 'rsd-test-'));

  path(rel: string): string {
    return join(this.root, rel);
  }

  write(rel: string, content: string | Buffer): string {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  link(rel: string, target: string): string {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync(target, p);
    return p;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
