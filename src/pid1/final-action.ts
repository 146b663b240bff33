import { flushConsole } from '../console-output';
import type { Log } from '../log';
import {
  RB_AUTOBOOT,
  RB_HALT_SYSTEM,
  RB_POWER_OFF,
  reboot,
  sync,
  type RebootCommand,
} from '../native/system';
import type { ShutdownKind } from '../engine/shutdown-request';
import { unmountAll } from './boot-mounts';

/** What rsd does once everything is stopped: end its process, or (a real init) end the machine. */
export type FinalAction =
  | { readonly kind: 'exit'; readonly code: number }
  | {
      readonly kind: 'reboot';
      readonly command: RebootCommand;
      readonly what: 'halt' | 'poweroff' | 'reboot';
    };

export interface Situation {
  /** We are PID 1 of our PID namespace. */
  readonly pid1: boolean;
  /** The container we run in (systemd-detect-virt -c), or null. */
  readonly container: string | null;
}

/**
 * systemd's choice: only an init outside a container halts, powers off or reboots (through reboot(2));
 * in a container, or when not PID 1, rsd exits with the status asked for. `exit` outside a container is
 * a poweroff, as systemctl(1) documents for the system manager.
 */
export function decideFinalAction(s: Situation, kind: ShutdownKind, code: number): FinalAction {
  if (!s.pid1 || s.container !== null) return { kind: 'exit', code };
  switch (kind) {
    case 'halt':
      return { kind: 'reboot', command: RB_HALT_SYSTEM, what: 'halt' };
    case 'reboot':
      return { kind: 'reboot', command: RB_AUTOBOOT, what: 'reboot' };
    case 'poweroff':
    case 'exit':
      return { kind: 'reboot', command: RB_POWER_OFF, what: 'poweroff' };
  }
}

/**
 * The end of an init outside a container: sync, unmount what rsd mounted at boot, reboot(2). Inside a
 * non-initial PID namespace the kernel turns reboot(2) into the end of that namespace (its init killed
 * by SIGINT or SIGHUP). Returns only if reboot(2) failed (no CAP_SYS_BOOT): the caller exits then.
 */
export function rebootNow(
  action: Extract<FinalAction, { kind: 'reboot' }>,
  mounted: readonly string[],
  log: Log,
): void {
  sync();
  unmountAll(mounted, log);
  sync();
  log.info(`Calling reboot(2) to ${action.what}.`);
  // reboot(2) ends the process without exit handlers: what the log holds is written now.
  flushConsole();
  const r = reboot(action.command);
  if (!r.ok) log.error(`reboot(2) failed: errno ${r.errno}; exiting instead.`);
}
