import { setFlagsFromString } from 'node:v8';

/*
 * V8 settings for a manager: code that runs a few thousand times at boot and then rarely, and a heap that
 * is mostly the units' settings and state, which live as long as rsd does. Set before any other module is
 * loaded. Measured on a 2-core VM booting 1000 services (bench/boot.ts): rsd's CPU 1.2 s -> 0.9 s, its RSS
 * 121 MB -> 94 MB.
 */

// How much bytecode a function runs before TurboFan compiles it: during the boot, eight times V8's default
// (132 KiB). At the default, V8 spent a quarter of a 1000-service boot's CPU compiling on background
// threads, on cores that the services being spawned need. After it (afterStartup), the default again:
// kept, the control socket under a flood answered 60k requests/s instead of 100k, as its code stayed
// unoptimized longer. V8 reads the flag each time a function's budget is renewed, so this takes effect
// at run time.
const DEFAULT_INTERRUPT_BUDGET = 132 * 1024;
setFlagsFromString(`--interrupt-budget=${8 * DEFAULT_INTERRUPT_BUDGET}`);

// The young generation keeps its first size (8 MiB, both halves) instead of doubling up to 32 MiB resident
// during a boot's burst of allocation. V8 reads this flag at each growth, so it works when set at run time
// (unlike --max-semi-space-size, which only a command line can set). Measured (1000 services): RSS 27 MB
// lower than at 32 MiB, for ~25 ms more of the main thread in GC (objects that live a few milliseconds get
// promoted). Stopping the growth at 16 MiB instead (GC as at 32, RSS 15 MB lower) cannot be done from here:
// the growths happen while units load, synchronously, before a GC observer could run.
setFlagsFromString('--semi-space-growth-factor=1');

/** Startup is over: V8's own tiering from now on (see above). */
export function afterStartup(): void {
  setFlagsFromString(`--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`);
}
