import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';

/* `rsdctl --root=DIR` against `systemctl --root=DIR` on identical trees: same output, same exit, same links. */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');

function links(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${p.slice(root.length)} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) walk(p);
    }
  };
  walk(join(root, 'etc'));
  return out.sort();
}

describe('rsdctl --root', () => {
  const tree = new TmpTree();
  afterAll(() => tree.cleanup());

  let n = 0;
  it.each([
    [[['enable', 'web.service', 'worker@a.service']]],
    [
      [
        ['enable', 'web'],
        ['disable', 'web.service'],
      ],
    ],
    [
      [
        ['mask', 'web.service'],
        ['is-enabled', 'web.service'],
        ['unmask', 'web.service'],
      ],
    ],
    [
      [
        ['enable', 'web'],
        ['is-enabled', 'web.service', 'worker@.service', 'www.service'],
      ],
    ],
    [[['set-default', 'multi-user.target'], ['get-default']]],
    [[['disable', 'nonexistent.service']]],
  ])('%j does what systemctl does', (steps) => {
    const a = tree.path(`${++n}-a`);
    const b = tree.path(`${n}-b`);
    tree.write(
      `${n}-a/lib/systemd/system/web.service`,
      '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=www.service\n',
    );
    tree.write(
      `${n}-a/lib/systemd/system/worker@.service`,
      '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
    );
    tree.write(`${n}-a/lib/systemd/system/multi-user.target`, '[Unit]\nDescription=Multi-User\n');
    tree.write(`${n}-a/etc/systemd/system/.keep`, '');
    cpSync(a, b, { recursive: true });
    for (const args of steps) {
      const ours = spawnSync('node', [RSDCTL, `--root=${a}`, ...args], { encoding: 'utf8' });
      const theirs = spawnSync('systemctl', [`--root=${b}`, ...args], { encoding: 'utf8' });
      expect({ args, status: ours.status }).toEqual({ args, status: theirs.status });
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stderr.replaceAll(a, 'ROOT')).toBe(theirs.stderr.replaceAll(b, 'ROOT'));
      expect(links(a)).toEqual(links(b));
    }
  });
});
