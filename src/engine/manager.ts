import { evaluateConditions, PASSED, describe as describeCondition } from '../conditions/evaluate';
import { startReaper, becomeSubreaper, type Reaper } from '../exec/reaper';
import { spawnProcess } from '../exec/spawn';
import {
  cgroupPathIn,
  describeCgroupBackend,
  detectCgroupBackend,
  removeCgroupRoot,
  type CgroupBackend,
} from '../exec/unit-cgroup';
import { DependencyGraph } from '../graph/dependencies';
import type { ActiveState, RequestJobType } from '../graph/job-types';
import { buildTransaction, type Job, type JobMode } from '../graph/transaction';
import { canReload } from '../graph/transaction-add';
import { Upkeep } from './upkeep';
import { UnitFileIndex } from '../load/unit-file-index';
import { UnitLoader, type LoadedUnit } from '../load/unit-loader';
import type { UnitConfig } from '../unit/table';
import type { Log } from '../log';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { captureLines } from '../journal/capture';
import type { Journal } from '../journal/journal';
import { NotifySocket, type NotifyMessage } from '../notify';
import { close, F_GETFL, F_SETFL, fcntlGet, fcntlSet, kill, O_NONBLOCK } from '../native/libc';
import type { SocketHandover, StdioFds } from './command-spec';
import { ServiceRuntime } from './service';
import { SocketRuntime } from './socket';
import { StartLimit } from './start-limit';
import { TargetRuntime, UnsupportedRuntime } from './target';
import { JobRunner } from './job-runner';
import { fault } from '../pid1/fault';
import { finalSweep } from '../pid1/sweep';
import { shutdownKindOf, type ShutdownKind, type ShutdownRequest } from './shutdown-request';
import { type JobOutcome, type UnitContext, type UnitRuntime } from './unit-runtime';

/** How many lines per unit `status` can show. */
const RECENT_LINES = 10;

export interface ManagerOptions {
  readonly searchPath: readonly string[];
  readonly log: Log;
  /** Where services send sd_notify messages (NOTIFY_SOCKET); none when absent. */
  readonly notifySocket?: string;
  /** The cgroup directory (under rsd's own cgroup) that holds the units' cgroups. */
  readonly cgroupSubtree?: string;
  /** Where services' output goes; without one, their lines go to the log (tests of the engine alone). */
  readonly journal?: Journal;
}

export interface UnitTimestamps {
  StateChangeTimestamp: number;
  ActiveEnterTimestamp: number;
  ActiveExitTimestamp: number;
  InactiveEnterTimestamp: number;
  InactiveExitTimestamp: number;
}

export interface UnitChange {
  readonly unit: string;
  readonly activeState: ActiveState;
  readonly subState: string;
  readonly result: string;
}

export type RequestResult =
  { readonly ok: true; readonly outcome: JobOutcome } | { readonly ok: false; readonly error: string };

/** How a unit's job ended, as systemd logs it. */
const DONE_MESSAGE: Partial<Record<JobOutcome, string>> = {
  failed: 'Failed to start',
  timeout: 'Timed out starting',
  dependency: 'Dependency failed for',
  assert: 'Assertion failed for',
  unsupported: 'Starting is not supported for',
};

/**
 * The service manager: loads units, turns requests into transactions, runs their jobs, and reacts to units
 * changing state on their own (BindsTo=, OnFailure=, Restart=). It reaches the OS only through the unit
 * runtimes' context (exec/, native/) and conditions/.
 */
export class Manager {
  private readonly runtimes = new Map<string, UnitRuntime>();
  /** The socket units among `runtimes`: every service start and stop looks for its sockets here. */
  private readonly socketRuntimes = new Set<SocketRuntime>();
  /** The services among `runtimes`: every notification looks for its sender here. */
  private readonly serviceRuntimes = new Set<ServiceRuntime>();
  /** Accept=yes connections waiting for their instance's main process: instance -> fd, variables, socket. */
  private readonly connections = new Map<
    string,
    { fd: number; env: Record<string, string>; socket: string }
  >();
  /** Instances started for connections, so their end can be counted against MaxConnections=. */
  private readonly instanceSocket = new Map<string, string>();
  private readonly limits = new Map<string, StartLimit>();
  private readonly lastState = new Map<string, ActiveState>();
  /** Realtime µs of each unit's last transitions, for `show` (ActiveEnterTimestamp, ...). */
  private readonly timestamps = new Map<string, UnitTimestamps>();
  private readonly listeners = new Set<(change: UnitChange) => void>();
  private exitRequest: ((request: ShutdownRequest) => void) | null = null;
  /** Resolves with the first shutdown asked for (rsdctl exit/poweroff/..., SuccessAction=, ...). */
  readonly exitRequested: Promise<ShutdownRequest>;
  private readonly jobs: JobRunner;
  private readonly context: UnitContext;
  private loader: UnitLoader;
  private graph: DependencyGraph;
  private readonly upkeep: Upkeep;

  private readonly opts: ManagerOptions;
  private readonly recent = new Map<string, string[]>();

  private constructor(
    opts: ManagerOptions,
    readonly cgroups: CgroupBackend,
    private readonly reaper: Reaper,
    private readonly notify: NotifySocket | null,
  ) {
    this.exitRequested = new Promise((resolve) => (this.exitRequest = resolve));
    this.loader = this.newLoader(opts.searchPath, opts.log);
    this.graph = DependencyGraph.build([], (n) => this.loader.load(n));
    this.jobs = new JobRunner(
      (job) => this.runJob(job),
      (job, outcome) => this.jobFinished(job, outcome),
    );
    // Every message about a unit, and every line it writes, is also kept (the last few) for `status`.
    const remember = (unit: string | undefined, text: string): void => {
      if (unit === undefined) return;
      const lines = this.recent.get(unit) ?? [];
      lines.push(`${new Date().toISOString().slice(11, 19)} ${text}`);
      if (lines.length > RECENT_LINES) lines.shift();
      this.recent.set(unit, lines);
    };
    const log = opts.log;
    const unitLog: Log = {
      error: (m, u) => (remember(u, m), log.error(m, u)),
      warn: (m, u) => (remember(u, m), log.warn(m, u)),
      info: (m, u) => (remember(u, m), log.info(m, u)),
      debug: (m, u) => log.debug(m, u),
    };
    this.opts = { ...opts, log: unitLog };
    this.context = {
      captureOutput: (id, pipe, kind, source) => {
        if (opts.journal) return opts.journal.captureStream(pipe, kind, { ...source, unit: id });
        const name = `${basename(source.path)}[${source.pid()}]`;
        captureLines(pipe, (line) => {
          remember(id, `${name}: ${line}`);
          log.info(line, name);
        });
      },
      log: unitLog,
      cgroups,
      notifySocket: notify ? (opts.notifySocket ?? null) : null,
      spawn: (spec) => (fault('spawn', spec.path), spawnProcess(spec)),
      watchPid: (pid, onExit) => this.reaper.watch(pid, onExit),
      adoptPid: (pid, onExit) => this.reaper.adopt(pid, onExit),
      unwatchPid: (pid) => this.reaper.unwatch(pid),
      signal: (pid, sig) => void kill(pid, sig),
      requestRestart: (id) => void this.request(id, 'restart', 'replace'),
      stateChanged: (id) => this.unitChanged(id),
      socketsFor: (id) => this.socketsFor(id),
      socketsHandedOver: (id) => this.socketsHandedOver(id),
      stdioFdsFor: (id) => this.transientStdio.get(id) ?? null,
      jobsDispatched: (id) => this.jobs.whenDispatched(id),
    };
    this.upkeep = new Upkeep({
      deps: (id, kind) => this.graph.deps(id, kind),
      stateOf: (id) => this.stateOf(id),
      hasJob: (id) => this.jobs.jobOf(id) !== undefined,
      stopWhenUnneeded: (id) => {
        const u = this.loader.load(id);
        return u.loadState === 'loaded' && u.config.Unit.StopWhenUnneeded;
      },
      start: (id, upholder) => {
        this.opts.log.info(`Upheld by ${upholder} but not active, starting.`, id);
        void this.request(id, 'start', 'replace');
      },
      stop: (id) => {
        this.opts.log.info('Unit not needed anymore. Stopping.', id);
        void this.request(id, 'stop', 'replace');
      },
    });
    notify?.onMessage((msg, sender, fds) => {
      try {
        fault('notify');
        // FDSTORE=1 must be decided now, before the notify socket closes the fds nobody kept.
        const kept =
          msg.fdStore && fds.length > 0
            ? this.storeFds(sender.pid, fds, msg.fdName ?? 'stored', msg.fdPoll !== false)
            : [];
        void this.routeNotification(msg, sender.pid).catch((e) => this.internalError('notification', e));
        return kept;
      } catch (e) {
        this.internalError(`notification from PID ${sender.pid}`, e);
        return [];
      }
    });
  }

  /**
   * Gives a notification to the service it comes from: by main or control pid, else by the sender's cgroup;
   * NotifyAccess= decides whether it counts (systemd logs and drops the rest).
   */
  /** The fd store (FDSTORE=1) of the service whose main or control process sent `fds`; the fds it keeps. */
  private storeFds(pid: number, fds: number[], name: string, poll: boolean): number[] {
    for (const rt of this.serviceRuntimes) {
      if (rt.runsPid(pid) && rt.acceptsNotification(pid, false)) return rt.storeFds(fds, name, poll);
    }
    return [];
  }

  private async routeNotification(msg: NotifyMessage, pid: number): Promise<void> {
    let target: ServiceRuntime | null = null;
    let inCgroup = false;
    for (const rt of this.serviceRuntimes) if (rt.runsPid(pid)) target = rt;
    if (target === null) {
      const cg = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
      const hierarchy = this.cgroups.kind === 'cgroup1' ? this.cgroups.hierarchy : '';
      const path = cgroupPathIn(cg, hierarchy) ?? '';
      for (const rt of this.serviceRuntimes) {
        if (rt.cgroupPath !== null && rt.cgroupPath.endsWith(path) && path !== '') {
          target = rt;
          inCgroup = true;
        }
      }
    }
    if (target === null) {
      this.opts.log.debug(`Notification from PID ${pid} that belongs to no unit, ignoring.`);
      return;
    }
    if (!target.acceptsNotification(pid, inCgroup)) {
      this.opts.log.warn(
        `Got notification message from PID ${pid}, but NotifyAccess= does not allow it.`,
        target.id,
      );
      return;
    }
    target.onNotify(msg);
  }

  private newLoader(searchPath: readonly string[], log: Log): UnitLoader {
    const loader = new UnitLoader(UnitFileIndex.scan(searchPath));
    loader.onInternalError = (name, e) =>
      log.error(
        `Internal error while loading ${name} (continuing): ${e instanceof Error ? e.stack : String(e)}`,
        name,
      );
    return loader;
  }

  /** Sets up the process side (reaper, subreaper, cgroups) once, then the manager. */
  static async create(opts: ManagerOptions): Promise<Manager> {
    const reaper = startReaper('all');
    const sub = becomeSubreaper();
    if (sub.kind === 'failed')
      opts.log.warn(`Could not become a child subreaper (errno ${sub.errno}); orphans will not be reaped.`);
    reaper.onOrphan = (exit) => opts.log.debug(`Reaped orphan ${exit.pid}.`);
    const cgroups = await detectCgroupBackend(opts.cgroupSubtree, (l) => reaper.onDrain(() => l()));
    if (cgroups.kind === 'process-group') opts.log.warn(describeCgroupBackend(cgroups));
    else opts.log.info(describeCgroupBackend(cgroups));
    let notify: NotifySocket | null = null;
    if (opts.notifySocket !== undefined) {
      await mkdir(dirname(opts.notifySocket), { recursive: true }).catch(() => undefined);
      const n = NotifySocket.open(opts.notifySocket);
      if (n.ok) notify = n.value;
      else
        opts.log.warn(
          `Cannot open the notification socket ${opts.notifySocket}: ${n.message}; Type=notify services count as started when they run.`,
        );
    }
    return new Manager(opts, cgroups, reaper, notify);
  }

  /** The loaded unit for a name (aliases resolve), loading it if needed. */
  unit(name: string): LoadedUnit {
    return this.loader.load(name);
  }

  runtime(name: string): UnitRuntime | null {
    const u = this.loader.load(name);
    if (u.loadState !== 'loaded') return this.runtimes.get(u.id) ?? null;
    let rt = this.runtimes.get(u.id);
    if (rt) return rt;
    const c = u.config;
    if (c.type === 'service') rt = new ServiceRuntime(u.id, c, this.context);
    else if (c.type === 'target') rt = new TargetRuntime(u.id, this.context);
    else if (c.type === 'socket') {
      rt = new SocketRuntime(u.id, c, this.context, {
        triggerService: (service) => {
          try {
            fault('socket-activation', u.id);
            void this.request(service, 'start', 'replace');
          } catch (e) {
            this.internalError(`socket activation of ${service} by ${u.id}`, e);
            // As when its listeners cannot be set up: the socket closes them and fails ('resources').
            const srt = this.runtimes.get(u.id);
            if (srt) void srt.stop().then(() => srt.fail('resources'));
          }
        },
        startAcceptedInstance: (instance, fd, env) => {
          // The service reads and writes the connection with blocking calls, as systemd hands it over.
          const flags = fcntlGet(fd, F_GETFL);
          if (flags.ok) fcntlSet(fd, F_SETFL, flags.value & ~O_NONBLOCK);
          this.connections.set(instance, { fd, env, socket: u.id });
          this.instanceSocket.set(instance, u.id);
          void this.request(instance, 'start', 'replace').then((r) => {
            // The instance never got the fd (it failed before spawning): drop our copy.
            const left = this.connections.get(instance);
            if (left && (!r.ok || r.outcome !== 'done')) {
              close(left.fd);
              this.connections.delete(instance);
            }
          });
        },
      });
    } else
      rt = new UnsupportedRuntime(u.id, `Unit type '${c.type}' cannot be started by rsd yet.`, this.context);
    this.runtimes.set(u.id, rt);
    if (rt instanceof SocketRuntime) this.socketRuntimes.add(rt);
    if (rt instanceof ServiceRuntime) this.serviceRuntimes.add(rt);
    this.lastState.set(u.id, rt.activeState);
    return rt;
  }

  stateOf(name: string): ActiveState {
    return this.runtime(name)?.activeState ?? 'inactive';
  }

  /**
   * What a service's main process gets from socket activation: its accepted connection (Accept=yes), or the
   * listening fds of every active socket that names it (Service=, same name, or the service's Sockets=).
   */
  private socketsFor(serviceId: string): SocketHandover | null {
    const conn = this.connections.get(serviceId);
    if (conn) return { fds: [conn.fd], names: ['connection'], env: conn.env, connection: conn.fd };
    const u = this.loader.load(serviceId);
    const named = u.loadState === 'loaded' && u.config.type === 'service' ? u.config.Service.Sockets : [];
    const fds: number[] = [];
    const names: string[] = [];
    for (const rt of this.socketRuntimes) {
      if (rt.accepts) continue;
      if (rt.activeState !== 'active') continue;
      if (rt.serviceName !== serviceId && !named.includes(rt.id)) continue;
      const f = rt.fds();
      fds.push(...f.fds);
      names.push(...f.names);
      rt.handedOver();
    }
    // Passed fds are blocking unless the service asks for NonBlocking= (systemd.service(5)).
    const nonBlocking =
      u.loadState === 'loaded' && u.config.type === 'service' && u.config.Service.NonBlocking;
    for (const fd of fds) {
      const flags = fcntlGet(fd, F_GETFL);
      if (flags.ok) fcntlSet(fd, F_SETFL, nonBlocking ? flags.value | O_NONBLOCK : flags.value & ~O_NONBLOCK);
    }
    // Stored fds (FDSTORE=1) come after the sockets, with their names (sd_listen_fds(3)).
    const rt = this.runtimes.get(u.id);
    if (rt instanceof ServiceRuntime) {
      for (const f of rt.storedFds()) {
        fds.push(f.fd);
        names.push(f.name);
      }
    }
    return fds.length > 0 ? { fds, names, env: {}, connection: null } : null;
  }

  private socketsHandedOver(serviceId: string): void {
    const conn = this.connections.get(serviceId);
    if (!conn) return;
    close(conn.fd);
    this.connections.delete(serviceId);
  }

  /** Units that have a runtime (were ever asked for), with their state. */
  units(): UnitRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Resolves once every queued job has finished. */
  idle(): Promise<void> {
    return this.jobs.whenIdle();
  }

  /** unit_can_reload(): whether a reload job applies to the unit (reload-or-restart picks by it). */
  canReload(name: string): boolean {
    this.graph.ensure([name]);
    const unit = this.graph.unit(this.graph.resolve(name));
    return unit !== undefined && canReload(this.graph, unit);
  }

  /** Queues a job and its transaction; resolves when the requested job finishes. */
  async request(
    name: string,
    type: RequestJobType,
    mode: JobMode = 'replace',
    manual = false,
  ): Promise<RequestResult> {
    let tx: ReturnType<typeof buildTransaction>;
    try {
      this.graph.ensure([name]);
      const id = this.graph.resolve(name);
      fault('transaction', id);
      tx = buildTransaction(
        this.graph,
        { unit: id, job: type, mode, manual },
        (u) => this.stateOf(u),
        this.jobs.pending(),
        {
          debug: (l) => this.opts.log.debug(l),
        },
      );
    } catch (e) {
      const error = this.internalError(`${type} transaction for ${name}`, e);
      return { ok: false, error };
    }
    for (const w of tx.warnings) this.opts.log.warn(w);
    if (!tx.ok) {
      this.opts.log.error(`Failed to ${type} ${name}: ${tx.error}`);
      return { ok: false, error: tx.error };
    }
    const anchor = tx.jobs.find((j) => j.anchor);
    const outcome = await this.jobs.install(tx.jobs, tx.cancelled, anchor?.id ?? null, tx.queuedWaits);
    return { ok: true, outcome };
  }

  private description(id: string): string {
    const u = this.loader.load(id);
    return u.loadState === 'loaded' && u.config.Unit.Description !== '' ? u.config.Unit.Description : id;
  }

  /**
   * Logs an exception that ended one operation, with its stack, and says what it was (rsd goes on: the
   * operation alone has failed). Returns the message for a caller that reports it.
   */
  private internalError(operation: string, e: unknown, unit?: string): string {
    const message = e instanceof Error ? e.message : String(e);
    const stack = e instanceof Error ? (e.stack ?? message) : message;
    this.opts.log.error(`Internal error in ${operation} (continuing): ${stack}`, unit);
    return `internal error: ${message}`;
  }

  /** A job whose code threw fails alone; a start that threw leaves its unit failed, as systemd's 'resources'. */
  private async runJob(job: Job): Promise<JobOutcome> {
    try {
      fault('job', job.unit);
      return await this.runJobUnguarded(job);
    } catch (e) {
      this.internalError(`${job.type} job of ${job.unit}`, e, job.unit);
      const rt = this.runtimes.get(job.unit);
      if (rt && job.type !== 'stop' && rt.activeState !== 'active') {
        try {
          rt.fail('resources');
        } catch (e2) {
          this.internalError(`failing ${job.unit}`, e2, job.unit);
        }
      }
      return 'failed';
    } finally {
      this.checkInvariants(job.unit);
    }
  }

  private async runJobUnguarded(job: Job): Promise<JobOutcome> {
    const rt = this.runtime(job.unit);
    if (!rt) return job.type === 'stop' ? 'done' : 'failed';
    switch (job.type) {
      case 'start':
        return this.startUnit(job.unit, rt);
      case 'stop':
        return this.stopUnit(job.unit, rt);
      case 'restart': {
        await this.stopUnit(job.unit, rt);
        return this.startUnit(job.unit, rt);
      }
      case 'reload':
        return rt.reload();
      case 'verify-active':
        return rt.activeState === 'active' || rt.activeState === 'reloading' ? 'done' : 'dependency';
      case 'nop':
        return 'done';
    }
  }

  /** What every unit type's start shares: conditions, asserts, the start limit (systemd's unit_start()). */
  private async startUnit(id: string, rt: UnitRuntime): Promise<JobOutcome> {
    if (rt.activeState === 'active' || rt.activeState === 'reloading') return 'done';
    const u = this.loader.load(id);
    if (u.loadState === 'loaded') {
      // Most units have no conditions and no asserts: no promise to make for them.
      const conditions =
        u.config.Unit.Conditions.length === 0 ? PASSED : await evaluateConditions(u.config.Unit.Conditions);
      if (!conditions.passed) {
        const why = conditions.failed
          ? describeCondition(conditions.failed, 'Condition')
          : 'no triggering condition was met';
        this.opts.log.info(
          `${this.description(id)} was skipped because of an unmet condition check (${why}).`,
          id,
        );
        return 'skipped';
      }
      const asserts =
        u.config.Unit.Asserts.length === 0 ? PASSED : await evaluateConditions(u.config.Unit.Asserts);
      if (!asserts.passed) {
        const why = asserts.failed
          ? describeCondition(asserts.failed, 'Assert')
          : 'no triggering assertion was met';
        this.opts.log.error(`Assertion failed for ${this.description(id)} (${why}).`, id);
        return 'assert';
      }
      let limit = this.limits.get(id);
      if (!limit) {
        limit = new StartLimit(u.config.Unit.StartLimitIntervalSec, u.config.Unit.StartLimitBurst);
        this.limits.set(id, limit);
      }
      if (!limit.tryStart(Number(process.hrtime.bigint() / 1000n))) {
        this.opts.log.error('Start request repeated too quickly.', id);
        rt.fail('start-limit-hit');
        // systemd.socket(5): its sockets go down too, so clients are refused instead of left waiting.
        for (const other of this.socketRuntimes) if (other.serviceName === id) other.serviceGaveUp();
        this.opts.log.error(`Failed to start ${this.description(id)}.`, id);
        return 'failed';
      }
    }
    const isTarget = id.endsWith('.target');
    if (!isTarget) this.opts.log.info(`Starting ${this.description(id)}...`, id);
    const outcome = await rt.start();
    if (outcome === 'done')
      this.opts.log.info(
        isTarget ? `Reached target ${this.description(id)}.` : `Started ${this.description(id)}.`,
        id,
      );
    else if (DONE_MESSAGE[outcome])
      this.opts.log.error(`${DONE_MESSAGE[outcome]} ${this.description(id)}.`, id);
    return outcome;
  }

  private async stopUnit(id: string, rt: UnitRuntime): Promise<JobOutcome> {
    if (rt.activeState === 'inactive') return 'done';
    const isTarget = id.endsWith('.target');
    if (!isTarget) this.opts.log.info(`Stopping ${this.description(id)}...`, id);
    const outcome = await rt.stop();
    this.opts.log.info(
      isTarget ? `Stopped target ${this.description(id)}.` : `Stopped ${this.description(id)}.`,
      id,
    );
    return outcome;
  }

  /** A start that did not succeed fails the waiting start jobs of units that require it (job_fail_dependencies). */
  private jobFinished(job: Job, outcome: JobOutcome): void {
    if (outcome === 'done' || outcome === 'skipped' || outcome === 'canceled') return;
    if (job.type !== 'start' && job.type !== 'verify-active' && job.type !== 'restart') return;
    for (const kind of ['RequiredBy', 'BoundBy', 'RequisiteOf'] as const) {
      for (const other of this.graph.deps(job.unit, kind)) {
        for (const t of ['start', 'verify-active', 'restart']) {
          if (this.jobs.cancel(`${other}/${t}`, 'dependency')) {
            this.opts.log.error(`Dependency failed for ${this.description(other)}.`, other);
          }
        }
      }
    }
  }

  /** Reactions to a unit changing state on its own: BindsTo= stops, OnFailure=/OnSuccess= starts. */
  private unitChanged(id: string): void {
    const rt = this.runtimes.get(id);
    if (!rt) return;
    const before = this.lastState.get(id);
    const now = rt.activeState;
    this.lastState.set(id, now);
    if (before === now) return;
    this.stamp(id, before, now);
    this.upkeep.changed(id);
    if (now === 'inactive' || now === 'failed') {
      this.releaseTransientStdio(id);
      if (rt instanceof ServiceRuntime)
        rt.unitDown(() => {
          const next = this.jobs.jobOf(id)?.type;
          return next === 'start' || next === 'restart';
        });
      for (const other of this.socketRuntimes) if (other.serviceName === id) other.serviceStopped();
      const socket = this.instanceSocket.get(id);
      const srt = socket ? this.runtimes.get(socket) : undefined;
      if (srt instanceof SocketRuntime) {
        srt.connectionEnded(id);
        this.instanceSocket.delete(id);
      }
    }
    for (const l of this.listeners)
      l({ unit: id, activeState: now, subState: rt.subState, result: rt.result });
    const wasUp =
      before === 'active' || before === 'reloading' || before === 'activating' || before === 'deactivating';
    if (wasUp && (now === 'inactive' || now === 'failed')) {
      for (const other of this.graph.deps(id, 'BoundBy')) {
        if (
          this.stateOf(other) !== 'inactive' &&
          this.stateOf(other) !== 'failed' &&
          !this.jobs.jobOf(other)
        ) {
          this.opts.log.info(`Stopping ${other}: it is bound to ${id}, which went ${now}.`, other);
          void this.request(other, 'stop', 'replace');
        }
      }
      const u = this.loader.load(id);
      if (u.loadState === 'loaded') this.emergencyAction(id, u.config.Unit, now === 'failed', rt);
      if (u.loadState === 'loaded') {
        const targets = now === 'failed' ? u.config.Unit.OnFailure : u.config.Unit.OnSuccess;
        const mode = now === 'failed' ? u.config.Unit.OnFailureJobMode : u.config.Unit.OnSuccessJobMode;
        for (const t of targets) void this.request(t, 'start', mode === 'isolate' ? 'isolate' : 'replace');
      }
    }
  }

  /**
   * SuccessAction=/FailureAction= (systemd.unit(5)): `exit` ends rsd with the configured exit status (else the
   * main process's); poweroff, reboot and halt also end rsd until the PID 1 issue gives them their own meaning.
   */
  private emergencyAction(id: string, unit: UnitConfig['Unit'], failed: boolean, rt: UnitRuntime): void {
    const action = failed ? unit.FailureAction : unit.SuccessAction;
    if (action === 'none') return;
    const configured = failed ? unit.FailureActionExitStatus : unit.SuccessActionExitStatus;
    const props = rt.properties();
    const main =
      props.ExecMainCode === 1 && typeof props.ExecMainStatus === 'number' ? props.ExecMainStatus : null;
    const code = configured >= 0 ? configured : (main ?? (failed ? 1 : 0));
    const kind = shutdownKindOf(action) ?? 'exit';
    this.opts.log.info(
      kind === 'exit'
        ? `${failed ? 'FailureAction' : 'SuccessAction'}=${action} of ${id}: exiting with status ${code}.`
        : `${failed ? 'FailureAction' : 'SuccessAction'}=${action} of ${id}: ${kind}.`,
      id,
    );
    this.requestShutdown(kind, kind === 'exit' ? code : 0);
  }

  private stamp(id: string, before: ActiveState | undefined, now: ActiveState): void {
    const t = this.timestamps.get(id) ?? {
      StateChangeTimestamp: 0,
      ActiveEnterTimestamp: 0,
      ActiveExitTimestamp: 0,
      InactiveEnterTimestamp: 0,
      InactiveExitTimestamp: 0,
    };
    const usec = Date.now() * 1000;
    const up = (s: ActiveState | undefined) => s === 'active' || s === 'reloading';
    const down = (s: ActiveState | undefined) => s === undefined || s === 'inactive' || s === 'failed';
    t.StateChangeTimestamp = usec;
    if (up(now) && !up(before)) t.ActiveEnterTimestamp = usec;
    if (!up(now) && up(before)) t.ActiveExitTimestamp = usec;
    if (down(now) && !down(before)) t.InactiveEnterTimestamp = usec;
    if (!down(now) && down(before)) t.InactiveExitTimestamp = usec;
    this.timestamps.set(id, t);
  }

  timestampsOf(id: string): UnitTimestamps | null {
    return this.timestamps.get(id) ?? null;
  }

  /** Calls `listener` for every unit state change until the returned function is called. */
  subscribe(listener: (change: UnitChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The jobs waiting or running, numbered as systemctl list-jobs numbers them. */
  listJobs(): Array<{ id: number; unit: string; type: string; state: 'waiting' | 'running' }> {
    return this.jobs.list();
  }

  /** Cancels a waiting job by its number; false when there is no such waiting job. */
  cancelJob(id: number): boolean {
    const job = this.jobs.list().find((j) => j.id === id);
    return job !== undefined && this.jobs.cancel(`${job.unit}/${job.type}`, 'canceled');
  }

  /** Units the manager knows now: every loaded unit with a runtime, and every unit the graph met. */
  knownUnits(): string[] {
    return [...new Set([...this.runtimes.keys(), ...this.graph.ids()])];
  }

  /** Every unit file in the search path (templates left out). */
  allUnitFiles(): LoadedUnit[] {
    return this.loader.loadAll();
  }

  dependencies(id: string, kind: Parameters<DependencyGraph['deps']>[1]): readonly string[] {
    this.graph.ensure([id]);
    return this.graph.deps(this.graph.resolve(id), kind);
  }

  /** `kill`: signals the unit's processes (whom: main, control or all) without changing its state. */
  async kill(name: string, whom: 'main' | 'control' | 'all', signal: number): Promise<number> {
    const rt = this.runtime(name);
    if (!rt) return 0;
    const props = rt.properties();
    const pids = new Set<number>();
    if (whom !== 'control' && typeof props.MainPID === 'number' && props.MainPID > 0) pids.add(props.MainPID);
    if (whom !== 'main' && typeof props.ControlPID === 'number' && props.ControlPID > 0)
      pids.add(props.ControlPID);
    if (whom === 'all' && typeof props.ControlGroup === 'string' && props.ControlGroup !== '') {
      const text = await readFile(`${props.ControlGroup}/cgroup.procs`, 'utf8').catch(() => '');
      for (const l of text.split('\n')) if (l !== '') pids.add(Number(l));
    }
    for (const pid of pids) void kill(pid, signal);
    return pids.size;
  }

  /** `reset-failed`: a failed unit becomes inactive and its start limit is forgotten. */
  resetFailed(name: string): void {
    const u = this.loader.load(name);
    this.limits.get(u.id)?.reset();
    const rt = this.runtimes.get(u.id);
    if (rt && rt.activeState === 'failed') rt.resetFailed();
  }

  /**
   * `daemon-reload`: reads every unit file again; running units keep running and use their new settings from
   * their next start (systemd.unit(5)).
   */
  reload(): void {
    fault('reload');
    this.loader = this.newLoader(this.opts.searchPath, this.opts.log);
    for (const [name, text] of this.transients) this.loader.defineTransient(name, text);
    this.graph = DependencyGraph.build([...this.runtimes.keys()], (n) => this.loader.load(n));
    for (const [id, rt] of this.runtimes) {
      const u = this.loader.load(id);
      if (u.loadState === 'loaded') rt.reconfigure(u.config);
    }
    this.limits.clear();
    this.opts.log.info('Reloaded unit files.');
  }

  /** The last lines logged about a unit or written by it, when there is no journal to ask. */
  recentLines(id: string): readonly string[] {
    return this.recent.get(this.loader.load(id).id) ?? [];
  }

  get journal(): Journal | null {
    return this.opts.journal ?? null;
  }

  /** Transient units (`rsdctl run`) by name, with their text, so a daemon-reload keeps them. */
  private readonly transients = new Map<string, string>();
  /** Stdio fds clients passed for transient units, kept until the unit is down again. */
  private readonly transientStdio = new Map<string, StdioFds>();

  /**
   * Defines a transient unit from its text, with the stdio fds a client passed (now the manager's to close);
   * the caller starts it. Its load state tells whether it parsed.
   */
  defineTransient(name: string, text: string, stdio: StdioFds | null = null): LoadedUnit {
    this.releaseTransientStdio(name);
    if (stdio !== null) this.transientStdio.set(name, stdio);
    this.transients.set(name, text);
    const u = this.loader.defineTransient(name, text);
    this.graph.ensure([name]);
    return u;
  }

  private phase: 'starting' | 'up' | 'stopping' = 'starting';

  /** The boot transaction has finished (every job it queued is done). */
  startupFinished(): void {
    if (this.phase === 'starting') this.phase = 'up';
  }

  /** systemd's SystemState, as `systemctl is-system-running` prints it. */
  systemState(): 'starting' | 'running' | 'degraded' | 'stopping' {
    if (this.phase !== 'up') return this.phase;
    for (const rt of this.runtimes.values()) if (rt.activeState === 'failed') return 'degraded';
    return 'running';
  }

  /** Closes the passed stdio of a transient unit that is down (or never came up). */
  releaseTransientStdio(name: string): void {
    const fds = this.transientStdio.get(name);
    if (!fds) return;
    this.transientStdio.delete(name);
    for (const fd of new Set(fds)) if (fd !== null) close(fd);
  }

  /** `rsdctl exit`: the boot loop stops everything and exits with `code`. */
  requestExit(code: number): void {
    this.requestShutdown('exit', code);
  }

  /** `rsdctl halt/poweroff/reboot/exit`: the boot loop stops everything, then ends as asked. */
  requestShutdown(kind: ShutdownKind, code: number): void {
    this.exitRequest?.({ kind, code });
  }

  /** Called when the manager's own state is found beyond repair (set by rsd's boot: a re-exec). */
  onBeyondRepair: (reason: string) => void = () => {};

  /**
   * Checks what must always hold, after each job. A broken invariant means the manager can no longer
   * trust its own state: it asks for a re-exec rather than run on it.
   */
  private checkInvariants(unit: string): void {
    let broken: string | null = null;
    try {
      fault('invariant');
      // Only what the job touched, so the check costs the same with 10 units or 10,000.
      const rt = this.runtimes.get(unit);
      if (rt !== undefined && rt.id !== unit) broken = `runtime ${rt.id} filed as ${unit}`;
    } catch (e) {
      broken = e instanceof Error ? e.message : String(e);
    }
    if (broken !== null) this.onBeyondRepair(`invariant check failed: ${broken}`);
  }

  /** Which units are up now (for a re-exec to bring them back). */
  activeUnits(): string[] {
    return [...this.runtimes.values()]
      .filter(
        (rt) =>
          rt.activeState === 'active' || rt.activeState === 'activating' || rt.activeState === 'reloading',
      )
      .map((rt) => rt.id);
  }

  /**
   * After stopAll(): SIGTERM to every process left (the namespace's as PID 1, else our descendants), SIGKILL
   * after `timeoutMs`, everything reaped.
   */
  async finalSweep(timeoutMs: number): Promise<void> {
    await finalSweep({ reaper: this.reaper, pid1: process.pid === 1, timeoutMs, log: this.opts.log });
  }

  /**
   * Stops every unit that is not inactive, each after the units ordered after it (the reverse of start-up),
   * and waits for all of them.
   */
  async stopAll(): Promise<void> {
    this.phase = 'stopping';
    const up = [...this.runtimes.values()].filter(
      (rt) => rt.activeState !== 'inactive' && rt.activeState !== 'failed',
    );
    const ids = new Set(up.map((rt) => rt.id));
    const jobs: Job[] = up.map((rt) => ({
      id: `${rt.id}/stop`,
      unit: rt.id,
      type: 'stop',
      waitsFor: this.graph
        .deps(rt.id, 'Before')
        .filter((b) => ids.has(b))
        .map((b) => `${b}/stop`),
      irreversible: true,
      anchor: false,
    }));
    for (const q of this.jobs.pending()) this.jobs.cancel(`${q.unit}/${q.type}`, 'canceled');
    const finished = this.jobs
      .install(jobs, [], null)
      .then(() => Promise.all(jobs.map((j) => this.jobs.whenFinished(j.id))));
    await finished;
  }

  /** After stopAll(): nothing of ours is left to watch. */
  async close(): Promise<void> {
    this.notify?.close();
    this.reaper.stop();
    await removeCgroupRoot(this.cgroups);
  }
}
