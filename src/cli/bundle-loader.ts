import { readFileSync, statSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { publishCodeCache, type CodeCacheState } from './code-cache';

/**
 * Runs rsd from its one-file bundle (build_all.sh makes it with esbuild) with V8's code cache, when both are
 * there. Loading rsd's modules one by one cost about 110 ms of every start here (finding ~250 files, reading
 * and compiling each); the bundle is one read, and with the cache nothing is compiled again that the last
 * boot compiled. The cache is written after every boot (what this boot compiled, its own or from the cache),
 * next to the bundle; it names the bundle's size and mtime, so a rebuilt bundle never meets an old cache.
 * Returns false when there is no bundle: the caller loads the modules the ordinary way.
 */
export function runBundle(bundle: string): boolean {
  let source: string;
  let key: string;
  try {
    const st = statSync(bundle);
    source = readFileSync(bundle, 'utf8');
    key = `rsd-code-cache ${process.version} ${process.arch} ${st.size} ${st.mtimeMs}\n`;
  } catch {
    return false;
  }
  const path = `${bundle}.v8cache`;
  const cached = readCache(path, key);
  // The file is the module wrapper already (scripts/bundle.sh).
  let script: Script;
  let wrapper: unknown;
  try {
    script = new Script(source, { filename: bundle, ...(cached !== null ? { cachedData: cached } : {}) });
    wrapper = script.runInThisContext();
  } catch (e) {
    // A bundle cut short (an interrupted build, a full disk) must not keep rsd, perhaps PID 1, from starting.
    process.stderr.write(`rsd: ${bundle} does not compile (${String(e)}); loading the modules instead.\n`);
    return false;
  }
  if (typeof wrapper !== 'function') {
    process.stderr.write(
      `rsd: ${bundle} is not a bundle made by scripts/bundle.sh; loading the modules instead.\n`,
    );
    return false;
  }
  const state: CodeCacheState =
    cached === null ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  publishCodeCache({ state, path, save });

  // The cache is made at the call, under the V8 flags of that moment (V8 refuses it under others); only the
  // writing waits.
  function save(): Promise<string> {
    return write(Buffer.concat([Buffer.from(key), script.createCachedData()]));
  }

  async function write(data: Buffer): Promise<string> {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
      return 'written';
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      return `not written (${e instanceof Error ? e.message : String(e)})`;
    }
  }

  const run = wrapper as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  const module = new Module(bundle);
  module.filename = bundle;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return true;
}

/** The cache's bytes when the file is there and made for this bundle, else null. */
function readCache(path: string, key: string): Buffer | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null;
  }
  return file.subarray(0, key.length).toString() === key ? file.subarray(key.length) : null;
}
