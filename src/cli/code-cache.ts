/**
 * The V8 code cache of the bundle rsd runs from (bundle-loader.ts), as the code inside the bundle sees it.
 * The loader runs outside the bundle and the boot inside it, each with its own copy of this module: they meet
 * through a registry symbol on globalThis.
 */
export type CodeCacheState =
  /** V8 used the cache: the modules and the functions the last boot compiled were not compiled again. */
  | 'accepted'
  /** A cache was there but V8 refused it (another Node.js, other V8 flags). */
  | 'rejected'
  /** No cache yet (the first start after a build), or it was for another build of the bundle. */
  | 'absent';

export interface CodeCache {
  readonly state: CodeCacheState;
  readonly path: string;
  /**
   * Makes the cache of what V8 has compiled so far, now (under the V8 flags of this moment: V8 refuses a
   * cache made under other flags), and writes it. Never rejects: says what happened.
   */
  save(): Promise<string>;
}

const KEY = Symbol.for('rsd.codeCache');

export function publishCodeCache(cache: CodeCache): void {
  (globalThis as Record<symbol, unknown>)[KEY] = cache;
}

/** null when rsd runs from the separate modules (no bundle built, or the tests' ts-jest). */
export function codeCache(): CodeCache | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as CodeCache | undefined) ?? null;
}
