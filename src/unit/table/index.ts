import type { UnitType } from '../name';
import { cgroupContext, type CGroupContext } from './cgroup-context';
import { execContext, type ExecContext } from './exec-context';
import { installSection, type InstallSection } from './install-section';
import { killContext, type KillContext } from './kill-context';
import { KeyTable } from './key-table';
import type { AnyRow, Block } from './row';
import { serviceSection, type ServiceSection } from './service-section';
import { socketSection, type SocketSection } from './socket-section';
import { unitSection, type UnitSection } from './unit-section';

/**
 * The directive table: every directive rsd knows, grouped into blocks as systemd's load-fragment-gperf groups
 * them. Shared blocks (Exec, Kill, CGroup) are declared once and mixed into each section that has them.
 */
export const BLOCKS = {
  Unit: unitSection,
  Install: installSection,
  Service: serviceSection,
  Socket: socketSection,
  Exec: execContext,
  Kill: killContext,
  CGroup: cgroupContext,
} as const satisfies Record<string, Block>;
export type BlockName = keyof typeof BLOCKS;

/** Unit types whose own section rsd reads; the rest load with [Unit] and [Install] only, for now. */
export const SUPPORTED_TYPES = ['service', 'socket', 'target'] as const;
export type SupportedType = (typeof SUPPORTED_TYPES)[number];
export type UnsupportedType = Exclude<UnitType, SupportedType>;

/** Types the engine can run today; a setting is only enforced for units of these types. */
export const RUNNABLE_TYPES: readonly UnitType[] = ['service', 'target', 'socket'];

/**
 * A row's support for units of one type: nothing is enforced for a type the engine cannot run yet. A socket
 * unit's own commands (ExecStartPre= ...) run with its exec settings; its kill and cgroup settings are only
 * partly used (KillSignal=, FinalKillSignal=, SendSIGKILL=) and count as accepted.
 */
export function effectiveSupport(type: UnitType, row: AnyRow, block?: BlockName): AnyRow['support'] {
  if (row.support !== 'enforced') return row.support;
  if (!RUNNABLE_TYPES.includes(type)) return 'accepted';
  if (
    type === 'socket' &&
    block !== undefined &&
    block !== 'Socket' &&
    block !== 'Exec' &&
    block !== 'Unit' &&
    block !== 'Install'
  ) {
    return 'accepted';
  }
  return 'enforced';
}

export function isSupportedType(t: UnitType): t is SupportedType {
  return (SUPPORTED_TYPES as readonly string[]).includes(t);
}

const COMMON: Readonly<Record<string, readonly BlockName[]>> = { Unit: ['Unit'], Install: ['Install'] };

/** For each unit type, which sections it has and which blocks answer for each. */
export const SECTIONS: Readonly<Record<SupportedType, Readonly<Record<string, readonly BlockName[]>>>> = {
  service: { ...COMMON, Service: ['Service', 'Exec', 'Kill', 'CGroup'] },
  socket: { ...COMMON, Socket: ['Socket', 'Exec', 'Kill', 'CGroup'] },
  target: COMMON,
};

/** The section an unsupported type's own settings live in: read by systemd, skipped by rsd for now. */
export const UNSUPPORTED_SECTION: Readonly<Record<UnsupportedType, string | null>> = {
  mount: 'Mount',
  swap: 'Swap',
  automount: 'Automount',
  timer: 'Timer',
  path: 'Path',
  slice: 'Slice',
  scope: 'Scope',
  device: null,
};

interface Common {
  Unit: UnitSection;
  Install: InstallSection;
}

/** A unit's settings after its fragment and drop-ins are applied, one variant per unit type. */
export type UnitConfig =
  | (Common & {
      type: 'service';
      Service: ServiceSection;
      Exec: ExecContext;
      Kill: KillContext;
      CGroup: CGroupContext;
    })
  | (Common & {
      type: 'socket';
      Socket: SocketSection;
      Exec: ExecContext;
      Kill: KillContext;
      CGroup: CGroupContext;
    })
  | (Common & { type: 'target' })
  | (Common & { type: UnsupportedType });

export type ServiceConfig = Extract<UnitConfig, { type: 'service' }>;
export type SocketConfig = Extract<UnitConfig, { type: 'socket' }>;

/** Every block name, in a fixed order: a FieldTarget's `blockIndex` indexes this list. */
export const BLOCK_NAMES = Object.keys(BLOCKS) as readonly BlockName[];

/** A field an assignment writes. */
export interface FieldTarget {
  readonly block: BlockName;
  /** The block's index in BLOCK_NAMES, for finding a unit's block without a lookup by name. */
  readonly blockIndex: number;
  readonly field: string;
}

export interface FoundRow {
  readonly section: string;
  readonly key: string;
  readonly block: BlockName;
  readonly row: AnyRow;
  /** The fields the key writes: its own, or the row's `field`s (`Block.Field` crosses blocks). */
  readonly targets: readonly FieldTarget[];
  /*
   * The row's properties every assignment reads, copied here: rows come in many shapes (aliases, options), so
   * reading them from the row is a megamorphic lookup per assignment; every FoundRow has one shape.
   */
  readonly parse: AnyRow['parse'];
  readonly isList: boolean;
  readonly ignored: boolean;
  /** An empty value resets the setting (the row does not take an empty string as a value). */
  readonly emptyResets: boolean;
}

function foundRow(section: string, block: BlockName, key: string, row: AnyRow): FoundRow {
  return {
    section,
    key,
    block,
    row,
    targets: targetsOf(block, key, row),
    parse: row.parse,
    isList: row.kind === 'list',
    ignored: row.support === 'ignored',
    emptyResets: !row.emptyIsValue,
  };
}

function targetsOf(block: BlockName, key: string, row: AnyRow): FieldTarget[] {
  const fields = row.field === undefined ? [key] : typeof row.field === 'string' ? [row.field] : row.field;
  return fields.map((f) => {
    const dot = f.indexOf('.');
    const target = dot < 0 ? block : (f.slice(0, dot) as BlockName);
    return { block: target, blockIndex: BLOCK_NAMES.indexOf(target), field: dot < 0 ? f : f.slice(dot + 1) };
  });
}

/** Per unit type and section, key -> row, built once: lookups happen for every line of every unit. */
const index = new Map<SupportedType, Map<string, Map<string, FoundRow>>>();
/** The same rows in tables that look a key read from a file up without hashing it (see KeyTable). */
const keyTables = new Map<SupportedType, Map<string, KeyTable<FoundRow>>>();

function sectionIndex(type: SupportedType): Map<string, Map<string, FoundRow>> {
  let byType = index.get(type);
  if (byType) return byType;
  byType = new Map();
  for (const [section, blocks] of Object.entries(SECTIONS[type])) {
    const keys = new Map<string, FoundRow>();
    // The first block naming a key wins, as the blocks are listed in priority order.
    for (const block of [...blocks].reverse()) {
      for (const [key, row] of Object.entries(BLOCKS[block] as Block))
        if (!row.internal) keys.set(key, foundRow(section, block, key, row));
    }
    byType.set(section, keys);
  }
  index.set(type, byType);
  return byType;
}

/** Finds the row a key names in a section of a unit type; internal rows are not keys. */
export function lookupRow(
  type: SupportedType,
  section: string,
  key: string,
): FoundRow | 'unknown-section' | 'unknown-key' {
  const keys = sectionIndex(type).get(section);
  if (!keys) return 'unknown-section';
  return keys.get(key) ?? 'unknown-key';
}

/** Per section of a unit type, its rows by key (see KeyTable). */
export function sectionTables(type: SupportedType): ReadonlyMap<string, KeyTable<FoundRow>> {
  let byType = keyTables.get(type);
  if (byType === undefined) {
    byType = new Map();
    for (const [name, rows] of sectionIndex(type)) byType.set(name, new KeyTable(rows));
    keyTables.set(type, byType);
  }
  return byType;
}

/** Every (section, key, row) the table knows, for generated docs and the feature comparison. */
export function* allRows(): Generator<{
  type: SupportedType;
  section: string;
  block: BlockName;
  key: string;
  row: AnyRow;
}> {
  for (const type of SUPPORTED_TYPES) {
    for (const [section, blocks] of Object.entries(SECTIONS[type])) {
      for (const block of blocks) {
        for (const [key, row] of Object.entries(BLOCKS[block] as Block)) {
          if (!row.internal) yield { type, section, block, key, row };
        }
      }
    }
  }
}
