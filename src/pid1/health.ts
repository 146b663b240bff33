import type { Log } from '../log';

/** This many exceptions escaping to the event loop, each within ESCAPE_WINDOW_MS of the last: beyond repair. */
export const MAX_ESCAPES = 10;
const ESCAPE_WINDOW_MS = 1000;

/**
 * rsd's last line of defence: an exception or rejection nobody caught is logged with its stack and rsd goes
 * on (as PID 1 its exit would end the container, or panic the kernel). A burst of them in a row means the
 * manager is failing at everything: `beyondRepair` is called once (rsd re-executes itself).
 */
export function guardProcess(log: Log, beyondRepair: (reason: string) => void): void {
  let inARow = 0;
  let last = 0;
  let gaveUp = false;
  const escaped = (what: string, e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    log.error(`Internal error (${what}, continuing): ${text}`);
    const now = Date.now();
    inARow = now - last <= ESCAPE_WINDOW_MS ? inARow + 1 : 1;
    last = now;
    if (inARow >= MAX_ESCAPES && !gaveUp) {
      gaveUp = true;
      beyondRepair(`${inARow} internal errors in a row`);
    }
  };
  process.on('uncaughtException', (e) => escaped('uncaught exception', e));
  process.on('unhandledRejection', (e) => escaped('unhandled rejection', e));
}
