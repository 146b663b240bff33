import type { AppliedSettings } from './applied-settings';
import type { Diagnostic } from './diagnostic';
import { lexUnitFileInto } from './lexer';
import type { UnitType } from './name';
import { BLOCKS, isSupportedType, SECTIONS, type BlockName, type UnitConfig } from './table';
import type { Block } from './table/row';
import { finalizeUnit } from './finalize-unit';
import { SettingsApplier } from './settings-applier';
import { validateUnit } from './validate-unit';
import type { Parsed } from './values/result';

/** One file to apply: the fragment first, then drop-ins in the order they apply. */
export interface UnitFileText {
  readonly path: string;
  readonly content: Buffer | string;
}

export type { AppliedSetting } from './applied-settings';
export { AppliedSettings } from './applied-settings';

export type ParsedUnit =
  | {
      readonly ok: true;
      readonly config: UnitConfig;
      readonly applied: AppliedSettings;
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
function defaultsOf(block: Block): Readonly<Fields> {
  const d: Fields = {};
  for (const [key, row] of Object.entries(block)) {
    if (row.field !== undefined) continue;
    d[key] = Array.isArray(row.initial) ? Object.freeze([...(row.initial as unknown[])]) : row.initial;
  }
  // Not frozen itself: assigning to an instance must shadow a default, which a frozen prototype forbids.
  return d;
}

/** Per unit type, computed once: the blocks a unit of the type has, with the defaults of each. */
const blocksByType = new Map<UnitType, ReadonlyArray<readonly [BlockName, Readonly<Fields>]>>();
const defaultsByBlock = new Map<Block, Readonly<Fields>>();

function blocksOf(type: UnitType): ReadonlyArray<readonly [BlockName, Readonly<Fields>]> {
  let blocks = blocksByType.get(type);
  if (blocks === undefined) {
    const names: BlockName[] = ['Unit', 'Install'];
    if (isSupportedType(type)) {
      for (const list of Object.values(SECTIONS[type]))
        for (const b of list) if (!names.includes(b)) names.push(b);
    }
    blocks = names.map((b) => {
      let d = defaultsByBlock.get(BLOCKS[b]);
      if (d === undefined) defaultsByBlock.set(BLOCKS[b], (d = defaultsOf(BLOCKS[b])));
      return [b, d] as const;
    });
    blocksByType.set(type, blocks);
  }
  return blocks;
}

function initialConfig(type: UnitType): UnitConfig {
  const blocks = blocksOf(type);
  const config: Record<string, unknown> = { type };
  for (let i = 0; i < blocks.length; i++) config[blocks[i]![0]] = Object.create(blocks[i]![1]);
  return config as unknown as UnitConfig;
}

/**
 * Applies a unit's fragment and drop-ins through the directive table, as systemd's load-fragment does: an
 * unknown key or a bad value is reported at `file:line` and skipped, and only what systemd treats as fatal
 * fails the unit.
 */
export function parseUnit(opts: ParseOptions): ParsedUnit {
  const diagnostics: Diagnostic[] = [];
  const config = initialConfig(opts.type);
  const applier = new SettingsApplier(opts, config as unknown as Record<string, Fields>);
  let fatal: string | null = null;
  for (let i = 0; i < opts.files.length; i++) {
    const file = opts.files[i]!;
    applier.startFile(file.path);
    // The lexer's complaints come first; the applier holds back its own until the file is read.
    if (lexUnitFileInto(file.content, file.path, applier, diagnostics)) {
      // systemd refuses the whole file: only the lexer's complaints are reported (the last one says why).
      applier.discardFile();
      fatal ??= diagnostics.at(-1)?.message ?? 'bad unit file';
      continue;
    }
    const fileFatal = applier.endFile(diagnostics);
    fatal ??= fileFatal;
  }
  if (fatal !== null) return { ok: false, reason: fatal, diagnostics };
  finalizeUnit(config, applier.applied);
  const verdict = validateUnit(opts.name, config);
  if (verdict !== null) {
    diagnostics.push({ file: opts.name, line: 0, severity: 'error', message: verdict });
    return { ok: false, reason: verdict, diagnostics };
  }
  return { ok: true, config, applied: applier.applied, diagnostics };
}
