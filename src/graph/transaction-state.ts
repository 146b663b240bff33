import type { ActiveState, JobType } from './job-types';

/**
 * The working set of a transaction while it is built and reduced (systemd's Transaction and Job objects
 * before they are installed).
 *
 * Invariants:
 *  - `byUnit` maps a unit id to its jobs in this transaction, newest first (systemd prepends); the first is
 *    the unit's "head" job, the one ordering and cycle checks look at. No unit maps to an empty list, and a
 *    unit has at most one job per type. After merging every unit has exactly one job.
 *  - A link records that `subject` pulled in `object`; it sits in `subject.subjects` and `object.objects`
 *    (the anchor, pulled in by the request itself, has no link). Deleting a job removes all its
 *    links from both ends.
 *  - `anchor` is the job the request asked for; it is never garbage collected, and when jobs of its unit
 *    merge the anchor is the one that survives.
 *  - `mattersToAnchor` is computed once, before any reduction, and only grows by merging.
 */
export interface Link {
  readonly subject: TJob;
  readonly object: TJob;
  /** A failure of the object fails the subject (Requires=, not Wants=). */
  readonly matters: boolean;
  /** Pulled in by Conflicts= of the subject. */
  readonly conflicts: boolean;
}

export interface TJob {
  readonly unit: string;
  type: JobType;
  readonly seq: number;
  mattersToAnchor: boolean;
  ignoreOrder: boolean;
  irreversible: boolean;
  /** Links where this job pulled in another (sets: a job such as sysinit.target's has one per unit). */
  subjects: Set<Link>;
  /** Links where another job (or the request) pulled in this one. */
  objects: Set<Link>;
}

export class TransactionState {
  readonly byUnit = new Map<string, TJob[]>();
  anchor: TJob | null = null;
  private seq = 0;

  constructor(
    readonly irreversible: boolean,
    readonly state: (unit: string) => ActiveState,
    readonly debug: (line: string) => void,
  ) {}

  head(unit: string): TJob | undefined {
    return this.byUnit.get(unit)?.[0];
  }

  heads(): TJob[] {
    return [...this.byUnit.values()].map((l) => l[0]!);
  }

  all(): TJob[] {
    return [...this.byUnit.values()].flat();
  }

  /** transaction_add_one_job(): the existing job of that type for the unit, or a new one. */
  addOne(unit: string, type: JobType): { job: TJob; isNew: boolean } {
    const list = this.byUnit.get(unit) ?? [];
    const existing = list.find((j) => j.type === type);
    if (existing) return { job: existing, isNew: false };
    const job: TJob = {
      unit,
      type,
      seq: this.seq++,
      mattersToAnchor: false,
      ignoreOrder: false,
      irreversible: this.irreversible,
      subjects: new Set(),
      objects: new Set(),
    };
    this.byUnit.set(unit, [job, ...list]);
    return { job, isNew: true };
  }

  link(subject: TJob, object: TJob, matters: boolean, conflicts: boolean): void {
    const l: Link = { subject, object, matters, conflicts };
    subject.subjects.add(l);
    object.objects.add(l);
  }

  private unlink(l: Link): void {
    l.subject.subjects.delete(l);
    l.object.objects.delete(l);
  }

  contains(j: TJob): boolean {
    return this.byUnit.get(j.unit)?.includes(j) ?? false;
  }

  /**
   * transaction_delete_job(): removes a job; with `cascade`, also every job that pulled it in through a link
   * that matters, since that job cannot succeed without it.
   */
  deleteJob(j: TJob, cascade: boolean): void {
    if (!this.contains(j)) return;
    const rest = this.byUnit.get(j.unit)!.filter((x) => x !== j);
    if (rest.length > 0) this.byUnit.set(j.unit, rest);
    else this.byUnit.delete(j.unit);
    for (const l of [...j.subjects]) this.unlink(l);
    for (const l of [...j.objects]) {
      this.unlink(l);
      if (cascade && l.matters && this.contains(l.subject)) {
        this.debug(`Deleting job ${id(l.subject)} as dependency of job ${id(j)}`);
        this.deleteJob(l.subject, cascade);
      }
    }
  }

  /** transaction_delete_unit(). */
  deleteUnit(unit: string): void {
    let j: TJob | undefined;
    while ((j = this.head(unit))) this.deleteJob(j, true);
  }

  /** transaction_find_jobs_that_matter_to_anchor(). */
  markMattering(): void {
    const stack = this.anchor ? [this.anchor] : [];
    const seen = new Set<TJob>(stack);
    while (stack.length > 0) {
      const j = stack.pop()!;
      j.mattersToAnchor = true;
      for (const l of j.subjects) {
        if (l.matters && !seen.has(l.object)) {
          seen.add(l.object);
          stack.push(l.object);
        }
      }
    }
  }

  unitMatters(unit: string): boolean {
    return (this.byUnit.get(unit) ?? []).some((j) => j.mattersToAnchor);
  }

  /** transaction_collect_garbage(): drops jobs nothing pulls in any more. */
  collectGarbage(): void {
    const orphan = (j: TJob): boolean => j !== this.anchor && j.objects.size === 0 && this.contains(j);
    // Each round collects every orphan there is; deleting them can orphan the jobs only they pulled in.
    for (let found = this.all().filter(orphan); found.length > 0; found = this.all().filter(orphan)) {
      for (const j of found) {
        if (!orphan(j)) continue;
        this.debug(`Garbage collecting job ${id(j)}`);
        this.deleteJob(j, true);
      }
    }
  }

  /**
   * transaction_merge_and_delete_job(): `keep` takes over `other`'s type, flags and links, then `other`
   * goes (with nothing left to cascade).
   */
  mergeInto(keep: TJob, other: TJob, type: JobType): void {
    keep.type = type;
    keep.irreversible ||= other.irreversible;
    keep.mattersToAnchor ||= other.mattersToAnchor;
    keep.ignoreOrder ||= other.ignoreOrder;
    const moved = (l: Link, subject: TJob, object: TJob): Link => ({ ...l, subject, object });
    for (const l of other.subjects) {
      const n = moved(l, keep, l.object);
      l.object.objects.delete(l);
      l.object.objects.add(n);
      keep.subjects.add(n);
    }
    for (const l of other.objects) {
      const n = moved(l, l.subject, keep);
      l.subject.subjects.delete(l);
      l.subject.subjects.add(n);
      keep.objects.add(n);
    }
    other.subjects = new Set();
    other.objects = new Set();
    this.deleteJob(other, true);
  }
}

/** systemd's "unit/type" notation for a job. */
export function id(j: { unit: string; type: string }): string {
  return `${j.unit}/${j.type}`;
}
