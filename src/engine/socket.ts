import { lookupGroup, lookupUser } from '../exec/users';
import type { ActiveState } from '../graph/job-types';
import {
  acceptConnection,
  acceptedServiceName,
  closeListener,
  createSymlinks,
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
import type { SocketConfig, UnitConfig } from '../unit/table';
import type { JobOutcome, UnitContext, UnitRuntime } from './unit-runtime';

/*
 * A socket unit (systemd.socket(5)): it listens while active; the first activity starts its service, which
 * receives every listening fd (Accept=no), or each connection starts an instance of a template service with
 * the connection as its fd (Accept=yes).
 *
 * States: dead -> listening (active) -> running (active, while its Accept=no service runs) -> listening ...;
 * failed when a listener cannot be opened. Invariants: `watches` are armed exactly when the socket is
 * listening and no service holds its fds; rsd never accepts or reads for Accept=no.
 */

export interface SocketHooks {
  /** Starts the service that owns this socket's fds (Accept=no), queued like any start job. */
  triggerService(service: string): void;
  /** Starts the instance for one accepted connection; the manager hands the fd over and closes its copy. */
  startAcceptedInstance(instance: string, connectionFd: number, env: Record<string, string>): void;
}

type SocketState = 'dead' | 'listening' | 'running' | 'failed';

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
  private resultValue = 'success';

  constructor(
    readonly id: string,
    private config: SocketConfig,
    private readonly ctx: UnitContext,
    private readonly hooks: SocketHooks,
  ) {}

  get activeState(): ActiveState {
    return this.state === 'dead' ? 'inactive' : this.state === 'failed' ? 'failed' : 'active';
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

  async start(): Promise<JobOutcome> {
    if (this.state === 'listening' || this.state === 'running') return 'done';
    const s = this.config.Socket;
    const user = s.SocketUser !== '' ? await lookupUser(s.SocketUser) : null;
    const group = s.SocketGroup !== '' ? await lookupGroup(s.SocketGroup) : null;
    const opts = options(s, user?.uid, group?.gid ?? user?.gid);
    for (const listen of s.Listen) {
      const r = openListener(listen, opts);
      if (!r.ok) {
        this.ctx.log.error(`Failed to create listening socket: ${r.message}`, this.id);
        this.closeAll();
        this.resultValue = 'resources';
        this.setState('failed');
        return 'failed';
      }
      for (const w of r.value.warnings) this.ctx.log.warn(w, this.id);
      this.listeners.push(r.value);
    }
    this.resultValue = 'success';
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
    for (const l of this.listeners) this.watches.push(watchForActivity(l.fd, () => this.onActivity(l)));
    this.setState('listening');
    return 'done';
  }

  private onActivity(l: ListeningFd): void {
    if (this.state !== 'listening') return;
    if (!this.config.Socket.Accept) {
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
    if (this.accepted - this.finished >= this.config.Socket.MaxConnections) {
      this.ctx.log.warn(
        `Too many incoming connections (${this.config.Socket.MaxConnections}), dropping connection.`,
        this.id,
      );
      close(c.value.fd);
      return;
    }
    const instance = acceptedServiceName(
      this.id,
      this.accepted++,
      c.value,
      this.config.Socket.Service !== '' ? this.config.Socket.Service : undefined,
    );
    this.hooks.startAcceptedInstance(instance, c.value.fd, remoteEnv(c.value.remote));
  }

  private finished = 0;

  /** An instance started for a connection has ended (Accept=yes), for MaxConnections=. */
  connectionEnded(): void {
    this.finished++;
  }

  /** Its service was started (by traffic or directly) and took the fds: stop watching until it ends. */
  handedOver(): void {
    if (this.state !== 'listening') return;
    for (const w of this.watches) w.disarm();
    this.setState('running');
  }

  /** The service cannot be started any more (start limit): close the listeners and fail. */
  serviceGaveUp(): void {
    if (this.state === 'dead' || this.state === 'failed') return;
    this.closeAll();
    this.resultValue = 'service-start-limit-hit';
    this.ctx.log.warn('Service hit its start limit; closing the socket.', this.id);
    this.setState('failed');
  }

  /** The service that held the fds stopped: listen for the next activity. */
  serviceStopped(): void {
    if (this.state !== 'running') return;
    for (const w of this.watches) w.rearm();
    this.setState('listening');
  }

  async stop(): Promise<JobOutcome> {
    this.closeAll();
    this.setState('dead');
    return 'done';
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

  async reload(): Promise<JobOutcome> {
    return 'unsupported';
  }

  fail(result: string): void {
    this.resultValue = result;
    this.setState('failed');
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
  }

  reconfigure(config: UnitConfig): void {
    if (config.type === 'socket') this.config = config;
  }

  properties(): Record<string, string | number | boolean> {
    return {
      Accept: this.config.Socket.Accept,
      NAccepted: this.accepted,
      NConnections: this.accepted - this.finished,
      Listen: this.listeners.map((l) => `${l.type}:${l.description}`).join(' '),
    };
  }
}
