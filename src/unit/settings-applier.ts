import { AppliedSettings, type AppliedLog } from './applied-settings';
import type { Diagnostic } from './diagnostic';
import type { LexSink } from './lexer';
import type { ParseOptions } from './parse-unit';
import { BLOCK_NAMES, isSupportedType, sectionTables, UNSUPPORTED_SECTION, type FoundRow } from './table';
import type { KeyTable } from './table/key-table';
import type { ValueContext } from './table/row';

/** Settings whose bad value fails the unit in systemd 252 (their parsers return -ENOEXEC). */
const FATAL_WHEN_BAD = new Set(['User', 'Group', 'WorkingDirectory']);

const X_DASH = 'X-';

/**
 * Applies each assignment to a unit's configuration as the lexer reads it, through the directive table: an
 * unknown section or key, or a bad value, is reported at `file:line` and skipped. It is also the context the
 * value parsers get (ValueContext).
 *
 * The lexer calls in for every line of every unit, also while the code still runs unoptimized (the first
 * loads after start), so an assignment makes no object of its own: its key is looked up in the section's
 * table straight from the line, and it is recorded as a row and a line number.
 */
export class SettingsApplier implements LexSink, ValueContext {
  readonly applied: AppliedSettings;
  /** The applied settings' log, written here directly: a call per assignment costs in unoptimized code. */
  private readonly log: AppliedLog = [];
  private file = '';
  /** The section being read, and its rows (undefined: a section whose keys are skipped). */
  private sectionName = '';
  private rows: KeyTable<FoundRow> | undefined = undefined;
  /** The current file's complaints, in systemd's order: sections first, then settings. */
  private sectionDiagnostics: Diagnostic[] = [];
  private settingDiagnostics: Diagnostic[] = [];
  private fileFatal: string | null = null;
  /** The assignment being parsed, for the warnings a value parser reports. */
  private line = 0;
  private key = '';
  readonly unitName: string;
  readonly expand: ValueContext['expand'];
  /** The type's sections; unsupported types read only the sections every type has, which are a target's. */
  private readonly sections: ReadonlyMap<string, KeyTable<FoundRow>>;
  private readonly unsupportedSection: string | null;

  /** The unit's blocks by their index in BLOCK_NAMES (undefined: a block its type does not have). */
  private readonly blocks: Array<Record<string, unknown> | undefined>;

  constructor(opts: ParseOptions, config: Record<string, Record<string, unknown> | undefined>) {
    // Looked up by name once per unit, not once per assignment: a unit's config is one of several shapes.
    this.blocks = BLOCK_NAMES.map((b) => config[b]);
    this.applied = new AppliedSettings(opts.type, this.log);
    const supported = isSupportedType(opts.type);
    this.sections = sectionTables(supported ? opts.type : 'target');
    this.unsupportedSection = supported ? null : UNSUPPORTED_SECTION[opts.type];
    this.unitName = opts.name;
    this.expand = opts.expand;
  }

  /** A value parser's warning about the assignment being parsed. */
  warn(message: string): void {
    this.settingDiagnostics.push({
      file: this.file,
      line: this.line,
      severity: 'warning',
      message: `${this.key}=: ${message}`,
    });
  }

  startFile(path: string): void {
    this.file = path;
    this.sectionName = '';
    this.rows = undefined;
    this.fileFatal = null;
    this.log.push(path);
  }

  /** Hands over the file's complaints; returns why the unit must fail, or null. */
  endFile(diagnostics: Diagnostic[]): string | null {
    if (this.sectionDiagnostics.length > 0) diagnostics.push(...this.sectionDiagnostics);
    if (this.settingDiagnostics.length > 0) diagnostics.push(...this.settingDiagnostics);
    this.discardFile();
    return this.fileFatal;
  }

  /** Drops the file's complaints, for a file systemd refuses whole. */
  discardFile(): void {
    if (this.sectionDiagnostics.length > 0) this.sectionDiagnostics = [];
    if (this.settingDiagnostics.length > 0) this.settingDiagnostics = [];
  }

  section(name: string, line: number): void {
    this.sectionName = name;
    const skipped = name.startsWith(X_DASH) || name === this.unsupportedSection;
    this.rows = skipped ? undefined : this.sections.get(name);
    if (!skipped && this.rows === undefined) {
      this.sectionDiagnostics.push({
        file: this.file,
        line,
        severity: 'warning',
        message: `Unknown section '${name}'. Ignoring.`,
      });
    }
  }

  assignment(text: string, keyStart: number, keyEnd: number, value: string, line: number): void {
    const rows = this.rows;
    // `X-` keys are kept but ignored; the first character settles it for nearly every key, without a call.
    if (rows === undefined || (text.charCodeAt(keyStart) === 0x58 && text.startsWith(X_DASH, keyStart)))
      return;
    const found = rows.getAt(text, keyStart, keyEnd);
    if (found === undefined) {
      this.settingDiagnostics.push({
        file: this.file,
        line,
        severity: 'warning',
        message: `Unknown key '${text.slice(keyStart, keyEnd)}' in section [${this.sectionName}], ignoring.`,
      });
      return;
    }
    this.log.push(found, line);
    if (found.ignored) return;
    const targets = found.targets;
    const blocks = this.blocks;
    if (value === '' && found.emptyResets) {
      for (let t = 0; t < targets.length; t++) {
        const dest = blocks[targets[t]!.blockIndex];
        if (dest !== undefined) delete dest[targets[t]!.field];
      }
      return;
    }
    this.line = line;
    this.key = found.key;
    const parsed = found.parse(value, this);
    if (!parsed.ok) {
      const isFatal = ('fatal' in parsed && parsed.fatal) || FATAL_WHEN_BAD.has(found.key);
      this.settingDiagnostics.push({
        file: this.file,
        line,
        severity: isFatal ? 'error' : 'warning',
        message: `Failed to parse ${found.key}= value, ignoring: ${value} (${parsed.error})`,
      });
      if (isFatal) this.fileFatal ??= 'Unit configuration has fatal error, unit will not be started.';
      return;
    }
    for (let t = 0; t < targets.length; t++) {
      const { blockIndex, field } = targets[t]!;
      const dest = blocks[blockIndex];
      if (dest === undefined) continue;
      if (!found.isList) dest[field] = parsed.value;
      else {
        // A list is replaced, never changed in place (the default on the prototype is shared and frozen).
        const had = dest[field] as unknown[];
        dest[field] = had.length === 0 ? parsed.value : had.concat(parsed.value);
      }
    }
  }
}
