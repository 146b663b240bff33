import type { ChildExit } from '../exec/reaper';
import type { ExecOutcome } from '../exec/spawn';
import type { OutputCapture } from '../exec/stdio';
import { createUnitSandbox, releaseUnitSandbox, type UnitSandbox } from '../exec/sandbox';
import { UnitCgroup } from '../exec/unit-cgroup';
import { readPidFile, waitForPidFile } from '../exec/pid-file';
import { fault } from '../pid1/fault';
import { newInvocationId } from '../exec/unit-environment';
import type { ActiveState } from '../graph/job-types';
import type { ServiceConfig, UnitConfig } from '../unit/table';
import type { ExecCommand } from '../unit/values/command-line';
import { signalName } from '../unit/values/signal';
import { exitStatusName } from '../unit/values/exit-status';
import { prepareCommand, resolveCredentials, type Credentials } from './command-spec';
import { runCommand, type CommandEnd } from './control-command';
import { makeExecDirectories, removeRuntimeDirectories } from './exec-directories';
import { isCleanEnd, resultOfEnd, shouldRestart } from './restart-policy';
import { FdStore, type NotifyMessage } from '../notify';
import { exitVariables, type ProcessEnd, type ServiceResult } from './service-result';
import type { JobOutcome, UnitContext, UnitRuntime } from './unit-runtime';

/*
 * A service's state machine (systemd's service.c, simplified where noted).
 *
 * States and the ActiveState each maps to:
 *   dead, failed                                  inactive, failed
 *   condition, start-pre, start, start-post       activating
 *   auto-restart                                  activating
 *   running, exited                               active
 *   reload                                        reloading
 *   stop, stop-sigterm, stop-sigkill, stop-post,
 *   final-sigterm, final-sigkill                  deactivating
 *
 * Invariants:
 * - At most one control process (ExecCondition/StartPre/StartPost/Reload/Stop/StopPost) runs at a time, and
 *   at most one main process exists; `mainPid`/`controlPid` are 0 when there is none.
 * - `generation` changes whenever a start or stop sequence begins; an async step that resumes and finds a
 *   newer generation stops there. That is how a stop interrupts a start.
 * - `stopRequested` is set by stop() and cleared by start(): a unit stopped on request never restarts.
 * - Every timer is cleared when its state is left, so nothing fires while the unit sits still.
 */

export type ServiceState =
  | 'dead'
  | 'condition'
  | 'start-pre'
  | 'start'
  | 'start-post'
  | 'running'
  | 'exited'
  | 'reload'
  | 'stop'
  | 'stop-sigterm'
  | 'stop-sigkill'
  | 'stop-post'
  | 'final-sigterm'
  | 'final-sigkill'
  | 'failed'
  | 'auto-restart';

const ACTIVE_STATE: Record<ServiceState, ActiveState> = {
  dead: 'inactive',
  failed: 'failed',
  condition: 'activating',
  'start-pre': 'activating',
  start: 'activating',
  'start-post': 'activating',
  'auto-restart': 'activating',
  running: 'active',
  exited: 'active',
  reload: 'reloading',
  stop: 'deactivating',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  'stop-post': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
};

class Superseded extends Error {}

const usec = (n: number): number | null => (Number.isFinite(n) ? Math.max(0, Math.round(n / 1000)) : null);

/** Type=idle waits at most this long for the other jobs to be dispatched (systemd's fixed 5 s). */
const IDLE_TIMEOUT_MS = 5000;

/**
 * Resolves after `ms`, or never for null; `cancel` clears the timer; `extend` makes the deadline at least
 * `ms` from now (EXTEND_TIMEOUT_USEC=).
 */
function delay(ms: number | null): { promise: Promise<'timeout'>; cancel(): void; extend(ms: number): void } {
  if (ms === null) return { promise: new Promise(() => {}), cancel: () => {}, extend: () => {} };
  let t: NodeJS.Timeout | undefined;
  let fire: () => void = () => {};
  let due = Date.now() + ms;
  const promise = new Promise<'timeout'>((resolve) => {
    fire = () => resolve('timeout');
    t = setTimeout(fire, ms);
  });
  return {
    promise,
    cancel: () => clearTimeout(t),
    extend: (more: number) => {
      if (Date.now() + more <= due) return;
      due = Date.now() + more;
      clearTimeout(t);
      t = setTimeout(fire, more);
    },
  };
}

export class ServiceRuntime implements UnitRuntime {
  private state: ServiceState = 'dead';
  private resultValue: ServiceResult = 'success';
  private generation = 0;
  private stopRequested = false;
  private mainPid = 0;
  private controlPid = 0;
  private mainEnd: ProcessEnd | null = null;
  private mainEnded: (() => void) | null = null;
  private controlEnded: Array<() => void> = [];
  /** READY=1 arrived for the current start; `readyWaiters` are resolved by it. */
  private ready = false;
  private readyWaiters: Array<() => void> = [];
  private statusText = '';
  /** WatchdogSec= (or WATCHDOG_USEC= from the service): the keep-alive deadline, armed while running. */
  private watchdogTimer: NodeJS.Timeout | null = null;
  private watchdogUsec = 0;
  private watchdogFired = false;
  private cgroup: UnitCgroup | null = null;
  private credentials: Credentials = { user: null };
  /** PrivateTmp='s directories and PrivateNetwork='s namespace, from start until the unit is dead again. */
  private sandbox: UnitSandbox | null = null;
  private invocationId = '';
  private restartTimer: NodeJS.Timeout | null = null;
  private nRestarts = 0;
  private execMainStartTimestamp = 0;
  private execMainExitTimestamp = 0;

  constructor(
    readonly id: string,
    private config: ServiceConfig,
    private readonly ctx: UnitContext,
  ) {}

  /** A daemon-reload's new settings apply from the next start. */
  reconfigure(config: UnitConfig): void {
    if (config.type === 'service') this.config = config;
  }

  resetFailed(): void {
    if (this.state === 'failed') {
      this.resultValue = 'success';
      this.setState('dead');
    }
  }

  get activeState(): ActiveState {
    return ACTIVE_STATE[this.state];
  }

  get subState(): string {
    return this.state;
  }

  get result(): string {
    return this.resultValue;
  }

  properties(): Record<string, string | number | boolean> {
    const end = this.mainEnd;
    return {
      Type: this.config.Service.Type,
      Restart: this.config.Service.Restart,
      MainPID: this.mainPid,
      ControlPID: this.controlPid,
      NRestarts: this.nRestarts,
      InvocationID: this.invocationId,
      ExecMainStartTimestampMonotonic: this.execMainStartTimestamp,
      ExecMainExitTimestampMonotonic: this.execMainExitTimestamp,
      ExecMainCode: end === null ? 0 : end.kind === 'exited' ? 1 : end.coreDumped ? 3 : 2,
      ExecMainStatus: end === null ? 0 : end.kind === 'exited' ? end.status : end.signal,
      ControlGroup: this.cgroup?.path ?? '',
      StatusText: this.statusText,
      NotifyAccess: this.config.Service.NotifyAccess,
    };
  }

  private setState(s: ServiceState): void {
    const before = this.activeState;
    this.state = s;
    if (this.activeState !== before) this.ctx.stateChanged(this.id);
  }

  private log(message: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.ctx.log[level](message, this.id);
  }

  private check(gen: number): void {
    if (gen !== this.generation) throw new Superseded();
  }

  fail(result: string): void {
    this.resultValue = result as ServiceResult;
    this.setState('failed');
    this.log(`Failed with result '${result}'.`, 'warn');
  }

  // ---- start ------------------------------------------------------------------------------------------

  async start(): Promise<JobOutcome> {
    if (this.activeState === 'active' || this.activeState === 'reloading') return 'done';
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.stopRequested = false;
    const gen = ++this.generation;
    this.resultValue = 'success';
    this.mainEnd = null;
    this.ready = false;
    this.statusText = '';
    this.watchdogFired = false;
    this.watchdogUsec = this.config.Service.WatchdogSec;
    this.invocationId = newInvocationId();
    const s = this.config.Service;
    const timeout = delay(usec(s.TimeoutStartSec));
    this.extendStart = (us) => timeout.extend(Math.ceil(us / 1000));
    try {
      const outcome = await Promise.race([this.startSequence(gen), timeout.promise]);
      if (outcome === 'timeout') {
        this.check(gen);
        this.log('Start operation timed out. Terminating.', 'error');
        void this.stopSequence('timeout');
        return 'timeout';
      }
      return outcome;
    } catch (e) {
      if (e instanceof Superseded) return 'canceled';
      this.log(`Start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 'error');
      void this.stopSequence('resources');
      return 'failed';
    } finally {
      timeout.cancel();
      this.extendStart = null;
      this.stopPidFileWait?.();
    }
  }

  /** While a forking start waits for its PID file: ends the wait (the start timed out or was superseded). */
  private stopPidFileWait: (() => void) | null = null;

  /** While starting: EXTEND_TIMEOUT_USEC= from the service moves the start deadline. */
  private extendStart: ((usec: number) => void) | null = null;

  private async startSequence(gen: number): Promise<JobOutcome> {
    const s = this.config.Service;
    const creds = await resolveCredentials(this.config.Exec, (m) => this.log(m, 'warn'));
    this.check(gen);
    if (!creds.ok) {
      this.log(creds.error, 'error');
      await this.stopSequence('exit-code', gen);
      return 'failed';
    }
    this.credentials = creds.value;
    this.cgroup ??= await UnitCgroup.create(this.ctx.cgroups, this.id).catch(() => null);
    this.sandbox ??= await createUnitSandbox(this.id, this.config.Exec);
    await makeExecDirectories(this.config.Exec, this.credentials);
    this.check(gen);

    if (s.ExecCondition.length > 0) {
      this.setState('condition');
      for (const cmd of s.ExecCondition) {
        const r = await this.runControl(cmd, {}, gen);
        if (r.kind === 'ended' && r.end.kind === 'exited' && r.end.status === 0) continue;
        if (r.kind === 'ended' && r.end.kind === 'exited' && r.end.status < 255 && !cmd.flags.ignoreFailure) {
          this.log(`Skipped due to 'exec-condition'.`);
          this.resultValue = 'exec-condition';
          this.setState('dead');
          await this.cleanUpAfterStop();
          return 'skipped';
        }
        if (!cmd.flags.ignoreFailure) return this.failStart(gen, this.resultOf(r));
      }
    }
    this.setState('start-pre');
    for (const cmd of s.ExecStartPre) {
      const r = await this.runControl(cmd, {}, gen);
      if (!this.succeeded(r, cmd)) return this.failStart(gen, this.resultOf(r));
    }
    this.setState('start');
    const started = await this.startMain(gen);
    if (started !== 'done') return started;
    this.setState('start-post');
    for (const cmd of s.ExecStartPost) {
      const r = await this.runControl(cmd, this.mainEnv(), gen);
      if (!this.succeeded(r, cmd)) return this.failStart(gen, this.resultOf(r));
    }
    this.check(gen);
    if (s.Type === 'oneshot') {
      this.setState(s.RemainAfterExit ? 'exited' : 'dead');
      if (!s.RemainAfterExit) await this.cleanUpAfterStop();
      return 'done';
    }
    if (this.mainPid === 0 && this.mainEnd !== null) {
      // The main process is already gone: handle it as systemd does once start-up is over.
      void this.afterMainExit(this.mainEnd, gen);
      return 'done';
    }
    this.setState('running');
    this.armWatchdog();
    return 'done';
  }

  private async failStart(gen: number, result: ServiceResult): Promise<JobOutcome> {
    this.check(gen);
    await this.stopSequence(result, gen);
    return 'failed';
  }

  private async startMain(gen: number): Promise<JobOutcome> {
    const s = this.config.Service;
    if (s.Type === 'oneshot') {
      for (const cmd of s.ExecStart) {
        const r = await this.runMainToEnd(cmd, gen);
        if (!this.succeeded(r, cmd)) return this.failStart(gen, this.resultOf(r));
      }
      return 'done';
    }
    const cmd = s.ExecStart[0];
    if (!cmd) return this.failStart(gen, 'protocol');
    if (s.Type === 'forking') return this.startForking(cmd, gen);
    if (s.Type === 'idle') {
      // systemd.service(5): the program waits until every job is dispatched, at most 5 s, so its output does
      // not interleave with the boot's status lines.
      const wait = delay(IDLE_TIMEOUT_MS);
      await Promise.race([this.ctx.jobsDispatched(this.id), wait.promise]);
      wait.cancel();
      this.check(gen);
    }
    const spawned = await this.spawnMain(cmd, gen);
    if (spawned.kind === 'not-started') return this.failStart(gen, 'exit-code');
    if (s.Type === 'exec' || s.Type === 'notify' || s.Type === 'notify-reload') {
      const outcome = await spawned.exec;
      this.check(gen);
      if (outcome.kind === 'failed') return this.waitFailedMain(gen);
    }
    if (s.Type === 'notify' || s.Type === 'notify-reload') {
      if (this.ctx.notifySocket === null) {
        this.log(
          'Type=notify: no notification socket; treating the service as started once it runs.',
          'warn',
        );
      } else {
        // READY=1, or the main process ending first (a protocol violation unless it exited cleanly).
        const prev = this.mainEnded;
        let waiter: (() => void) | null = null;
        const ended = new Promise<'ended'>((resolve) => {
          waiter = () => {
            prev?.();
            resolve('ended');
          };
          this.mainEnded = waiter;
        });
        const r = this.ready ? 'ready' : await Promise.race([this.readyPromise(), ended]);
        // Once ready, a later exit of the main process is handled like any service's (afterMainExit).
        if (this.mainEnded === waiter) this.mainEnded = prev;
        this.check(gen);
        if (r === 'ended') {
          this.log('Main process exited before sending READY=1.', 'error');
          return this.failStart(
            gen,
            this.mainEnd && !isCleanEnd(this.mainEnd, s.SuccessExitStatus)
              ? this.resultOfEnd(this.mainEnd)
              : 'protocol',
          );
        }
      }
    } else if (s.Type === 'dbus') {
      this.log('Type=dbus: rsd has no D-Bus support yet; running as Type=simple.', 'warn');
    }
    return 'done';
  }

  /** The main process could not exec: wait for its exit status (203 and friends) to record it. */
  private async waitFailedMain(gen: number): Promise<JobOutcome> {
    if (this.mainPid !== 0) await new Promise<void>((resolve) => (this.mainEnded = resolve));
    this.check(gen);
    const end = this.mainEnd;
    return this.failStart(gen, end ? this.resultOfEnd(end) : 'resources');
  }

  private async startForking(cmd: ExecCommand, gen: number): Promise<JobOutcome> {
    const r = await this.runMainToEnd(cmd, gen);
    if (!this.succeeded(r, cmd)) return this.failStart(gen, this.resultOf(r));
    const s = this.config.Service;
    let pid = 0;
    if (s.PIDFile !== '') {
      pid = await readPidFile(s.PIDFile);
      this.check(gen);
      if (pid === 0) {
        this.log(`Can't open PID file ${s.PIDFile} (yet?) after start: No such file or directory`, 'warn');
        // systemd: with nothing left running the daemon is not coming; otherwise wait for the file (the
        // start timeout ends the wait).
        if (!this.cgroup || (await this.cgroup.isEmpty())) return this.failStart(gen, 'protocol');
        const w = waitForPidFile(s.PIDFile);
        this.stopPidFileWait = w.stop;
        pid = await w.pid;
        this.stopPidFileWait = null;
        this.check(gen);
        if (pid === 0) return this.failStart(gen, 'protocol');
      }
    } else if (s.GuessMainPID && this.cgroup) {
      const pids = await this.cgroup.pids();
      if (pids.length === 1) pid = pids[0]!;
    }
    if (pid !== 0) {
      this.mainPid = pid;
      this.execMainStartTimestamp = Number(process.hrtime.bigint() / 1000n);
      const watched = this.ctx.adoptPid(pid, (exit) => this.onMainExit(pid, exit));
      if (watched === 'already-exited') {
        this.mainPid = 0;
        this.log(`Main process ${pid} exited before it could be watched.`, 'warn');
      }
    }
    return 'done';
  }

  // ---- processes ----------------------------------------------------------------------------------------

  private capture(cmd: ExecCommand, pid: () => number): OutputCapture {
    return (pipe, _stream, kind) =>
      this.ctx.captureOutput(this.id, pipe, kind, {
        path: cmd.path,
        pid,
        uid: this.credentials.uid ?? 0,
        logging: this.config.Exec,
      });
  }

  /** Spawns the main process; its exit goes to onMainExit. */
  private async spawnMain(
    cmd: ExecCommand,
    gen: number,
  ): Promise<{ kind: 'spawned'; exec: Promise<ExecOutcome> } | { kind: 'not-started' }> {
    let pid = 0;
    const sockets = this.ctx.socketsFor(this.id);
    const watchdog = this.watchdogUsec > 0 && Number.isFinite(this.watchdogUsec);
    const prepared = await prepareCommand({
      command: cmd,
      exec: this.config.Exec,
      credentials: this.credentials,
      invocationId: this.invocationId,
      managerSet: {
        ...this.notifyEnv(),
        ...(watchdog ? { WATCHDOG_USEC: String(this.watchdogUsec) } : {}),
      },
      watchdogPid: watchdog,
      cgroup: this.cgroup?.target ?? null,
      sandbox: this.sandbox,
      capture: this.capture(cmd, () => pid),
      stdioFds: this.ctx.stdioFdsFor(this.id),
      ...(sockets ? { sockets } : {}),
    });
    this.check(gen);
    if (!prepared.ok) {
      this.log(prepared.error, 'error');
      this.mainEnd = { kind: 'exited', status: prepared.exitCode };
      return { kind: 'not-started' };
    }
    for (const w of prepared.warnings) this.log(w, 'warn');
    const r = await this.ctx.spawn({ ...prepared.spec, abandoned: () => gen !== this.generation });
    prepared.stdio.afterSpawn();
    // A stop overtook this start while its spawn waited its turn: no process was made.
    if (r.kind === 'abandoned') throw new Superseded();
    if (sockets) this.ctx.socketsHandedOver(this.id);
    if (r.kind === 'failed') {
      this.log(`Failed to spawn ${cmd.path}: ${r.failure.step} ${r.failure.errnoName}`, 'error');
      this.mainEnd = { kind: 'exited', status: r.failure.exitCode ?? 203 };
      return { kind: 'not-started' };
    }
    pid = r.pid;
    this.mainPid = r.pid;
    this.execMainStartTimestamp = Number(process.hrtime.bigint() / 1000n);
    this.ctx.watchPid(r.pid, (exit) => this.onMainExit(r.pid, exit));
    // A stop came while we were preparing: the stop may have looked for processes already, so this one dies now.
    if (gen !== this.generation) this.ctx.signal(r.pid, 9);
    // The helper's steps can fail after the spawn, whatever the Type=: say which step, as systemd does.
    void r.exec.then((o) => {
      if (o.kind === 'failed')
        this.log(
          `Failed at step ${o.failure.step.toUpperCase()} spawning ${cmd.path}: ${o.failure.errnoName}`,
          'error',
        );
    });
    return { kind: 'spawned', exec: r.exec };
  }

  /** Runs a main process to its end (Type=oneshot and forking). */
  private async runMainToEnd(cmd: ExecCommand, gen: number): Promise<CommandEnd> {
    const done = new Promise<void>((resolve) => (this.mainEnded = resolve));
    const spawned = await this.spawnMain(cmd, gen);
    if (spawned.kind === 'not-started') {
      return {
        kind: 'not-started',
        error: 'could not start',
        exitCode: this.mainEnd?.kind === 'exited' ? this.mainEnd.status : 203,
      };
    }
    await done;
    this.check(gen);
    return { kind: 'ended', end: this.mainEnd ?? { kind: 'exited', status: 0 } };
  }

  private onMainExit(pid: number, exit: ChildExit): void {
    if (pid !== this.mainPid) return;
    this.mainPid = 0;
    this.execMainExitTimestamp = Number(process.hrtime.bigint() / 1000n);
    const end: ProcessEnd =
      exit.kind === 'exited'
        ? { kind: 'exited', status: exit.code }
        : { kind: 'killed', signal: exit.signal, coreDumped: exit.coreDumped };
    this.mainEnd = end;
    const waiter = this.mainEnded;
    this.mainEnded = null;
    if (waiter) {
      waiter();
      return;
    }
    // systemd names the statuses its own exec steps use: status=205/LIMITS.
    const named = end.kind === 'exited' ? exitStatusName(end.status) : null;
    const describe =
      end.kind === 'exited'
        ? `code=exited, status=${end.status}${named ? `/${named}` : ''}`
        : `code=${end.coreDumped ? 'dumped' : 'killed'}, status=${end.signal}/${signalName(end.signal).replace(/^SIG/, '')}`;
    // While stopping, the exit is expected: systemd only mentions it at debug level.
    if (this.activeState === 'deactivating') this.ctx.log.debug(`Main process exited, ${describe}`, this.id);
    else
      this.log(
        `Main process exited, ${describe}`,
        isCleanEnd(end, this.config.Service.SuccessExitStatus) ? 'info' : 'warn',
      );
    if (this.state === 'running' || this.state === 'reload') void this.afterMainExit(end, this.generation);
  }

  /** The main process ended on its own while the service was up. */
  private async afterMainExit(end: ProcessEnd, gen: number): Promise<void> {
    if (gen !== this.generation) return;
    const s = this.config.Service;
    this.disarmWatchdog();
    // Killed by the watchdog: the result says so, whatever signal ended it (Restart=on-watchdog applies).
    const result = this.watchdogFired ? 'watchdog' : resultOfEnd(end, s.SuccessExitStatus);
    if (result === 'success' && s.RemainAfterExit) {
      this.setState('exited');
      return;
    }
    await this.stopSequence(result).catch(() => undefined);
  }

  /** Runs one control command to its end. */
  private async runControl(
    cmd: ExecCommand,
    extra: Record<string, string>,
    gen: number,
  ): Promise<CommandEnd> {
    const r = await runCommand(
      this.ctx,
      this.id,
      {
        command: cmd,
        exec: this.config.Exec,
        credentials: this.credentials,
        invocationId: this.invocationId,
        managerSet: { ...this.notifyEnv(), ...extra },
        cgroup: this.cgroup?.target ?? null,
        sandbox: this.sandbox,
        stdioFds: this.ctx.stdioFdsFor(this.id),
      },
      {
        beforeSpawn: () => this.check(gen),
        spawned: (pid) => {
          this.controlPid = pid;
          if (gen !== this.generation) this.ctx.signal(pid, 9);
        },
      },
    );
    if (r.kind === 'not-started') return r;
    this.controlPid = 0;
    const waiting = this.controlEnded;
    this.controlEnded = [];
    for (const w of waiting) w();
    this.check(gen);
    return r;
  }

  private succeeded(r: CommandEnd, cmd: ExecCommand): boolean {
    if (cmd.flags.ignoreFailure) return true;
    return r.kind === 'ended' && isCleanEnd(r.end, this.config.Service.SuccessExitStatus);
  }

  private resultOf(r: CommandEnd): ServiceResult {
    return r.kind === 'not-started' ? 'exit-code' : this.resultOfEnd(r.end);
  }

  private resultOfEnd(end: ProcessEnd): ServiceResult {
    if (end.kind === 'exited') return 'exit-code';
    return end.coreDumped ? 'core-dump' : 'signal';
  }

  private notifyEnv(): Record<string, string> {
    const path = this.ctx.notifySocket;
    return path !== null && this.config.Service.NotifyAccess !== 'none' ? { NOTIFY_SOCKET: path } : {};
  }

  private mainEnv(): Record<string, string> {
    return this.mainPid !== 0 ? { MAINPID: String(this.mainPid) } : {};
  }

  // ---- stop ---------------------------------------------------------------------------------------------

  async stop(): Promise<JobOutcome> {
    this.stopRequested = true;
    if (this.config.Service.FileDescriptorStorePreserve === 'no') this.flushFdStore();
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
      this.setState(this.resultValue === 'success' ? 'dead' : 'failed');
    }
    if (this.activeState === 'inactive' || this.activeState === 'failed') return 'done';
    const gen = ++this.generation;
    try {
      await this.stopSequence(this.resultValue === 'success' ? 'success' : this.resultValue, gen);
      return 'done';
    } catch (e) {
      if (e instanceof Superseded) return 'canceled';
      throw e;
    }
  }

  /**
   * ExecStop=, then the kill sequence of systemd.kill(5), then ExecStopPost=, then dead or failed, and
   * perhaps a restart (never after a stop someone asked for).
   */
  private async stopSequence(result: ServiceResult, genIn?: number): Promise<void> {
    const gen = genIn ?? ++this.generation;
    this.disarmWatchdog();
    if (this.resultValue === 'success') this.resultValue = result;
    const s = this.config.Service;
    const stopTimeout = usec(s.TimeoutStopSec);
    // ExecStop= runs only for a service that got up (systemd.service(5)), even if its process already ended.
    const wasUp = this.activeState === 'active' || this.activeState === 'reloading';
    this.setState('stop');
    if (wasUp) {
      for (const cmd of s.ExecStop) {
        const t = delay(stopTimeout);
        const r = await Promise.race([this.runControl(cmd, this.mainEnv(), gen), t.promise]);
        t.cancel();
        this.check(gen);
        if (r === 'timeout') {
          this.log('Stopping timed out. Terminating.', 'warn');
          if (this.controlPid) this.ctx.signal(this.controlPid, 9);
          break;
        }
      }
    }
    const emptied = await this.killPhase('stop', gen);
    this.setState('stop-post');
    const post = {
      SERVICE_RESULT: this.resultValue,
      ...(this.mainEnd ? exitEnv(this.mainEnd) : {}),
    };
    for (const cmd of s.ExecStopPost) {
      const t = delay(stopTimeout);
      const r = await Promise.race([this.runControl(cmd, post, gen), t.promise]);
      t.cancel();
      this.check(gen);
      if (r === 'timeout') break;
    }
    // Nothing can have joined a cgroup seen empty unless an ExecStopPost= ran: no second look then.
    if (!emptied || s.ExecStopPost.length > 0) await this.killPhase('final', gen);
    await this.cleanUpAfterStop();
    this.check(gen);
    const failed = this.resultValue !== 'success';
    this.setState(failed ? 'failed' : 'dead');
    if (failed) this.log(`Failed with result '${this.resultValue}'.`, 'warn');
    if (!this.stopRequested && shouldRestart(s, this.resultValue, this.mainEnd)) this.scheduleRestart();
  }

  /**
   * Signals what KillMode= says (systemd.kill(5)), waits up to TimeoutStopSec=, then sends FinalKillSignal=
   * if SendSIGKILL= allows. control-group: every process of the unit; process: the main (and control)
   * process only; mixed: SIGTERM to the main process, the SIGKILL to every process; none: nothing.
   */
  private async killPhase(phase: 'stop' | 'final', gen: number): Promise<boolean> {
    const k = this.config.Kill;
    const s = this.config.Service;
    if (k.KillMode === 'none') return false;
    const termMode = k.KillMode === 'mixed' ? 'process' : k.KillMode;
    const killMode = k.KillMode === 'mixed' ? 'control-group' : k.KillMode;
    // cgroup.procs is read once per phase: the same list tells whether anything is left and whom to signal.
    const members = killMode === 'control-group' && this.cgroup ? await this.cgroup.pids() : [];
    if (this.ownPids() === 0 && members.length === 0) return killMode === 'control-group';
    this.setState(phase === 'stop' ? 'stop-sigterm' : 'final-sigterm');
    this.signalAll(k.KillSignal, termMode, members);
    if (k.SendSIGHUP) this.signalAll(1, termMode, members);
    const t = delay(usec(s.TimeoutStopSec));
    const gone = await Promise.race([this.allGone(termMode), t.promise]);
    t.cancel();
    this.check(gen);
    if (gone !== 'timeout') {
      // allGone() saw main and control end and, for a group, cgroup.events say populated 0: nothing to read.
      if (termMode === killMode) return killMode === 'control-group';
      // KillMode=mixed: the main process is gone; the SIGKILL is for whatever is left in the cgroup.
      if (!this.cgroup || (await this.cgroup.isEmpty())) return true;
    }
    if (!k.SendSIGKILL) return false;
    if (gone === 'timeout') {
      this.log(`State '${this.state}' timed out. Killing.`, 'warn');
      if (this.resultValue === 'success') this.resultValue = 'timeout';
    }
    this.setState(phase === 'stop' ? 'stop-sigkill' : 'final-sigkill');
    // The SIGKILL goes through cgroup.kill, which needs no list (and cannot miss a fork).
    const killList =
      killMode === 'control-group' && this.cgroup && k.FinalKillSignal !== 9 ? await this.cgroup.pids() : [];
    await this.signalFinal(k.FinalKillSignal, killMode, killList);
    const t2 = delay(usec(s.TimeoutStopSec));
    const gone2 = await Promise.race([this.allGone(killMode), t2.promise]);
    t2.cancel();
    if (gone2 === 'timeout') this.log('Processes still around after final SIGKILL. Ignoring.', 'warn');
    return gone2 !== 'timeout' && killMode === 'control-group';
  }

  /** Main and control processes still to stop (they may not have joined the cgroup yet). */
  private ownPids(): number {
    return (this.mainPid ? 1 : 0) + (this.controlPid ? 1 : 0);
  }

  /** Signals main and control, and for the group every process in `members` (the cgroup's, read once). */
  private signalAll(signal: number, mode: string, members: readonly number[]): void {
    const send = (pid: number, sig: number) => this.ctx.signal(pid, sig);
    if (this.mainPid) send(this.mainPid, signal);
    if (this.controlPid) send(this.controlPid, signal);
    if (mode === 'process' || mode === 'mixed') return;
    if (this.cgroup) {
      for (const pid of members) if (pid !== this.mainPid && pid !== this.controlPid) send(pid, signal);
    } else if (this.mainPid) send(-this.mainPid, signal); // the process group setsid made
    if (signal !== 9 && this.mainPid) send(this.mainPid, 18); // SIGCONT, so a stopped process sees it
  }

  /** FinalKillSignal=: SIGKILL to a cgroup through cgroup.kill, any other signal to `members`. */
  private async signalFinal(signal: number, mode: string, members: readonly number[]): Promise<void> {
    if (signal === 9 && mode === 'control-group' && this.cgroup) {
      const send = (pid: number, sig: number) => this.ctx.signal(pid, sig);
      if (this.mainPid) send(this.mainPid, signal);
      if (this.controlPid) send(this.controlPid, signal);
      await this.cgroup.kill(9, send);
      return;
    }
    this.signalAll(signal, mode, members);
  }

  /** Resolves once main and control processes have exited and, for the whole group, the cgroup is empty. */
  private async allGone(mode: string): Promise<void> {
    await new Promise<void>((resolve) => {
      const poll = (): void => {
        if (this.mainPid === 0 && this.controlPid === 0) resolve();
        else this.mainEndedOrControl(poll);
      };
      poll();
    });
    if (mode === 'process' || !this.cgroup) return;
    const cg = this.cgroup;
    await new Promise<void>((resolve) => cg.whenEmpty(resolve));
  }

  /** Calls `then` when the main process ends, or at once when only a control process is left. */
  private mainEndedOrControl(then: () => void): void {
    if (this.mainPid !== 0) {
      const prev = this.mainEnded;
      this.mainEnded = () => {
        prev?.();
        then();
      };
    } else if (this.controlPid !== 0) {
      // A control process is awaited by its own runControl(); its exit is picked up on the next turn.
      this.controlEnded.push(then);
    } else setImmediate(then);
  }

  private async cleanUpAfterStop(): Promise<void> {
    // rmdir fails (EBUSY) while a process is left: then the cgroup stays, as systemd keeps it.
    if (this.cgroup && (await this.cgroup.remove())) this.cgroup = null;
    if (this.sandbox) await releaseUnitSandbox(this.sandbox);
    this.sandbox = null;
    await removeRuntimeDirectories(this.config.Exec);
  }

  private scheduleRestart(): void {
    const s = this.config.Service;
    if (s.FileDescriptorStorePreserve === 'no') this.flushFdStore();
    this.setState('auto-restart');
    const ms = usec(s.RestartSec) ?? 0;
    this.log(`Scheduled restart job in ${ms} ms.`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      try {
        fault('timer', this.id);
        this.nRestarts++;
        // Down for an instant on the way to the restart job: not a reason to drop the fd store.
        this.autoRestarting = true;
        this.setState('dead');
        this.autoRestarting = false;
        this.ctx.requestRestart(this.id);
      } catch (e) {
        this.log(
          `Internal error in the restart timer (continuing): ${e instanceof Error ? e.stack : String(e)}`,
          'error',
        );
        this.fail('resources');
      }
    }, ms);
  }

  // ---- the fd store ----------------------------------------------------------------------------------

  /** Fds the service asked rsd to keep (FDSTORE=1): handed back at each start, kept across restarts. */
  private readonly fdStore = new FdStore((m, level) => this.log(m, level));
  private autoRestarting = false;

  /** FDSTORE=1: keeps what FileDescriptorStoreMax= leaves room for; `poll` is false after FDPOLL=0. */
  storeFds(fds: readonly number[], name: string, poll = true): number[] {
    return this.fdStore.add(fds, name, poll, this.config.Service.FileDescriptorStoreMax);
  }

  storedFds(): ReadonlyArray<{ fd: number; name: string }> {
    return this.fdStore.list();
  }

  /** A stop someone asked for ends the service for good: its stored fds are closed (a restart keeps them). */
  /**
   * FileDescriptorStorePreserve=restart (the default): the store goes once the service is down with no start
   * or restart job queued for it and no automatic restart scheduled; `yes` keeps it for rsd's lifetime.
   */
  unitDown(startPending: () => boolean): void {
    const preserve = this.config.Service.FileDescriptorStorePreserve;
    if (preserve === 'yes') return;
    if (preserve === 'no') return this.flushFdStore();
    // Decided once the step that brought it down has run on: it may schedule an automatic restart.
    setImmediate(() => {
      const down = this.activeState === 'inactive' || this.activeState === 'failed';
      if (down && this.restartTimer === null && !this.autoRestarting && !startPending()) this.flushFdStore();
    });
  }

  private flushFdStore(): void {
    this.fdStore.clear();
  }

  // ---- sd_notify ----------------------------------------------------------------------------------------

  private readyPromise(): Promise<'ready'> {
    return new Promise((resolve) => this.readyWaiters.push(() => resolve('ready')));
  }

  /** Whether `pid` is this service's main or control process (cheap: every notification asks each service). */
  runsPid(pid: number): boolean {
    return pid === this.mainPid || pid === this.controlPid;
  }

  /** Who may notify for this service: NotifyAccess= (systemd.service(5)). */
  acceptsNotification(pid: number, inUnitCgroup: boolean): boolean {
    switch (this.config.Service.NotifyAccess) {
      case 'none':
        return false;
      case 'main':
        return pid === this.mainPid;
      case 'exec':
        return pid === this.mainPid || pid === this.controlPid;
      case 'all':
        return pid === this.mainPid || pid === this.controlPid || inUnitCgroup;
    }
  }

  /** A datagram from the notification socket that passed acceptsNotification(). */
  onNotify(msg: NotifyMessage): void {
    if (msg.status !== undefined) this.statusText = msg.status;
    if (msg.mainPid !== undefined && msg.mainPid !== this.mainPid) {
      const pid = msg.mainPid;
      this.mainPid = pid;
      const watched = this.ctx.adoptPid(pid, (exit) => this.onMainExit(pid, exit));
      if (watched === 'already-exited') this.mainPid = 0;
    }
    if (msg.ready && !this.ready) {
      this.ready = true;
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const w of waiters) w();
    }
    if (msg.stopping) this.log('Service is stopping (STOPPING=1).');
    if (msg.extendTimeoutUsec !== undefined && this.extendStart) this.extendStart(msg.extendTimeoutUsec);
    if (msg.fdStoreRemove && msg.fdName !== undefined) this.fdStore.remove(msg.fdName);
    if (msg.watchdogUsec !== undefined) {
      this.watchdogUsec = msg.watchdogUsec;
      this.armWatchdog();
    }
    if (msg.watchdog === 'ping') this.armWatchdog();
    else if (msg.watchdog === 'trigger') this.watchdogExpired();
  }

  /** (Re)starts the keep-alive deadline; nothing is armed when the service has no watchdog. */
  private armWatchdog(): void {
    this.disarmWatchdog();
    if (this.watchdogUsec <= 0 || !Number.isFinite(this.watchdogUsec) || this.state !== 'running') return;
    this.watchdogTimer = setTimeout(() => this.watchdogExpired(), Math.ceil(this.watchdogUsec / 1000));
  }

  private disarmWatchdog(): void {
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
  }

  /** systemd.service(5), WatchdogSec=: the service is killed with WatchdogSignal= and fails as `watchdog`. */
  private watchdogExpired(): void {
    this.disarmWatchdog();
    if (this.mainPid === 0 || this.watchdogFired) return;
    this.watchdogFired = true;
    this.log(`Watchdog timeout (limit ${Math.round(this.watchdogUsec / 1000)}ms)!`, 'error');
    this.ctx.signal(this.mainPid, this.config.Kill.WatchdogSignal);
  }

  get cgroupPath(): string | null {
    return this.cgroup?.path ?? null;
  }

  // ---- reload -------------------------------------------------------------------------------------------

  /**
   * Type=notify-reload (systemd.service(5)): SIGHUP to the main process, then the service says RELOADING=1
   * and READY=1 when done; the reload fails if that takes longer than TimeoutStartSec=.
   */
  private async reloadByNotify(): Promise<JobOutcome> {
    const previous = this.state;
    this.ready = false;
    this.setState('reload');
    const done = this.readyPromise();
    this.ctx.signal(this.mainPid, this.config.Service.ReloadSignal);
    const t = delay(usec(this.config.Service.TimeoutStartSec));
    const r = await Promise.race([done, t.promise]);
    t.cancel();
    if (this.state === 'reload') this.setState(previous);
    if (r === 'timeout') {
      this.log('Reload operation timed out.', 'warn');
      return 'timeout';
    }
    return 'done';
  }

  async reload(): Promise<JobOutcome> {
    const s = this.config.Service;
    if (this.state !== 'running' && this.state !== 'exited') return 'failed';
    if (s.Type === 'notify-reload' && s.ExecReload.length === 0 && this.mainPid !== 0)
      return this.reloadByNotify();
    if (s.ExecReload.length === 0) return 'unsupported';
    const gen = this.generation;
    const previous = this.state;
    this.setState('reload');
    try {
      for (const cmd of s.ExecReload) {
        const r = await this.runControl(cmd, this.mainEnv(), gen);
        if (!this.succeeded(r, cmd)) {
          this.setState(previous);
          return 'failed';
        }
      }
      this.setState(this.mainPid !== 0 || s.RemainAfterExit || previous === 'exited' ? previous : 'running');
      return 'done';
    } catch (e) {
      if (e instanceof Superseded) return 'canceled';
      throw e;
    }
  }
}

function exitEnv(end: ProcessEnd): Record<string, string> {
  const v = exitVariables(end, signalName);
  return { EXIT_CODE: v.code, EXIT_STATUS: v.status };
}
