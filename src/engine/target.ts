import type { ActiveState } from '../graph/job-types';
import type { JobOutcome, UnitContext, UnitRuntime } from './unit-runtime';

/**
 * A target has no processes: it is active once started (its dependencies are the job runner's business) and
 * inactive once stopped. Invariant: the state is only ever `inactive` or `active` (systemd's dead/active).
 */
export class TargetRuntime implements UnitRuntime {
  private active = false;

  constructor(
    readonly id: string,
    private readonly ctx: UnitContext,
  ) {}

  get activeState(): ActiveState {
    return this.active ? 'active' : 'inactive';
  }

  get subState(): string {
    return this.active ? 'active' : 'dead';
  }

  get result(): string {
    return 'success';
  }

  async start(): Promise<JobOutcome> {
    this.set(true);
    return 'done';
  }

  async stop(): Promise<JobOutcome> {
    this.set(false);
    return 'done';
  }

  async reload(): Promise<JobOutcome> {
    return 'done';
  }

  fail(): void {
    this.set(false);
  }

  resetFailed(): void {}

  reconfigure(): void {}

  properties(): Record<string, string | number | boolean> {
    return {};
  }

  private set(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.ctx.stateChanged(this.id);
  }
}

/**
 * Unit types rsd loads but cannot run yet (socket activation comes with its own issue; timers, paths,
 * mounts...): a start job fails with a log line saying so, and nothing else is affected.
 */
export class UnsupportedRuntime implements UnitRuntime {
  private failed = false;

  constructor(
    readonly id: string,
    private readonly why: string,
    private readonly ctx: UnitContext,
  ) {}

  get activeState(): ActiveState {
    return this.failed ? 'failed' : 'inactive';
  }

  get subState(): string {
    return this.failed ? 'failed' : 'dead';
  }

  get result(): string {
    return this.failed ? 'resources' : 'success';
  }

  async start(): Promise<JobOutcome> {
    this.ctx.log.warn(this.why, this.id);
    return 'unsupported';
  }

  async stop(): Promise<JobOutcome> {
    this.failed = false;
    return 'done';
  }

  async reload(): Promise<JobOutcome> {
    return 'unsupported';
  }

  fail(): void {
    this.failed = true;
    this.ctx.stateChanged(this.id);
  }

  resetFailed(): void {
    if (!this.failed) return;
    this.failed = false;
    this.ctx.stateChanged(this.id);
  }

  reconfigure(): void {}

  properties(): Record<string, string | number | boolean> {
    return {};
  }
}
