import type { Socket } from 'node:net';
import type { CgroupBackend } from '../exec/unit-cgroup';
import type { StreamSource } from '../journal/journal';
import type { ChildExit } from '../exec/reaper';
import type { SpawnResult, SpawnSpec } from '../exec/spawn';
import type { ActiveState } from '../graph/job-types';
import type { Log } from '../log';
import type { SocketHandover, StdioFds } from './command-spec';
import type { UnitConfig } from '../unit/table';

/**
 * The one interface every unit type implements (systemd's UnitVTable): the engine starts, stops and reloads
 * units and reads their state through it, and never looks at a unit's type.
 */
export interface UnitRuntime {
  readonly id: string;
  readonly activeState: ActiveState;
  /** The type-specific state, named as systemd names it (running, exited, dead, start-pre, ...). */
  readonly subState: string;
  /** Why the unit last stopped or failed (success, exit-code, timeout, ...). */
  readonly result: string;
  start(): Promise<JobOutcome>;
  stop(): Promise<JobOutcome>;
  reload(): Promise<JobOutcome>;
  /** The unit failed before it could start (start limit, a failed assert): enter `failed` with this result. */
  fail(result: string): void;
  /** `reset-failed`: leave the failed state for inactive. */
  resetFailed(): void;
  /** A daemon-reload's new settings, used from the next start on. */
  reconfigure(config: UnitConfig): void;
  /** Properties for `rsdctl show`, in systemd's names. */
  properties(): Record<string, string | number | boolean>;
}

/** How a job ended, in systemd's JobResult names. */
export type JobOutcome =
  'done' | 'failed' | 'skipped' | 'timeout' | 'canceled' | 'assert' | 'dependency' | 'unsupported';

/** Who writes to a captured stream: the command's path, its pid once spawned, its logging settings. */
export type OutputSource = Omit<StreamSource, 'unit'>;

/** What the manager gives every unit runtime: its only ways to reach the OS and the rest of the engine. */
export interface UnitContext {
  readonly log: Log;
  readonly cgroups: CgroupBackend;
  /** The path services get as NOTIFY_SOCKET; null when rsd has no notification socket. */
  readonly notifySocket: string | null;
  /** Watch the pid in the tick this settles (see Reaper.holdExitsUntil). */
  spawn(spec: SpawnSpec): Promise<SpawnResult>;
  /** Calls `onExit` when `pid` (whose spawn settled, or adopted, in this tick) ends. */
  watchPid(pid: number, onExit: (exit: ChildExit) => void): void;
  /** A pid learned later (a PIDFile): may already have ended. */
  adoptPid(pid: number, onExit: (exit: ChildExit) => void): 'watching' | 'already-exited';
  unwatchPid(pid: number): void;
  signal(pid: number, signal: number): void;
  /** Asks for a start job for this unit (Restart=), queued like any other job. */
  requestRestart(id: string): void;
  /** The unit's active state changed on its own (a process exited, a restart began). */
  stateChanged(id: string): void;
  /** A journal-bound output stream of one of a unit's processes: read it until it ends. */
  captureOutput(unitId: string, pipe: Socket, kind: string, source: OutputSource): void;
  /** The sockets a service's main process gets (socket activation); null when none. */
  socketsFor(serviceId: string): SocketHandover | null;
  /** The main process has its fds now: rsd drops its copy of an accepted connection. */
  socketsHandedOver(serviceId: string): void;
  /** Resolves once no job waits to run but those behind this unit's own (Type=idle's moment). */
  jobsDispatched(unitId: string): Promise<void>;
  /** Stdio a client passed for a transient unit; null when none. */
  stdioFdsFor(unitId: string): StdioFds | null;
}
