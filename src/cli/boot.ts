import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { detectContainer } from '../conditions/virtualization';
import { ControlServer } from '../control/server';
import { Manager } from '../engine/manager';
import type { ShutdownKind, ShutdownRequest } from '../engine/shutdown-request';
import { lookupGroup } from '../exec/users';
import type { Log, RsdLog } from '../log';
import { kill } from '../native/libc';
import { SignalWatcher } from '../native/uv-signal';
import type { BootMount } from '../pid1/boot-mount-table';
import { mountBootFileSystems } from '../pid1/boot-mounts';
import { faultsArmed } from '../pid1/fault';
import { decideFinalAction, rebootNow } from '../pid1/final-action';
import { guardProcess } from '../pid1/health';
import { setHostnameFromFile } from '../pid1/hostname';
import { reexec, takeReexecState } from '../pid1/reexec';
import { markBootedBySystemdProtocols } from './booted-marker';
import { codeCache } from './code-cache';
import { afterStartup } from './v8-flags';

/** Linux's first real-time signal as glibc numbers it for programs (SIGRTMIN). */
const SIGRTMIN = 34;
import { JOURNAL_DEFAULTS, type JournalConfig } from '../journal/config';
import { Journal } from '../journal/journal';
import { journalTransport } from '../journal/winston-transport';
import { LogSockets, socketPaths } from '../journal/sockets';
import { startKmsg } from '../journal/kmsg';

export interface BootOptions {
  readonly searchPath: readonly string[];
  readonly target: string;
  readonly log: Log;
  readonly cgroupSubtree?: string;
  /** The control socket's path; null for none. */
  readonly controlSocket: string | null;
  /** rsd.conf AdminGroup=: its members may call every control method. */
  readonly adminGroup?: string | null;
  /** rsd.conf [Journal]; the defaults when absent. */
  readonly journal?: JournalConfig;
  /** The final sweep's wait between SIGTERM and SIGKILL (rsd.conf DefaultTimeoutStopSec=). */
  readonly defaultTimeoutStopMs?: number;
  /** What to mount at early boot as PID 1 outside a container (rsd.conf [Mounts]). */
  readonly mounts?: readonly BootMount[];
  /** Where the host name comes from at early boot. */
  readonly hostnameFile?: string;
}

/** The signals that end rsd, and the shutdown each asks for (docs/pid1.md). */
const STOP_SIGNALS: ReadonlyArray<readonly [NodeJS.Signals, ShutdownKind]> = [
  ['SIGTERM', 'halt'],
  ['SIGINT', 'reboot'],
  ['SIGPWR', 'poweroff'],
];
const RT_STOP_SIGNALS: ReadonlyArray<readonly [number, ShutdownKind]> = [
  [3, 'halt'],
  [4, 'poweroff'],
  [5, 'reboot'],
];

/** /run/rsd/notify beside the default control socket; elsewhere a path derived from the control socket's. */
function notifySocketPath(control: string | null): string {
  if (control === null || control === '/run/rsd/rsd.sock') return '/run/rsd/notify';
  return `${control}.notify`;
}

/**
 * `rsd`: boots `target`, keeps running until a stop signal or request, then stops every unit in reverse
 * order, sweeps what is left, and resolves with the exit status, or (an init outside a container) halts,
 * powers off or reboots. PID 1 duties: docs/pid1.md.
 */
export async function boot(opts: BootOptions): Promise<number> {
  // Services start in / (systemd's default WorkingDirectory=); paths were made absolute before this.
  process.chdir('/');
  const log = opts.log;
  const pid1 = process.pid === 1;
  let manager: Manager | null = null;
  // What early boot mounted (by this rsd or, before a re-exec, its predecessor): unmounted at the very end.
  let mounted: string[] = [];
  // A bug in one operation must not end the manager (and with it, as PID 1, the machine): log and go on,
  // and re-execute when the manager is beyond repair.
  const beyondRepair = (reason: string): void => {
    log.error(`The manager's state is beyond repair (${reason}); re-executing.`);
    const units = manager?.activeUnits() ?? [];
    // The new rsd starts these units afresh: it must not find the old processes (nothing re-adopts them).
    if (pid1) kill(-1, 9);
    else if (manager?.cgroups.kind === 'cgroup2') {
      try {
        writeFileSync(`${manager.cgroups.root}/cgroup.kill`, '1');
      } catch {
        // without cgroup.kill the new rsd meets the old processes in the units' cgroups
      }
    }
    reexec({ units, mounted }, reason);
  };
  guardProcess(log, beyondRepair);
  const armed = faultsArmed();
  if (armed !== null) log.warn(`Fault injection armed: RSD_FAULT=${armed}.`);
  const again = takeReexecState();
  if (again) log.info(`Re-executed; bringing back ${again.units.length} units.`);
  // Only the container part now: VM detection reads /sys, which early boot may be about to mount.
  const container = await detectContainer();
  if (again) mounted = again.mounted;
  else if (pid1 && container === null) {
    mounted = mountBootFileSystems(opts.mounts ?? [], log);
    setHostnameFromFile(log, opts.hostnameFile);
  } else if (pid1 && container !== null) log.info(`Running in a container (${container}).`);
  // After early boot's mounts: /run may be one of them.
  if (pid1) await markBootedBySystemdProtocols(log);
  const watchers: SignalWatcher[] = [];
  // A test rsd (its own control socket) keeps its own journal beside it, so instances never share one.
  const journal = await Journal.open({
    config: opts.journal ?? JOURNAL_DEFAULTS,
    defaultDirectory:
      opts.controlSocket === null || opts.controlSocket === '/run/rsd/rsd.sock'
        ? null
        : `${opts.controlSocket}.journal`,
  }).catch((e: Error) => {
    log.error(`Cannot open the journal: ${e.message}; services' output goes to this log only.`);
    return null;
  });
  if (journal && 'addTransport' in log) (log as RsdLog).addTransport(journalTransport(journal));
  const logSockets = journal ? new LogSockets(journal, (m) => log.warn(m)) : null;
  await logSockets?.open(socketPaths(journal!.config, pid1));
  const kmsg = journal ? await startKmsg(journal, (m) => log.warn(m)) : null;
  const m = await Manager.create({
    ...(journal ? { journal } : {}),
    notifySocket: notifySocketPath(opts.controlSocket),
    searchPath: opts.searchPath,
    log,
    cgroupSubtree: opts.cgroupSubtree,
  });
  manager = m;
  m.onBeyondRepair = beyondRepair;
  // Signal listeners do not keep Node alive; this port does, without ever firing.
  const keepAlive = new MessageChannel();
  keepAlive.port1.ref();
  const stop = new Promise<{ signal: string; kind: ShutdownKind }>((resolve) => {
    for (const [sig, kind] of STOP_SIGNALS) process.once(sig, () => resolve({ signal: sig, kind }));
    // systemd's real-time signals: SIGRTMIN+3 halt, +4 poweroff, +5 reboot (Node has no names for them).
    for (const [offset, kind] of RT_STOP_SIGNALS)
      watchers.push(
        new SignalWatcher(SIGRTMIN + offset, () => resolve({ signal: `SIGRTMIN+${offset} (${kind})`, kind })),
      );
  });
  // SIGHUP re-reads the unit files, SIGUSR1/SIGUSR2 log the state of every unit (daemon-reload and dump).
  process.on('SIGHUP', () => m.reload());
  const dump = (): void => {
    for (const rt of m.units()) log.info(`${rt.id}: ${rt.activeState} (${rt.subState}) result=${rt.result}`);
  };
  process.on('SIGUSR1', dump);
  process.on('SIGUSR2', dump);
  const admin = opts.adminGroup ? await lookupGroup(opts.adminGroup) : null;
  if (opts.adminGroup && !admin)
    log.warn(`AdminGroup=${opts.adminGroup} does not exist; only root may change units.`);
  const adminGid = admin?.gid;
  const control =
    opts.controlSocket === null
      ? null
      : await ControlServer.listen({
          path: opts.controlSocket,
          manager: m,
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
  if (again) for (const u of again.units) void m.request(u, 'start', 'replace');
  void m.request(opts.target, 'start', 'replace').then(async (r) => {
    // As systemd: start-up is finished when the boot transaction's last job is, not just the target's.
    await m.idle();
    m.startupFinished();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.ok && !stopping)
      log.info(`Startup finished in ${ms.toFixed(1)} ms (${opts.target}: ${r.outcome}).`);
    // Once the boot's code has been compiled, the next start finds it in the cache. It is made (save()'s
    // synchronous start) before afterStartup() changes V8's flags: V8 refuses a cache made under others.
    const cache = codeCache();
    const saved = cache?.save();
    afterStartup();
    if (cache) log.debug(`V8 code cache ${cache.path}: ${cache.state}, ${await saved}.`);
  });
  const reason: ShutdownRequest & { signal?: string } = await Promise.race([
    stop.then((s) => ({ ...s, code: 0 })),
    m.exitRequested,
  ]);
  stopping = true;
  if (reason.signal !== undefined) log.info(`Received ${reason.signal}, stopping all units.`);
  else log.info(`${reason.kind === 'exit' ? 'Exit' : reason.kind} requested, stopping all units.`);
  await control?.close();
  for (const w of watchers) w.close();
  await m.stopAll();
  await m.finalSweep(opts.defaultTimeoutStopMs ?? 90_000);
  await m.close();
  keepAlive.port1.close();
  const closeJournal = async (): Promise<void> => {
    logSockets?.close();
    kmsg?.close();
    await journal?.close();
  };
  const action = decideFinalAction({ pid1, container }, reason.kind, reason.code);
  if (action.kind === 'reboot') {
    log.info(`All units stopped. Going to ${action.what}.`);
    await closeJournal();
    rebootNow(action, mounted, log);
    return reason.code;
  }
  log.info('All units stopped. Exiting.');
  await closeJournal();
  return action.code;
}
