import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { transientUnitText } from './transient';
import { JSONRPCErrorException } from 'json-rpc-2.0';
import type { Manager } from '../engine/manager';
import type { DependencyKind } from '../graph/dependency-kinds';
import type { RequestJobType } from '../graph/job-types';
import type { LoadedUnit } from '../load/unit-loader';
import { parseSignal } from '../unit/values/signal';
import { toRecord } from '../journal/fields';
import { formatRecord } from '../journal/format';
import { unitPattern } from './journal-query';
import { asParams, oneOf, optBool, optNum, optStr, str, strList, type Params } from './params';
import { unitProperties } from './properties';
import { ErrorCode, type JobResult, type JobVerb, type Properties, type UnitSummary } from './protocol';

/** What every method gets besides its parameters. */
export interface MethodContext {
  readonly manager: Manager;
  /** systemctl's UnitFileState for a loaded unit. */
  readonly unitFileState: (unit: LoadedUnit) => string;
}

export type Method = (ctx: MethodContext, params: Params) => Promise<unknown> | unknown;

const JOB_TYPES: Record<JobVerb, RequestJobType> = {
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  'try-restart': 'try-restart',
  reload: 'reload',
  'reload-or-restart': 'reload-or-start',
  isolate: 'start',
};

function fail(code: number, message: string): JSONRPCErrorException {
  return new JSONRPCErrorException(message, code);
}

/** systemctl-style patterns: shell globs over unit names. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(
    '^' +
      glob
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
}

function summary(m: Manager, id: string): UnitSummary {
  const u = m.unit(id);
  const rt = m.runtime(id);
  return {
    unit: u.id,
    load: u.loadState,
    active: rt?.activeState ?? 'inactive',
    sub: rt?.subState ?? 'dead',
    description:
      u.loadState === 'loaded' && u.config.Unit.Description !== '' ? u.config.Unit.Description : u.id,
  };
}

async function runJob(ctx: MethodContext, p: Params, verb: JobVerb): Promise<JobResult | { queued: true }> {
  const unit = str(p, 'unit');
  const mode = verb === 'isolate' ? 'isolate' : 'replace';
  const pending = ctx.manager.request(unit, JOB_TYPES[verb], mode, true);
  if (optBool(p, 'noBlock')) {
    void pending;
    return { queued: true };
  }
  const r = await pending;
  if (!r.ok) throw fail(ErrorCode.TransactionFailed, r.error);
  return { unit: ctx.manager.unit(unit).id, job: verb, result: r.outcome };
}

const DEPENDENCY_KINDS_FORWARD: readonly DependencyKind[] = [
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'PartOf',
  'Upholds',
];
const DEPENDENCY_KINDS_REVERSE: readonly DependencyKind[] = [
  'RequiredBy',
  'RequisiteOf',
  'WantedBy',
  'BoundBy',
  'ConsistsOf',
  'UpheldBy',
];

/** Every method of the API, by name (docs/ControlInterface.md). */
export const METHODS: Readonly<Record<string, Method>> = {
  Ping: () => ({ pong: true }),

  ListUnits: (ctx, p) => {
    const all = optBool(p, 'all');
    const types = strList(p, 'types');
    const states = strList(p, 'states');
    const patterns = strList(p, 'patterns').map(globToRegExp);
    return ctx.manager
      .knownUnits()
      .map((id) => summary(ctx.manager, id))
      .filter(
        (s) =>
          all ||
          states.length > 0 ||
          (s.active !== 'inactive' && s.load === 'loaded') ||
          s.active === 'failed',
      )
      .filter((s) => types.length === 0 || types.includes(s.unit.slice(s.unit.lastIndexOf('.') + 1)))
      .filter(
        (s) =>
          states.length === 0 ||
          states.includes(s.active) ||
          states.includes(s.sub) ||
          states.includes(s.load),
      )
      .filter((s) => patterns.length === 0 || patterns.some((re) => re.test(s.unit)))
      .sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  },

  GetUnit: (ctx, p) => summary(ctx.manager, str(p, 'unit')),

  Show: (ctx, p): Properties => {
    const props = unitProperties(ctx.manager, str(p, 'unit'), ctx.unitFileState);
    const wanted = strList(p, 'properties');
    if (wanted.length === 0) return props;
    const out: Properties = {};
    for (const k of wanted) out[k] = props[k] ?? '';
    return out;
  },

  RecentLines: async (ctx, p) => {
    const unit = ctx.manager.unit(str(p, 'unit')).id;
    const n = optNum(p, 'lines') ?? 10;
    const journal = ctx.manager.journal;
    if (!journal) return { lines: ctx.manager.recentLines(unit).slice(-n) };
    const lines: string[] = [];
    await journal.query({ units: [unitPattern(unit)] }, { lines: Math.max(0, Math.floor(n)) }, (e) => {
      lines.push(formatRecord(toRecord(e), 'short'));
    });
    return { lines };
  },

  Cat: async (ctx, p) => {
    const u = ctx.manager.unit(str(p, 'unit'));
    if (!u.source?.fragmentPath) throw fail(ErrorCode.NoSuchUnit, `No files found for ${u.id}.`);
    const files = [u.source.fragmentPath, ...u.source.dropInPaths];
    const parts = await Promise.all(
      files.map(async (f) => ({
        path: f,
        text: await readFile(f, 'utf8').catch((e: NodeJS.ErrnoException) => `# ${e.code}\n`),
      })),
    );
    return { files: parts };
  },

  Start: (ctx, p) => runJob(ctx, p, 'start'),
  Stop: (ctx, p) => runJob(ctx, p, 'stop'),
  Restart: (ctx, p) => runJob(ctx, p, 'restart'),
  TryRestart: (ctx, p) => runJob(ctx, p, 'try-restart'),
  Reload: (ctx, p) => runJob(ctx, p, 'reload'),
  ReloadOrRestart: (ctx, p) => runJob(ctx, p, 'reload-or-restart'),
  Isolate: (ctx, p) => runJob(ctx, p, 'isolate'),

  Kill: async (ctx, p) => {
    const unit = str(p, 'unit');
    const whom = oneOf(p, 'whom', ['main', 'control', 'all'] as const, 'all');
    const sig = parseSignal(optStr(p, 'signal') ?? 'SIGTERM');
    if (!sig.ok) throw fail(-32602, `'signal': ${sig.error}`);
    return { signalled: await ctx.manager.kill(unit, whom, sig.value) };
  },

  ResetFailed: (ctx, p) => {
    const unit = optStr(p, 'unit');
    for (const id of unit ? [unit] : ctx.manager.knownUnits()) ctx.manager.resetFailed(id);
    return {};
  },

  DaemonReload: (ctx) => {
    ctx.manager.reload();
    return {};
  },

  ListJobs: (ctx) => ctx.manager.listJobs(),

  CancelJob: (ctx, p) => {
    const id = p.id;
    if (typeof id !== 'number') throw fail(-32602, "'id' must be a number");
    if (!ctx.manager.cancelJob(id))
      throw fail(ErrorCode.NoSuchJob, `Job ${id} does not exist or is already running.`);
    return {};
  },

  ListDependencies: (ctx, p) => {
    const unit = ctx.manager.unit(str(p, 'unit')).id;
    const kinds = optBool(p, 'reverse') ? DEPENDENCY_KINDS_REVERSE : DEPENDENCY_KINDS_FORWARD;
    const depth = typeof p.depth === 'number' ? p.depth : 8;
    type Node = { unit: string; active: string; children: Node[] };
    const seen = new Set<string>([unit]);
    const walk = (id: string, level: number): Node => {
      const children: Node[] = [];
      if (level < depth) {
        const deps = [...new Set(kinds.flatMap((k) => ctx.manager.dependencies(id, k)))].sort();
        for (const d of deps) {
          if (seen.has(d)) continue;
          seen.add(d);
          children.push(walk(d, level + 1));
        }
      }
      return { unit: id, active: ctx.manager.runtime(id)?.activeState ?? 'inactive', children };
    };
    return walk(unit, 0);
  },

  GetDefault: (ctx) => {
    const u = ctx.manager.unit('default.target');
    return { unit: u.id };
  },

  RunTransient: async (ctx, p) => {
    const command = strList(p, 'command');
    if (command.length === 0) throw fail(-32602, "'command' must be a non-empty list of strings");
    const unit = optStr(p, 'unit') ?? `run-r${randomBytes(8).toString('hex')}.service`;
    if (!/\.service$/.test(unit)) throw fail(-32602, "'unit' must name a .service");
    if (ctx.manager.runtime(unit)?.activeState === 'active')
      throw fail(ErrorCode.Failed, `Unit ${unit} is already running.`);
    const text = transientUnitText({
      description: optStr(p, 'description') ?? command.join(' '),
      command,
      env: strList(p, 'environment'),
      cwd: optStr(p, 'workingDirectory'),
      user: optStr(p, 'user'),
      group: optStr(p, 'group'),
      properties: strList(p, 'properties'),
    });
    const u = ctx.manager.defineTransient(unit, text);
    if (u.loadState !== 'loaded')
      throw fail(
        ErrorCode.Failed,
        `Bad transient unit ${unit}: ${u.diagnostics.map((d) => d.message).join('; ')}`,
      );
    const r = await ctx.manager.request(unit, 'start', 'replace', true);
    if (!r.ok) throw fail(ErrorCode.TransactionFailed, r.error);
    return { unit, result: r.outcome };
  },

  Exit: (ctx, p) => {
    const code = typeof p.code === 'number' ? p.code : 0;
    // After this answer is on its way: the exit closes every connection.
    setImmediate(() => ctx.manager.requestExit(code));
    return {};
  },
};

export function callMethod(name: string, ctx: MethodContext, params: unknown): Promise<unknown> | unknown {
  const m = METHODS[name];
  if (!m) throw fail(-32601, `Method not found: ${name}`);
  return m(ctx, asParams(params));
}
