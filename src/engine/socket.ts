import { lookupGroup, lookupUser } from '../exec/users';
import type { ActiveState } from '../graph/job-types';
import {
  acceptConnection,
  acceptedServiceName,
  closeListener,
  createSymlinks,
  describeListen,
  openListener,
  parseIpTos,
  remoteEnv,
  removeSymlinks,
  symlinkTarget,
  watchForActivity,
  type ActivityWatch,
  type ListeningFd,
  type SocketOptions,
} from '../sockets';
import { close } from '../native/libc';
import { createUnitSandbox, releaseUnitSandbox, type UnitSandbox } from '../exec/sandbox';
import { UnitCgroup } from '../exec/unit-cgroup';
import { newInvocationId } from '../exec/unit-environment';
import { PerSourceCount, sourceOf } from '../sockets/per-source';
import type { ExecCommand } from '../unit/values/command-line';
import { signalName } from '../unit/values/signal';
import { resolveCredentials, type Credentials } from './command-spec';
import { runCommand, type CommandEnd } from './control-command';
import { makeExecDirectories, removeRuntimeDirectories } from './exec-directories';
import { StartLimit } from './start-limit';
import type { SocketConfig, UnitConfig } from '../unit/table';
import type { JobOutcome, UnitContext, UnitRuntime } from './unit-runtime';

/*
 * A socket unit (systemd.socket(5)): it listens while active; the first activity starts its service, which
 * receives every listening fd (Accept=no), or each connection starts an instance of a template service with
 * the connection as its fd (Accept=yes).
 *
 * States: dead -> start-pre -> start-post -> listening (active) -> running (active, while its Accept=no
 * service runs) -> listening ...; stop-pre -> stop-post -> (final-sigterm -> final-sigkill) -> dead or
 * failed. ExecStartPre= runs before the sockets exist, ExecStartPost= and ExecStopPre= while they exist,
 * ExecStopPost= after they are closed (systemd.socket(5)).
 * Invariants: `watches` are armed exactly when the socket is listening and no service holds its fds; rsd
 * never accepts or reads for Accept=no; at most one control process runs (`controlPid`, 0 when none);
 * `generation` changes when a start or stop sequence begins, and an older one that resumes stops there.
 */

export interface SocketHooks {
  /** Starts the service that owns this socket's fds (Accept=no), queued like any start job. */
  triggerService(service: string): void;
  /** Starts the instance for one accepted connection; the manager hands the fd over and closes its copy. */
  startAcceptedInstance(instance: string, connectionFd: number, env: Record<string, string>): void;
}

type SocketState =
  | 'dead'
  | 'start-pre'
  | 'start-post'
  | 'listening'
  | 'running'
  | 'stop-pre'
  | 'stop-post'
  | 'final-sigterm'
  | 'final-sigkill'
  | 'failed';

const ACTIVE_STATE: Record<SocketState, ActiveState> = {
  dead: 'inactive',
  failed: 'failed',
  'start-pre': 'activating',
  'start-post': 'activating',
  listening: 'active',
  running: 'active',
  'stop-pre': 'deactivating',
  'stop-post': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
};

/** The socket unit's Result, as systemd names it. */
type SocketResult =
  | 'success'
  | 'resources'
  | 'timeout'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'start-limit-hit'
  | 'trigger-limit-hit'
  | 'service-start-limit-hit';

class Superseded extends Error {}

const usecToMs = (n: number): number | null =>
  Number.isFinite(n) ? Math.max(0, Math.round(n / 1000)) : null;

/** Resolves after `ms` (never for null) unless cancelled. */
function delay(ms: number | null): { promise: Promise<'timeout'>; cancel(): void } {
  if (ms === null) return { promise: new Promise(() => {}), cancel: () => {} };
  let t: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => (t = setTimeout(() => resolve('timeout'), ms)));
  return { promise, cancel: () => clearTimeout(t) };
}

/** systemd.socket(5): TriggerLimitBurst= defaults to 200 with Accept=yes, else 20. */
function triggerLimitOf(s: SocketConfig['Socket']): StartLimit {
  const burst = Object.hasOwn(s, 'TriggerLimitBurst') ? s.TriggerLimitBurst : s.Accept ? 200 : 20;
  return new StartLimit(s.TriggerLimitIntervalSec, burst);
}

function options(c: SocketConfig['Socket'], uid?: number, gid?: number): SocketOptions {
  const has = (k: keyof typeof c): boolean => Object.hasOwn(c, k);
  const o: SocketOptions = {
    backlog: c.Backlog,
    bindIPv6Only: c.BindIPv6Only,
    socketMode: c.SocketMode,
    directoryMode: c.DirectoryMode,
    reusePort: c.ReusePort,
    freeBind: c.FreeBind,
    transparent: c.Transparent,
    keepAlive: c.KeepAlive,
    noDelay: c.NoDelay,
    passCredentials: c.PassCredentials,
    passSecurity: c.PassSecurity,
    passPacketInfo: c.PassPacketInfo,
    broadcast: c.Broadcast,
    writable: c.Writable,
    timestamping: c.Timestamping,
  };
  if (uid !== undefined) o.socketUid = uid;
  if (gid !== undefined) o.socketGid = gid;
  if (c.BindToDevice !== '') o.bindToDevice = c.BindToDevice;
  if (has('KeepAliveTimeSec')) o.keepAliveTimeUsec = c.KeepAliveTimeSec;
  if (has('KeepAliveIntervalSec')) o.keepAliveIntervalUsec = c.KeepAliveIntervalSec;
  if (has('KeepAliveProbes')) o.keepAliveProbes = c.KeepAliveProbes;
  if (has('DeferAcceptSec')) o.deferAcceptUsec = c.DeferAcceptSec;
  if (has('ReceiveBuffer')) o.receiveBuffer = c.ReceiveBuffer;
  if (has('SendBuffer')) o.sendBuffer = c.SendBuffer;
  if (has('Priority')) o.priority = c.Priority;
  if (has('Mark')) o.mark = c.Mark;
  if (c.IPTOS !== '') o.ipTos = parseIpTos(c.IPTOS);
  if (has('IPTTL')) o.ipTtl = c.IPTTL;
  if (has('PipeSize')) o.pipeSize = c.PipeSize;
  return o;
}

export class SocketRuntime implements UnitRuntime {
  private state: SocketState = 'dead';
  private listeners: ListeningFd[] = [];
  private watches: ActivityWatch[] = [];
  private accepted = 0;
  private resultValue: SocketResult = 'success';
  /** Bumped whenever a start or stop sequence begins; an older sequence that resumes stops there. */
  private generation = 0;
  private controlPid = 0;
  private cgroup: UnitCgroup | null = null;
  /** PrivateTmp=/PrivateNetwork= of the socket's own commands, made at start and released at the end. */
  private sandbox: UnitSandbox | null = null;
  private credentials: Credentials = { user: null };
  private invocationId = '';
  private triggerLimit: StartLimit;
  private finished = 0;
  /** MaxConnectionsPerSource=: open connections by source, and the source of each running instance. */
  private readonly perSource = new PerSourceCount();
  private readonly instanceSource = new Map<string, string>();

  constructor(
    readonly id: string,
    private config: SocketConfig,
    private readonly ctx: UnitContext,
    private readonly hooks: SocketHooks,
  ) {
    this.triggerLimit = triggerLimitOf(config.Socket);
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

  /** The service whose fds these are (Accept=no): Service=, else this unit's own name. */
  get serviceName(): string {
    return this.config.Socket.Service !== ''
      ? this.config.Socket.Service
      : this.id.replace(/\.socket$/, '.service');
  }

  get accepts(): boolean {
    return this.config.Socket.Accept;
  }

  /** The listening fds and their names (FileDescriptorName=, else the unit's name), in Listen*= order. */
  fds(): { fds: number[]; names: string[] } {
    const name =
      this.config.Socket.FileDescriptorName !== '' ? this.config.Socket.FileDescriptorName : this.id;
    return { fds: this.listeners.map((l) => l.fd), names: this.listeners.map(() => name) };
  }

  private setState(s: SocketState): void {
    const before = this.activeState;
    this.state = s;
    if (before !== this.activeState) this.ctx.stateChanged(this.id);
  }

  private check(gen: number): void {
    if (gen !== this.generation) throw new Superseded();
  }

  // ---- start ------------------------------------------------------------------------------------------

  /**
   * systemd's socket_enter_start_pre .. socket_enter_listening: ExecStartPre=, the sockets, ExecStartPost=,
   * then listening. A failed ExecStartPre= ends the unit at once; a failure after the sockets exist runs the
   * stop sequence (ExecStopPre=, close, ExecStopPost=).
   */
  async start(): Promise<JobOutcome> {
    if (this.state === 'listening' || this.state === 'running') return 'done';
    const gen = ++this.generation;
    this.resultValue = 'success';
    try {
      return await this.startSequence(gen);
    } catch (e) {
      if (e instanceof Superseded) return 'canceled';
      this.ctx.log.error(`Start failed: ${e instanceof Error ? e.message : String(e)}`, this.id);
      await this.stopSequence('resources', gen).catch(() => undefined);
      return 'failed';
    }
  }

  private async startSequence(gen: number): Promise<JobOutcome> {
    const s = this.config.Socket;
    if (this.hasCommands()) {
      const creds = await resolveCredentials(this.config.Exec, (m) => this.ctx.log.warn(m, this.id));
      this.check(gen);
      if (!creds.ok) {
        this.ctx.log.error(creds.error, this.id);
        return this.failStart(gen, 'resources');
      }
      this.credentials = creds.value;
      this.invocationId = newInvocationId();
      this.cgroup ??= await UnitCgroup.create(this.ctx.cgroups, this.id).catch(() => null);
      this.sandbox ??= await createUnitSandbox(this.id, this.config.Exec);
      await makeExecDirectories(this.config.Exec, this.credentials);
      this.check(gen);
    }
    if (s.ExecStartPre.length > 0) {
      this.setState('start-pre');
      const failed = await this.runCommands(s.ExecStartPre, gen, 'Starting');
      if (failed !== null) return this.failStart(gen, failed);
    }
    const user = s.SocketUser !== '' ? await lookupUser(s.SocketUser) : null;
    const group = s.SocketGroup !== '' ? await lookupGroup(s.SocketGroup) : null;
    this.check(gen);
    if (!this.openAll(options(s, user?.uid, group?.gid ?? user?.gid))) {
      await this.stopSequence('resources', gen);
      return 'failed';
    }
    if (s.ExecStartPost.length > 0) {
      this.setState('start-post');
      const failed = await this.runCommands(s.ExecStartPost, gen, 'Starting');
      if (failed !== null) {
        await this.stopSequence(failed, gen);
        return 'failed';
      }
    }
    for (const l of this.listeners) this.watches.push(watchForActivity(l.fd, () => this.onActivity(l)));
    this.setState('listening');
    return 'done';
  }

  /** ExecStartPre= failed (or credentials could not be resolved): no sockets exist; clean up and fail. */
  private async failStart(gen: number, result: SocketResult): Promise<JobOutcome> {
    this.resultValue = result;
    await this.finalKill(gen);
    this.check(gen);
    this.enterDeadOrFailed();
    return 'failed';
  }

  /** socket_open_fds: every Listen*=, then Symlinks=; on a failure the ones opened are closed again. */
  private openAll(opts: SocketOptions): boolean {
    const s = this.config.Socket;
    for (const listen of s.Listen) {
      const r = openListener(listen, opts);
      if (!r.ok) {
        // "bind(/run/x.sock): EADDRINUSE" names the socket already: say it once.
        const where = describeListen(listen);
        this.ctx.log.error(
          `Failed to create listening socket (${where}): ${r.message.replace(`(${where})`, '')}`,
          this.id,
        );
        this.closeAll();
        return false;
      }
      for (const w of r.value.warnings) this.ctx.log.warn(w, this.id);
      this.listeners.push(r.value);
    }
    if (s.Symlinks.length > 0) {
      // systemd.socket(5): only a socket unit with exactly one file-system socket or FIFO gets symlinks.
      const target = symlinkTarget(this.listeners);
      if (target === null)
        this.ctx.log.warn(
          'Symlinks= needs exactly one socket or FIFO in the file system; ignoring.',
          this.id,
        );
      else {
        const links = s.Symlinks.map((p) => p.path);
        for (const w of createSymlinks(target, links, {
          directoryMode: s.DirectoryMode,
          removeOnStop: s.RemoveOnStop,
        })) {
          this.ctx.log.warn(w, this.id);
        }
      }
    }
    return true;
  }

  // ---- activity -----------------------------------------------------------------------------------------

  private onActivity(l: ListeningFd): void {
    if (this.state !== 'listening') return;
    const s = this.config.Socket;
    if (!s.Accept) {
      if (!this.triggerAllowed()) return;
      // The service takes over the fds with the connection still queued; watch again once it stops.
      for (const w of this.watches) w.disarm();
      this.setState('running');
      this.hooks.triggerService(this.serviceName);
      return;
    }
    const c = acceptConnection(l.fd);
    const w = this.watches[this.listeners.indexOf(l)];
    w?.rearm();
    if (!c.ok) return;
    if (!this.triggerAllowed()) {
      close(c.value.fd);
      return;
    }
    if (this.accepted - this.finished >= s.MaxConnections) {
      this.ctx.log.warn(`Too many incoming connections (${s.MaxConnections}), dropping connection.`, this.id);
      close(c.value.fd);
      return;
    }
    const source = s.MaxConnectionsPerSource > 0 ? sourceOf(c.value.remote) : null;
    if (source !== null && this.perSource.count(source) >= s.MaxConnectionsPerSource) {
      this.ctx.log.warn(
        `Too many incoming connections (${this.perSource.count(source) + 1}) from source ${source}, dropping connection.`,
        this.id,
      );
      close(c.value.fd);
      return;
    }
    const instance = acceptedServiceName(
      this.id,
      this.accepted++,
      c.value,
      s.Service !== '' ? s.Service : undefined,
    );
    if (source !== null) {
      this.perSource.add(source);
      this.instanceSource.set(instance, source);
    }
    this.hooks.startAcceptedInstance(instance, c.value.fd, remoteEnv(c.value.remote));
  }

  /**
   * TriggerLimitIntervalSec=/TriggerLimitBurst=: each activation (Accept=no) or connection (Accept=yes)
   * counts; past the limit the socket stops listening and fails with `trigger-limit-hit`.
   */
  private triggerAllowed(): boolean {
    if (this.triggerLimit.tryStart(Number(process.hrtime.bigint() / 1000n))) return true;
    this.ctx.log.warn('Trigger limit hit, refusing further activation.', this.id);
    void this.stopSequence('trigger-limit-hit', ++this.generation).catch(() => undefined);
    return false;
  }

  /** An instance started for a connection has ended (Accept=yes), for MaxConnections*=. */
  connectionEnded(instance: string): void {
    this.finished++;
    const source = this.instanceSource.get(instance);
    if (source === undefined) return;
    this.instanceSource.delete(instance);
    this.perSource.release(source);
  }

  /** Its service was started (by traffic or directly) and took the fds: stop watching until it ends. */
  handedOver(): void {
    if (this.state !== 'listening') return;
    for (const w of this.watches) w.disarm();
    this.setState('running');
  }

  /** The service cannot be started any more (start limit): stop listening and fail. */
  serviceGaveUp(): void {
    if (this.state !== 'listening' && this.state !== 'running') return;
    this.ctx.log.warn('Service hit its start limit; closing the socket.', this.id);
    void this.stopSequence('service-start-limit-hit', ++this.generation).catch(() => undefined);
  }

  /** The service that held the fds stopped: listen for the next activity. */
  serviceStopped(): void {
    if (this.state !== 'running') return;
    for (const w of this.watches) w.rearm();
    this.setState('listening');
  }

  // ---- stop ---------------------------------------------------------------------------------------------

  async stop(): Promise<JobOutcome> {
    if (this.state === 'dead' || this.state === 'failed') return 'done';
    const gen = ++this.generation;
    // A stop that interrupts a start goes straight to killing its command, without ExecStopPre= (socket_stop).
    const interruptsStart = this.state === 'start-pre' || this.state === 'start-post';
    try {
      await this.stopSequence('success', gen, interruptsStart);
      return 'done';
    } catch (e) {
      if (e instanceof Superseded) return 'canceled';
      throw e;
    }
  }

  /**
   * socket_enter_stop_pre .. socket_enter_dead: ExecStopPre= while the sockets still exist, then they are
   * closed, ExecStopPost=, what is left of the unit's processes is killed, then dead or failed.
   */
  private async stopSequence(result: SocketResult, gen: number, interruptsStart = false): Promise<void> {
    if (this.resultValue === 'success') this.resultValue = result;
    const s = this.config.Socket;
    for (const w of this.watches) w.disarm();
    if (this.controlPid !== 0) this.ctx.signal(this.controlPid, 9);
    if (!interruptsStart) {
      this.setState('stop-pre');
      const pre = await this.runCommands(s.ExecStopPre, gen, 'Stopping');
      if (pre !== null && this.resultValue === 'success') this.resultValue = pre;
    }
    this.closeAll();
    this.setState('stop-post');
    const post = await this.runCommands(s.ExecStopPost, gen, 'Stopping');
    if (post !== null && this.resultValue === 'success') this.resultValue = post;
    await this.finalKill(gen);
    this.check(gen);
    this.enterDeadOrFailed();
  }

  private enterDeadOrFailed(): void {
    if (this.hasCommands()) void removeRuntimeDirectories(this.config.Exec);
    if (this.sandbox) void releaseUnitSandbox(this.sandbox).catch(() => undefined);
    this.sandbox = null;
    const failed = this.resultValue !== 'success';
    this.setState(failed ? 'failed' : 'dead');
    if (failed) this.ctx.log.warn(`Failed with result '${this.resultValue}'.`, this.id);
  }

  private closeAll(): void {
    for (const w of this.watches) w.close();
    this.watches = [];
    for (const l of this.listeners) closeListener(l, { removeOnStop: this.config.Socket.RemoveOnStop });
    if (this.config.Socket.RemoveOnStop && this.listeners.length > 0) {
      removeSymlinks(this.config.Socket.Symlinks.map((p) => p.path));
    }
    this.listeners = [];
  }

  // ---- control processes --------------------------------------------------------------------------------

  private hasCommands(): boolean {
    const s = this.config.Socket;
    return s.ExecStartPre.length + s.ExecStartPost.length + s.ExecStopPre.length + s.ExecStopPost.length > 0;
  }

  /**
   * Runs `cmds` in order, each within TimeoutSec=; the first failure (not `-`-prefixed) stops the list and is
   * returned as the unit's result, null when all succeeded.
   */
  private async runCommands(
    cmds: readonly ExecCommand[],
    gen: number,
    doing: 'Starting' | 'Stopping',
  ): Promise<SocketResult | null> {
    for (const cmd of cmds) {
      let pid = 0;
      const timeout = delay(usecToMs(this.config.Socket.TimeoutSec));
      const run = runCommand(
        this.ctx,
        this.id,
        {
          command: cmd,
          exec: this.config.Exec,
          credentials: this.credentials,
          invocationId: this.invocationId,
          managerSet: {},
          cgroup: this.cgroup?.target ?? null,
          sandbox: this.sandbox,
        },
        {
          beforeSpawn: () => this.check(gen),
          spawned: (p) => {
            pid = p;
            this.controlPid = p;
            if (gen !== this.generation) this.ctx.signal(p, 9);
          },
        },
      );
      let r = await Promise.race([run, timeout.promise]);
      timeout.cancel();
      let timedOut = false;
      if (r === 'timeout') {
        timedOut = true;
        this.ctx.log.warn(`${doing} timed out. Terminating.`, this.id);
        r = await this.terminateControl(run);
      }
      // A newer sequence may have its own control process by now.
      if (this.controlPid === pid) this.controlPid = 0;
      this.check(gen);
      if (timedOut) return cmd.flags.ignoreFailure ? null : 'timeout';
      if (cmd.flags.ignoreFailure) continue;
      if (r.kind === 'not-started') return 'exit-code';
      // A command is clean only when it exits 0 (systemd's EXIT_CLEAN_COMMAND): SIGTERM is a failure too.
      if (r.end.kind === 'exited' && r.end.status === 0) continue;
      const end = r.end;
      const describe =
        end.kind === 'exited'
          ? `code=exited, status=${end.status}`
          : `code=killed, signal=${signalName(end.signal).replace(/^SIG/, '')}`;
      this.ctx.log.warn(`Control process exited, ${describe}`, this.id);
      return end.kind === 'exited' ? 'exit-code' : end.coreDumped ? 'core-dump' : 'signal';
    }
    return null;
  }

  /** A control process past TimeoutSec=: KillSignal=, then after TimeoutSec= more FinalKillSignal=. */
  private async terminateControl(run: Promise<CommandEnd>): Promise<CommandEnd> {
    const k = this.config.Kill;
    if (this.controlPid !== 0) this.ctx.signal(this.controlPid, k.KillSignal);
    const t = delay(usecToMs(this.config.Socket.TimeoutSec));
    const r = await Promise.race([run, t.promise]);
    t.cancel();
    if (r !== 'timeout') return r;
    if (this.controlPid !== 0 && k.SendSIGKILL) this.ctx.signal(this.controlPid, k.FinalKillSignal);
    return run;
  }

  /** final-sigterm/final-sigkill: processes the commands left behind in the unit's cgroup. */
  private async finalKill(gen: number): Promise<void> {
    const cg = this.cgroup;
    if (!cg) return;
    const k = this.config.Kill;
    if (k.KillMode !== 'none' && !(await cg.isEmpty())) {
      const send = (pid: number, sig: number): void => this.ctx.signal(pid, sig);
      for (const [state, signal] of [
        ['final-sigterm', k.KillSignal],
        ['final-sigkill', k.FinalKillSignal],
      ] as const) {
        if (state === 'final-sigkill' && !k.SendSIGKILL) break;
        this.setState(state);
        await cg.kill(signal, send);
        const t = delay(usecToMs(this.config.Socket.TimeoutSec));
        const r = await Promise.race([new Promise<void>((resolve) => cg.whenEmpty(resolve)), t.promise]);
        t.cancel();
        this.check(gen);
        if (r !== 'timeout') break;
      }
    }
    if (await cg.isEmpty()) {
      await cg.remove();
      if (this.cgroup === cg) this.cgroup = null;
    }
  }

  // ---- the rest of UnitRuntime ----------------------------------------------------------------------------

  async reload(): Promise<JobOutcome> {
    return 'unsupported';
  }

  fail(result: string): void {
    this.resultValue = result as SocketResult;
    this.setState('failed');
  }

  resetFailed(): void {
    if (this.state === 'failed') {
      this.resultValue = 'success';
      this.setState('dead');
    }
  }

  reconfigure(config: UnitConfig): void {
    if (config.type !== 'socket') return;
    this.config = config;
    this.triggerLimit = triggerLimitOf(config.Socket);
  }

  properties(): Record<string, string | number | boolean> {
    return {
      Accept: this.config.Socket.Accept,
      NAccepted: this.accepted,
      NConnections: this.accepted - this.finished,
      Listen: this.listeners.map((l) => `${l.type}:${l.description}`).join(' '),
      ControlPID: this.controlPid,
      ControlGroup: this.cgroup?.path ?? '',
    };
  }
}
