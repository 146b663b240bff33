import type { DependencyKind } from '../graph/dependency-kinds';
import type { ActiveState } from '../graph/job-types';

/**
 * The two run-time rules systemd re-checks after state changes (unit.c: unit_check_uphold(),
 * unit_check_unneeded()):
 * - Upholds=: while a unit is up, every unit it upholds that is inactive or failed, with no job, is started.
 * - StopWhenUnneeded=yes: a unit that is up, with no job, that no up (or starting) unit requires, wants, binds
 *   to or upholds, is stopped.
 * Checks run once per loop turn for the units a change may concern, after the states have settled, like
 * systemd's queues.
 */
export interface UpkeepHost {
  deps(id: string, kind: DependencyKind): readonly string[];
  stateOf(id: string): ActiveState;
  hasJob(id: string): boolean;
  stopWhenUnneeded(id: string): boolean;
  start(id: string, upholder: string): void;
  stop(id: string): void;
}

const up = (s: ActiveState): boolean => s === 'active' || s === 'reloading' || s === 'activating';
const down = (s: ActiveState): boolean => s === 'inactive' || s === 'failed';

/** Who may need a unit: its reverse requirement edges (unit_is_unneeded()'s list). */
const NEEDED_BY: readonly DependencyKind[] = ['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy'];
/** What a unit may keep needed: the forward halves of the same edges. */
const NEEDS: readonly DependencyKind[] = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'Upholds'];

export class Upkeep {
  private readonly pending = new Set<string>();
  private scheduled = false;

  constructor(private readonly host: UpkeepHost) {}

  /** A unit's state changed: it, what it upholds or needs, and what upholds it get checked next turn. */
  changed(id: string): void {
    this.pending.add(id);
    // Indexed: every state change of every unit comes here, most before V8 has optimized this.
    for (let k = 0; k < NEEDS.length; k++) this.addAll(this.host.deps(id, NEEDS[k]!));
    this.addAll(this.host.deps(id, 'UpheldBy'));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private addAll(ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i++) this.pending.add(ids[i]!);
  }

  private run(): void {
    this.scheduled = false;
    const ids = [...this.pending];
    this.pending.clear();
    for (const id of ids) {
      this.uphold(id);
      this.unneeded(id);
    }
  }

  private uphold(id: string): void {
    if (!up(this.host.stateOf(id))) return;
    for (const d of this.host.deps(id, 'Upholds')) {
      if (down(this.host.stateOf(d)) && !this.host.hasJob(d)) this.host.start(d, id);
    }
  }

  private unneeded(id: string): void {
    if (!this.host.stopWhenUnneeded(id)) return;
    const s = this.host.stateOf(id);
    if (!(s === 'active' || s === 'reloading') || this.host.hasJob(id)) return;
    for (const k of NEEDED_BY) {
      for (const other of this.host.deps(id, k)) {
        if (up(this.host.stateOf(other)) || this.host.hasJob(other)) return;
      }
    }
    this.host.stop(id);
  }
}
