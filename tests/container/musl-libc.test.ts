import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMuslHelper, containerTestsUnavailable } from './runc';

/*
 * The Alpine image (dockerfiles/Dockerfile) runs rsd on musl. rsd binds libc functions by name through
 * koffi (src/native/), and koffi throws when a name is missing, which for the posix_spawn bindings fails
 * every service start. No musl build of node runs here, so this checks the names against musl's libc.so
 * (Debian's musl-tools, installed by scripts/install-container-packages.sh).
 */
const MUSL_LIBC = '/usr/lib/x86_64-linux-musl/libc.so';
const NATIVE = join(__dirname, '..', '..', 'src', 'native');

function muslExports(): Set<string> | string {
  // Installs musl-tools on a machine that lacks it (and says why not, when it cannot).
  const unavailable = containerTestsUnavailable();
  if (!existsSync(MUSL_LIBC) && unavailable) return unavailable;
  if (!existsSync(MUSL_LIBC)) return `${MUSL_LIBC} is missing (musl-tools)`;
  try {
    const out = execFileSync('nm', ['-D', '--defined-only', MUSL_LIBC], { encoding: 'utf8' });
    return new Set(out.split('\n').map((l) => l.split(' ')[2] ?? ''));
  } catch (e) {
    return `nm cannot read ${MUSL_LIBC}: ${(e as Error).message}`;
  }
}

/** The libc functions rsd declares to koffi: 'ret name(args)' strings in files that load libc.so.6. */
function boundLibcFunctions(): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(NATIVE)) {
    const src = readFileSync(join(NATIVE, f), 'utf8');
    if (!src.includes("koffi.load('libc.so.6')")) continue;
    for (const m of src.matchAll(/'(?:const\s+)?\w+\s*\**\s*(\w+)\(/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

const exportsOrWhy = muslExports();
if (typeof exportsOrWhy === 'string') console.warn(`SKIPPED the musl libc check: ${exportsOrWhy}`);
const itMusl = typeof exportsOrWhy === 'string' ? it.skip : it;

describe("rsd's libc bindings on musl (the Alpine image)", () => {
  itMusl('every function rsd needs exists in musl; the one it lacks is bound as optional', () => {
    const exported = exportsOrWhy as Set<string>;
    const bound = boundLibcFunctions();
    expect(bound).toEqual(expect.arrayContaining(['posix_spawn', 'waitpid', 'socket', 'accept4']));
    // musl has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): src/native/libc.ts binds it as
    // optional, and spawns then go through librsd-spawn.so, which closes stray fds with close_range.
    expect(bound.filter((n) => !exported.has(n))).toEqual(['posix_spawn_file_actions_addclosefrom_np']);
    expect(readFileSync(join(NATIVE, 'libc.ts'), 'utf8')).toMatch(
      /posix_spawn_file_actions_addclosefrom_np: optional\(/,
    );
  });

  itMusl('librsd-spawn.so built with musl (as in the image) needs only functions musl exports', () => {
    const exported = exportsOrWhy as Set<string>;
    const built = buildMuslHelper();
    if ('skip' in built) throw new Error(built.skip);
    const undefinedSyms = execFileSync('nm', ['-D', '--undefined-only', join(built.dir, 'librsd-spawn.so')], {
      encoding: 'utf8',
    })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([kind]) => kind === 'U') // weak ('w') ones may stay unresolved
      .map(([, name]) => name!);
    expect(undefinedSyms).toEqual(expect.arrayContaining(['execve']));
    expect(undefinedSyms.filter((n) => !exported.has(n))).toEqual([]);
  });
});
