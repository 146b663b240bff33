import type { Diagnostic } from './diagnostic';
import { lexUnitFile, type Assignment } from './lexer';
import type { UnitType } from './name';
import {
  BLOCKS,
  canonicalKey,
  effectiveSupport,
  hasSection,
  isSupportedType,
  sectionRows,
  SECTIONS,
  UNSUPPORTED_SECTION,
  type BlockName,
  type FoundRow,
  type UnitConfig,
} from './table';
import type { KeyTable } from './table/key-table';
import type { Block, Support, ValueContext } from './table/row';
import { finalizeUnit } from './finalize-unit';
import { validateUnit } from './validate-unit';
import type { Parsed } from './values/result';

/** One file to apply: the fragment first, then drop-ins in the order they apply. */
export interface UnitFileText {
  readonly path: string;
  readonly content: Buffer | string;
}

/** A setting a file made, with how far rsd honours it: `rsd verify --unenforced` lists these. */
export interface AppliedSetting {
  readonly section: string;
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly support: Support;
}

export type ParsedUnit =
  | {
      readonly ok: true;
      readonly config: UnitConfig;
      readonly applied: AppliedSetting[];
      readonly diagnostics: Diagnostic[];
    }
  /** systemd's "bad-setting": the unit exists but cannot be used. */
  | { readonly ok: false; readonly reason: string; readonly diagnostics: Diagnostic[] };

export interface ParseOptions {
  readonly name: string;
  readonly type: UnitType;
  readonly files: readonly UnitFileText[];
  readonly expand: (text: string) => Parsed<string>;
}

type Fields = Record<string, unknown>;

/**
 * Per block, computed once: an object holding every default (its lists frozen). A unit's block is created
 * with this as its prototype, so a unit costs only the settings its files make.
 * Invariant: a block's own properties are exactly the settings that were assigned (or fixed up after
 * loading); lists are never changed in place, only replaced.
 */
const defaults = new Map<Block, Readonly<Fields>>();

function initialBlock(block: Block): Fields {
  let proto = defaults.get(block);
  if (!proto) {
    const d: Fields = {};
    for (const [key, row] of Object.entries(block)) {
      if (row.field !== undefined) continue;
      d[key] = Array.isArray(row.initial) ? Object.freeze([...(row.initial as unknown[])]) : row.initial;
    }
    // Not frozen itself: assigning to an instance must shadow a default, which a frozen prototype forbids.
    proto = d;
    defaults.set(block, proto);
  }
  return Object.create(proto) as Fields;
}

const blocksByType = new Map<UnitType, readonly BlockName[]>();

/** The blocks a unit of the type has, computed once per type. */
function blocksOf(type: UnitType): readonly BlockName[] {
  let blocks = blocksByType.get(type);
  if (blocks === undefined) {
    const list: BlockName[] = ['Unit', 'Install'];
    if (isSupportedType(type)) {
      for (const names of Object.values(SECTIONS[type]))
        for (const b of names) if (!list.includes(b)) list.push(b);
    }
    blocks = list;
    blocksByType.set(type, blocks);
  }
  return blocks;
}

function initialConfig(type: UnitType): UnitConfig {
  const blocks = blocksOf(type);
  const config: Record<string, unknown> = { type };
  for (const b of blocks) config[b] = initialBlock(BLOCKS[b]);
  return config as unknown as UnitConfig;
}

/** Settings whose bad value fails the unit in systemd 252 (their parsers return -ENOEXEC). */
const FATAL_WHEN_BAD = new Set(['User', 'Group', 'WorkingDirectory']);

/**
 * Applies a unit's fragment and drop-ins through the directive table, as systemd's load-fragment does: an
 * unknown key or a bad value is reported at `file:line` and skipped, and only what systemd treats as fatal
 * fails the unit.
 */
export function parseUnit(opts: ParseOptions): ParsedUnit {
  const diagnostics: Diagnostic[] = [];
  const applied: AppliedSetting[] = [];
  const config = initialConfig(opts.type);
  const fields = config as unknown as Record<string, Fields>;
  // The assignment being parsed, for the warnings a value parser reports.
  let current: Pick<Assignment, 'file' | 'line' | 'key'> = { file: opts.name, line: 0, key: '' };
  const ctx: ValueContext = {
    unitName: opts.name,
    expand: opts.expand,
    warn: (message) =>
      diagnostics.push({
        file: current.file,
        line: current.line,
        severity: 'warning',
        message: `${current.key}=: ${message}`,
      }),
  };
  let fatal: string | null = null;
  // Unsupported types read only the sections every type has, which are exactly a target's.
  const tableType = isSupportedType(opts.type) ? opts.type : 'target';

  let rowsSection: string | null = null;
  let rows: KeyTable<FoundRow> | undefined;

  for (const file of opts.files) {
    const lexed = lexUnitFile(file.content, file.path, canonicalKey);
    if (lexed.diagnostics.length > 0) diagnostics.push(...lexed.diagnostics);
    if (lexed.fatal) {
      fatal ??= lexed.diagnostics.at(-1)?.message ?? 'bad unit file';
      continue;
    }
    const unsupportedSection = isSupportedType(opts.type) ? null : UNSUPPORTED_SECTION[opts.type];
    for (const header of lexed.sections) {
      const known =
        header.name.startsWith('X-') ||
        header.name === unsupportedSection ||
        hasSection(tableType, header.name);
      if (!known) {
        diagnostics.push({
          file: file.path,
          line: header.line,
          severity: 'warning',
          message: `Unknown section '${header.name}'. Ignoring.`,
        });
      }
    }
    // Indexed loops here: every assignment of every unit passes, also while the code still runs unoptimized
    // (the first loads after start), where a for-of loop costs an iterator protocol call per element.
    const assignments = lexed.assignments;
    for (let i = 0; i < assignments.length; i++) {
      const a = assignments[i]!;
      if (a.section.startsWith('X-') || a.key.startsWith('X-')) continue;
      if (a.section === unsupportedSection) continue;
      // Assignments come grouped by section: look the section up once per run of them.
      if (a.section !== rowsSection) {
        rowsSection = a.section;
        rows = sectionRows(tableType, a.section);
      }
      if (rows === undefined) continue;
      const found = rows.get(a.key);
      if (found === undefined) {
        diagnostics.push({
          file: a.file,
          line: a.line,
          severity: 'warning',
          message: `Unknown key '${a.key}' in section [${a.section}], ignoring.`,
        });
        continue;
      }
      const { row } = found;
      applied.push({
        section: a.section,
        key: a.key,
        file: a.file,
        line: a.line,
        support: effectiveSupport(opts.type, row, found.block),
      });
      if (row.support === 'ignored') continue;
      const targets = found.targets;
      if (a.value === '' && !row.emptyIsValue) {
        for (let t = 0; t < targets.length; t++) {
          const dest = fields[targets[t]!.block];
          if (dest) delete dest[targets[t]!.field];
        }
        continue;
      }
      current = a;
      const parsed = row.parse(a.value, ctx);
      if (!parsed.ok) {
        const isFatal = ('fatal' in parsed && parsed.fatal) || FATAL_WHEN_BAD.has(a.key);
        diagnostics.push({
          file: a.file,
          line: a.line,
          severity: isFatal ? 'error' : 'warning',
          message: `Failed to parse ${a.key}= value, ignoring: ${a.value} (${parsed.error})`,
        });
        if (isFatal) fatal ??= 'Unit configuration has fatal error, unit will not be started.';
        continue;
      }
      for (let t = 0; t < targets.length; t++) {
        const { block, field } = targets[t]!;
        const dest = fields[block];
        if (!dest) continue;
        if (row.kind !== 'list') dest[field] = parsed.value;
        else {
          // A list is replaced, never changed in place (the default on the prototype is shared and frozen).
          const had = dest[field] as unknown[];
          dest[field] = had.length === 0 ? parsed.value : had.concat(parsed.value);
        }
      }
    }
  }
  if (fatal !== null) return { ok: false, reason: fatal, diagnostics };
  finalizeUnit(config, applied);
  const verdict = validateUnit(opts.name, config);
  if (verdict !== null) {
    diagnostics.push({ file: opts.name, line: 0, severity: 'error', message: verdict });
    return { ok: false, reason: verdict, diagnostics };
  }
  return { ok: true, config, applied, diagnostics };
}
