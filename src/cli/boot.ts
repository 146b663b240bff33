import { MessageChannel } from 'node:worker_threads';
import { ControlServer } from '../control/server';
import { lookupGroup } from '../exec/users';
import { SignalWatcher } from '../native/uv-signal';
import { markBootedBySystemdProtocols } from './booted-marker';

/** Linux's first real-time signal as glibc numbers it for programs (SIGRTMIN). */
const SIGRTMIN = 34;
import { Manager } from '../engine/manager';
import type { Log } from '../log';

export interface BootOptions {
  readonly searchPath: readonly string[];
  readonly target: string;
  readonly log: Log;
  readonly cgroupSubtree?: string;
  /** The control socket's path; null for none. */
  readonly controlSocket: string | null;
  /** rsd.conf AdminGroup=: its members may call every control method. */
  readonly adminGroup?: string | null;
}

/** /run/rsd/notify beside the default control socket; elsewhere a path derived from the control socket's. */
function notifySocketPath(control: string | null): string {
  if (control === null || control === '/run/rsd/rsd.sock') return '/run/rsd/notify';
  return `${control}.notify`;
}

/**
 * `rsd`: boots `target`, keeps running until SIGTERM or SIGINT, then stops every unit in reverse order and
 * resolves with the exit status (0). PID 1 duties come with their own issue.
 */
export async function boot(opts: BootOptions): Promise<number> {
  // Services start in / (systemd's default WorkingDirectory=); paths were made absolute before this.
  process.chdir('/');
  const log = opts.log;
  // A bug in one operation must not end the manager (and with it, as PID 1, the machine): log and go on.
  process.on('uncaughtException', (e) => log.error(`Internal error (continuing): ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) =>
    log.error(`Internal error (continuing): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
  if (process.pid === 1) await markBootedBySystemdProtocols(log);
  const watchers: SignalWatcher[] = [];
  const manager = await Manager.create({
    notifySocket: notifySocketPath(opts.controlSocket),
    searchPath: opts.searchPath,
    log,
    cgroupSubtree: opts.cgroupSubtree,
  });
  // Signal listeners do not keep Node alive; this port does, without ever firing.
  const keepAlive = new MessageChannel();
  keepAlive.port1.ref();
  const stop = new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGPWR'] as const) process.once(sig, () => resolve(sig));
    // systemd's real-time signals: SIGRTMIN+3 halt, +4 poweroff, +5 reboot (Node has no names for them).
    for (const [offset, what] of [
      [3, 'SIGRTMIN+3 (halt)'],
      [4, 'SIGRTMIN+4 (poweroff)'],
      [5, 'SIGRTMIN+5 (reboot)'],
    ] as const) {
      watchers.push(new SignalWatcher(SIGRTMIN + offset, () => resolve(what)));
    }
  });
  // SIGHUP re-reads the unit files, SIGUSR1 logs the state of every unit (systemd's daemon-reload and dump).
  process.on('SIGHUP', () => manager.reload());
  process.on('SIGUSR1', () => {
    for (const rt of manager.units())
      log.info(`${rt.id}: ${rt.activeState} (${rt.subState}) result=${rt.result}`);
  });
  const admin = opts.adminGroup ? await lookupGroup(opts.adminGroup) : null;
  if (opts.adminGroup && !admin)
    log.warn(`AdminGroup=${opts.adminGroup} does not exist; only root may change units.`);
  const adminGid = admin?.gid;
  const control =
    opts.controlSocket === null
      ? null
      : await ControlServer.listen({
          path: opts.controlSocket,
          manager,
          log,
          searchPath: opts.searchPath,
          ...(adminGid !== undefined ? { adminGid } : {}),
        }).catch((e: Error) => {
          log.error(`Cannot open the control socket ${opts.controlSocket}: ${e.message}`);
          return null;
        });
  const t0 = process.hrtime.bigint();
  // Set once shutdown begins: a boot cut short is not reported as finished.
  let stopping = false;
  void manager.request(opts.target, 'start', 'replace').then(async (r) => {
    // As systemd: start-up is finished when the boot transaction's last job is, not just the target's.
    await manager.idle();
    manager.startupFinished();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.ok && !stopping)
      log.info(`Startup finished in ${ms.toFixed(1)} ms (${opts.target}: ${r.outcome}).`);
  });
  const reason = await Promise.race([stop, manager.exitRequested.then((code) => code)]);
  stopping = true;
  if (typeof reason === 'string') log.info(`Received ${reason}, stopping all units.`);
  else log.info('Exit requested, stopping all units.');
  await control?.close();
  for (const w of watchers) w.close();
  await manager.stopAll();
  await manager.close();
  keepAlive.port1.close();
  log.info('All units stopped. Exiting.');
  return typeof reason === 'number' ? reason : 0;
}
