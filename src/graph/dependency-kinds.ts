/**
 * The dependency types systemd 252 keeps between units (unit-dependency-atom.c, unit.c's
 * unit_dependency_table), each with the type it implies on the other unit and the behaviours ("atoms") the
 * transaction builder acts on. Settings write only the forward half; the graph always stores both halves.
 */

export const DEPENDENCY_KINDS = [
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'PartOf',
  'Upholds',
  'RequiredBy',
  'RequisiteOf',
  'WantedBy',
  'BoundBy',
  'UpheldBy',
  'ConsistsOf',
  'Conflicts',
  'ConflictedBy',
  'Before',
  'After',
  'OnSuccess',
  'OnSuccessOf',
  'OnFailure',
  'OnFailureOf',
  'Triggers',
  'TriggeredBy',
  'PropagatesReloadTo',
  'ReloadPropagatedFrom',
  'PropagatesStopTo',
  'StopPropagatedFrom',
  'JoinsNamespaceOf',
] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

/** X kind Y implies Y INVERSE[kind] X (unit.c: unit_add_dependency's inverse_table). */
export const INVERSE: Readonly<Record<DependencyKind, DependencyKind>> = {
  Requires: 'RequiredBy',
  Requisite: 'RequisiteOf',
  Wants: 'WantedBy',
  BindsTo: 'BoundBy',
  PartOf: 'ConsistsOf',
  Upholds: 'UpheldBy',
  RequiredBy: 'Requires',
  RequisiteOf: 'Requisite',
  WantedBy: 'Wants',
  BoundBy: 'BindsTo',
  UpheldBy: 'Upholds',
  ConsistsOf: 'PartOf',
  Conflicts: 'ConflictedBy',
  ConflictedBy: 'Conflicts',
  Before: 'After',
  After: 'Before',
  OnSuccess: 'OnSuccessOf',
  OnSuccessOf: 'OnSuccess',
  OnFailure: 'OnFailureOf',
  OnFailureOf: 'OnFailure',
  Triggers: 'TriggeredBy',
  TriggeredBy: 'Triggers',
  PropagatesReloadTo: 'ReloadPropagatedFrom',
  ReloadPropagatedFrom: 'PropagatesReloadTo',
  PropagatesStopTo: 'StopPropagatedFrom',
  StopPropagatedFrom: 'PropagatesStopTo',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
};

/** Where an edge came from, as `systemctl show` calls it (origin-file, origin-implicit, origin-default). */
export type EdgeOrigin = 'file' | 'implicit' | 'default';

/**
 * The atoms the transaction builder uses, by the dependency types that carry them in systemd 252. Kept as
 * lists rather than bit masks because TypeScript callers iterate them.
 */
export const ATOMS = {
  /** Start/restart pulls these in as start jobs that matter: a failure to add one fails the requester. */
  pullInStart: ['Requires', 'BindsTo'],
  /** Start/restart pulls these in as start jobs whose failure is ignored. */
  pullInStartIgnored: ['Wants', 'Upholds'],
  /** Start/restart pulls these in as verify-active jobs that matter. */
  pullInVerify: ['Requisite'],
  /** Start/restart pulls these in as stop jobs that matter (and count as "conflicted by"). */
  pullInStop: ['Conflicts'],
  /** Start/restart pulls these in as stop jobs whose failure is ignored. */
  pullInStopIgnored: ['ConflictedBy'],
  /** Stop (and the stop half of restart) propagates to these as stop jobs. */
  propagateStop: ['RequiredBy', 'RequisiteOf', 'BoundBy', 'ConsistsOf', 'PropagatesStopTo'],
  /** Restart propagates to these as try-restart. */
  propagateRestart: ['RequiredBy', 'RequisiteOf', 'BoundBy', 'ConsistsOf'],
  /** A target orders itself After= units it has these on (target.c, unit_add_default_target_dependency). */
  defaultTargetDependencyQueue: ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds'],
} as const satisfies Record<string, readonly DependencyKind[]>;

/** The unit-file settings that name dependencies, by the kind each one writes. */
export const SETTING_KINDS = [
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'PartOf',
  'Upholds',
  'Conflicts',
  'Before',
  'After',
  'OnSuccess',
  'OnFailure',
  'PropagatesReloadTo',
  'ReloadPropagatedFrom',
  'PropagatesStopTo',
  'StopPropagatedFrom',
  'JoinsNamespaceOf',
] as const satisfies readonly DependencyKind[];
