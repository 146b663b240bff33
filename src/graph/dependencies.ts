import type { LoadedUnit } from '../load/unit-loader';
import {
  ATOMS,
  DEPENDENCY_KINDS,
  INVERSE,
  SETTING_KINDS,
  type DependencyKind,
  type EdgeOrigin,
} from './dependency-kinds';
import { impliedEdges, type ImpliedEdge } from './implicit-dependencies';

/**
 * The dependency graph of every unit the manager knows, as systemd computes it after loading.
 *
 * Invariants:
 *  - Units are keyed by id (the name their fragment resolved to); `names` maps every name met, aliases
 *    included, to that id. Edges always name ids, never aliases.
 *  - Every unit an edge names is in `units`, loaded through `lookup` (not-found and masked units included,
 *    as systemd keeps stub units for them). The graph is closed: following any edge stays inside it.
 *  - Edges are symmetric: A→kind→B is stored iff B→INVERSE[kind]→A is. No unit has an edge to itself.
 *  - Only loaded units contribute edges of their own; a not-loaded unit has only the inverse halves of
 *    edges other units point at it.
 *  - A target T has the default `After=` on X (both loaded, both DefaultDependencies=yes) for every X it
 *    Requires/Requisite/Wants/BindsTo/PartOf/Upholds, unless T is already Before= X (target.c).
 *  - Each edge keeps the origin it was first added with.
 */
export type Lookup = (name: string) => LoadedUnit;

export interface Edge {
  readonly kind: DependencyKind;
  readonly other: string;
  readonly origin: EdgeOrigin;
}

type EdgeMap = Map<DependencyKind, Map<string, EdgeOrigin>>;

const NO_DEPS: readonly string[] = Object.freeze([]);

export class DependencyGraph {
  private readonly units = new Map<string, LoadedUnit>();
  private readonly names = new Map<string, string>();
  private readonly edges = new Map<string, EdgeMap>();

  private constructor(private readonly lookup: Lookup) {}

  /** Loads `roots` and everything they reference, transitively, and computes every edge. */
  static build(roots: Iterable<string>, lookup: Lookup): DependencyGraph {
    const graph = new DependencyGraph(lookup);
    graph.ensure(roots);
    return graph;
  }

  /**
   * Adds units not in the graph yet (and what they reference). Returns their ids. Existing units gain only
   * the inverse halves of the new units' edges and target default ordering, as in systemd when a unit is
   * loaded later.
   */
  ensure(names: Iterable<string>): string[] {
    const fresh: string[] = [];
    // Each new unit's own edges, computed once: they are walked to find more units, then added.
    const freshEdges: ImpliedEdge[][] = [];
    const queue = [...names];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (this.names.has(name)) continue;
      const unit = this.lookup(name);
      this.names.set(name, unit.id);
      if (this.units.has(unit.id)) continue;
      this.names.set(unit.id, unit.id);
      this.units.set(unit.id, unit);
      this.edges.set(unit.id, new Map());
      fresh.push(unit.id);
      const own = ownEdges(unit);
      freshEdges.push(own);
      for (let i = 0; i < own.length; i++) if (!this.names.has(own[i]!.other)) queue.push(own[i]!.other);
    }
    for (let u = 0; u < fresh.length; u++) {
      const own = freshEdges[u]!;
      for (let i = 0; i < own.length; i++) {
        const e = own[i]!;
        this.addEdge(fresh[u]!, e.kind, this.resolve(e.other), e.origin);
      }
    }
    this.addTargetOrdering(fresh);
    return fresh;
  }

  /** The id a name resolves to, or the name itself when the graph has not met it. */
  resolve(name: string): string {
    return this.names.get(name) ?? name;
  }

  unit(name: string): LoadedUnit | undefined {
    return this.units.get(this.resolve(name));
  }

  ids(): string[] {
    return [...this.units.keys()];
  }

  /** The units `id` has a `kind` dependency on, in the order the edges were added. */
  deps(id: string, kind: DependencyKind): readonly string[] {
    const m = this.edges.get(this.resolve(id))?.get(kind);
    // Most units have no edge of most kinds: those calls share one empty list.
    return m ? [...m.keys()] : NO_DEPS;
  }

  has(id: string, kind: DependencyKind, other: string): boolean {
    return this.edges.get(this.resolve(id))?.get(kind)?.has(this.resolve(other)) ?? false;
  }

  /** Every edge of a unit, grouped by kind in DEPENDENCY_KINDS order. */
  edgesOf(id: string): Edge[] {
    const m = this.edges.get(this.resolve(id));
    if (!m) return [];
    const out: Edge[] = [];
    for (const kind of DEPENDENCY_KINDS) {
      for (const [other, origin] of m.get(kind) ?? []) out.push({ kind, other, origin });
    }
    return out;
  }

  private addEdge(from: string, kind: DependencyKind, to: string, origin: EdgeOrigin): void {
    if (from === to) return;
    this.addHalf(from, kind, to, origin);
    this.addHalf(to, INVERSE[kind], from, origin);
  }

  private addHalf(from: string, kind: DependencyKind, to: string, origin: EdgeOrigin): void {
    const byKind = this.edges.get(from)!;
    let m = byKind.get(kind);
    if (!m) byKind.set(kind, (m = new Map()));
    if (!m.has(to)) m.set(to, origin);
  }

  /** target.c's default After= for targets; re-run for the targets new units touch. */
  private addTargetOrdering(fresh: readonly string[]): void {
    const targets = new Set<string>();
    for (const id of fresh) {
      if (this.units.get(id)!.type === 'target') targets.add(id);
      for (const kind of ATOMS.defaultTargetDependencyQueue) {
        for (const t of this.deps(id, INVERSE[kind]))
          if (this.units.get(t)?.type === 'target') targets.add(t);
      }
    }
    for (const t of targets) {
      const target = this.units.get(t)!;
      if (!wantsDefaultDependencies(target)) continue;
      for (const kind of ATOMS.defaultTargetDependencyQueue) {
        for (const other of this.deps(t, kind)) {
          if (!wantsDefaultDependencies(this.units.get(other)!)) continue;
          // "Don't create loops": a manual Before= in either file wins over the implied After=.
          if (this.has(t, 'Before', other)) continue;
          this.addEdge(t, 'After', other, 'default');
        }
      }
    }
  }
}

function wantsDefaultDependencies(u: LoadedUnit): boolean {
  return u.loadState === 'loaded' && u.config.Unit.DefaultDependencies;
}

/** The edges a unit's own files and type imply, with names as written (aliases unresolved). */
function ownEdges(unit: LoadedUnit): ImpliedEdge[] {
  if (unit.loadState !== 'loaded') return [];
  const out: ImpliedEdge[] = [];
  const section = unit.config.Unit;
  // Indexed loops: this runs for every unit at boot, mostly before V8 has optimized it.
  for (let k = 0; k < SETTING_KINDS.length; k++) {
    const kind = SETTING_KINDS[k]!;
    const others = section[kind];
    for (let i = 0; i < others.length; i++) out.push({ kind, other: others[i]!, origin: 'file' });
  }
  const implied = impliedEdges(unit.id, unit.config);
  for (let i = 0; i < implied.length; i++) out.push(implied[i]!);
  return out;
}
