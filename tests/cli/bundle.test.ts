import {
  appendFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Rsd } from '../boot/harness';
import { TmpTree } from '../helpers/tmp';

/**
 * rsd runs from its one-file bundle with V8's code cache beside it (src/cli/bundle-loader.ts). Each test has
 * a build of its own: dist/src/cli copied (bundle, launcher, modules), everything else linked, so its cache
 * file is its own.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli');

let tree: TmpTree;
let rsd: Rsd | null = null;
let cli: string;

beforeEach(() => {
  tree = new TmpTree();
  cli = tree.path('build/dist/src/cli');
  cpSync(CLI, cli, { recursive: true, filter: (src) => !src.endsWith('.v8cache') });
  for (const d of readdirSync(join(ROOT, 'dist', 'src'))) {
    if (d !== 'cli') tree.link(`build/dist/src/${d}`, join(ROOT, 'dist', 'src', d));
  }
  for (const d of ['native', 'units', 'node_modules', 'package.json']) tree.link(`build/${d}`, join(ROOT, d));
  tree.write(
    'units/ran.service',
    `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo ran > ${tree.path('ran')}'\n`,
  );
});

afterEach(() => {
  rsd?.kill();
  rsd = null;
  tree.cleanup();
});

const cache = (): string => join(cli, 'rsd-bundle.js.v8cache');

/**
 * Boots ran.service with this test's build and stops it; resolves with the code cache line (logged once the
 * cache is written, after startup), or with null from a build without a bundle.
 */
async function boot(bundled = true): Promise<string | null> {
  rmSync(tree.path('ran'), { force: true });
  rsd = Rsd.start(tree.path('units'), { unit: 'ran.service', logLevel: 'debug', rsd: join(cli, 'rsd.js') });
  await rsd.waitFor(/Startup finished/);
  expect(readFileSync(tree.path('ran'), 'utf8')).toBe('ran\n');
  const line = bundled ? await rsd.waitFor(/V8 code cache/) : null;
  expect(await rsd.stop()).toBe(0);
  if (!bundled) expect(rsd.log).not.toMatch(/V8 code cache/);
  rsd = null;
  return line;
}

it('writes the code cache after the first boot and uses it from the next one on', async () => {
  expect(existsSync(cache())).toBe(false);
  expect(await boot()).toMatch(/rsd-bundle\.js\.v8cache: absent, written\.$/);
  expect(statSync(cache()).size).toBeGreaterThan(100_000);
  expect(await boot()).toMatch(/: accepted, written\.$/);
});

it('never uses the cache of another build of the bundle', async () => {
  await boot();
  // A rebuilt bundle: the same code with one more line, so V8's own check (the source's length) alone
  // would not catch it.
  appendFileSync(join(cli, 'rsd-bundle.js'), '\n');
  expect(await boot()).toMatch(/: absent, written\.$/);
  expect(await boot()).toMatch(/: accepted, written\.$/);
});

it('boots on when V8 refuses the cache, and replaces it', async () => {
  await boot();
  const good = readFileSync(cache());
  const key = good.subarray(0, good.indexOf('\n') + 1);
  writeFileSync(cache(), Buffer.concat([key, Buffer.from('not a code cache at all')]));
  expect(await boot()).toMatch(/: rejected, written\.$/);
  expect(await boot()).toMatch(/: accepted, written\.$/);
});

it('a bundle cut short does not stop rsd: it says so and runs from the separate modules', async () => {
  const b = join(cli, 'rsd-bundle.js');
  writeFileSync(b, readFileSync(b).subarray(0, 100_000));
  rsd = Rsd.start(tree.path('units'), { unit: 'ran.service', rsd: join(cli, 'rsd.js') });
  await rsd.waitFor(/Startup finished/);
  expect(readFileSync(tree.path('ran'), 'utf8')).toBe('ran\n');
  expect(rsd.log).toMatch(
    /rsd-bundle\.js does not compile \(SyntaxError: .*\); loading the modules instead\./,
  );
  expect(await rsd.stop()).toBe(0);
  rsd = null;
});

it('runs from the separate modules when there is no bundle', async () => {
  rmSync(join(cli, 'rsd-bundle.js'));
  await boot(false);
  expect(existsSync(cache())).toBe(false);
});
