import { randomBytes } from 'node:crypto';
import { shutdownKindOf } from '../engine/shutdown-request';
import { readFile } from 'node:fs/promises';
import { transientUnitText } from './transient';
import type { RequestFds } from './request-fds';
import type { StdioFds } from '../engine/command-spec';
import { DEPENDENCY_DIRECTIONS, dependencyTree } from './dependency-tree';
import { JSONRPCErrorException } from 'json-rpc-2.0';
import type { Manager } from '../engine/manager';
import type { RequestJobType } from '../graph/job-types';
import type { JobMode } from '../graph/transaction';
import type { LoadedUnit } from '../load/unit-loader';
import { parseSignal } from '../unit/values/signal';
import { asParams, oneOf, optBool, optNum, optStr, str, strList, type Params } from './params';
import { unitProperties } from './properties';
import { ErrorCode, type JobResult, type JobVerb, type Properties, type UnitSummary } from './protocol';

/** What every method gets besides its parameters. */
export interface MethodContext {
  readonly manager: Manager;
  /** systemctl's UnitFileState for a loaded unit. */
  readonly unitFileState: (unit: LoadedUnit) => Promise<string>;
}

export type Method = (ctx: MethodContext, params: Params, fds: RequestFds) => Promise<unknown> | unknown;

const JOB_TYPES: Record<JobVerb, RequestJobType> = {
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  'try-restart': 'try-restart',
  reload: 'reload',
  'reload-or-restart': 'reload-or-start',
  'try-reload-or-restart': 'try-reload',
  isolate: 'start',
};

/** systemd's job modes a client may ask for (systemctl --job-mode=). */
const JOB_MODES: readonly JobMode[] = [
  'replace',
  'fail',
  'isolate',
  'ignore-dependencies',
  'ignore-requirements',
  'flush',
  'replace-irreversibly',
];

/** ReloadOrRestartUnit(): a unit that cannot reload is restarted instead (try-: only when running). */
function jobType(ctx: MethodContext, unit: string, verb: JobVerb): RequestJobType {
  if (verb === 'reload-or-restart' && !ctx.manager.canReload(unit)) return 'restart';
  if (verb === 'try-reload-or-restart' && !ctx.manager.canReload(unit)) return 'try-restart';
  return JOB_TYPES[verb];
}

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
  const mode = verb === 'isolate' ? 'isolate' : oneOf(p, 'mode', JOB_MODES, 'replace');
  const pending = ctx.manager.request(unit, jobType(ctx, unit, verb), mode, true);
  if (optBool(p, 'noBlock')) {
    void pending;
    return { queued: true };
  }
  const r = await pending;
  if (!r.ok) throw fail(ErrorCode.TransactionFailed, r.error);
  return { unit: ctx.manager.unit(unit).id, job: verb, result: r.outcome };
}

const STDIO_KEYS = ['StandardInput', 'StandardOutput', 'StandardError'] as const;

/** systemd's CLD_* names for ExecMainCode (1 exited, 2 killed, 3 dumped). */
const EXEC_MAIN_CODES: Readonly<Record<number, string>> = { 1: 'exited', 2: 'killed', 3: 'dumped' };

/** `stdin`/`stdout`/`stderr`: indexes into the fds sent with the request (the fd transport). */
function passedStdio(p: Params, fds: RequestFds): StdioFds | null {
  const keys = ['stdin', 'stdout', 'stderr'] as const;
  if (keys.every((k) => p[k] === undefined)) return null;
  const picked = keys.map((k) => {
    const i = optNum(p, k);
    if (i === undefined) return null;
    const fd = fds.take(i);
    if (fd === undefined)
      throw fail(-32602, `'${k}' names fd ${i}, but the request brought ${fds.count} (use the .fds socket)`);
    return fd;
  });
  return [picked[0] ?? null, picked[1] ?? null, picked[2] ?? null];
}

/** Resolves once the unit has been up and is inactive or failed again; `cancel` stops watching. */
function untilDown(m: Manager, unit: string): { done: Promise<void>; cancel: () => void } {
  let off = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    let seenUp = false;
    off = m.subscribe((c) => {
      if (c.unit !== unit) return;
      if (c.activeState !== 'inactive' && c.activeState !== 'failed') seenUp = true;
      else if (seenUp) {
        off();
        resolve();
      }
    });
  });
  return { done, cancel: () => off() };
}

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

  GetSystemState: (ctx) => ({ state: ctx.manager.systemState() }),

  GetUnit: (ctx, p) => summary(ctx.manager, str(p, 'unit')),

  Show: async (ctx, p): Promise<Properties> => {
    const name = str(p, 'unit');
    const props = unitProperties(ctx.manager, name, await ctx.unitFileState(ctx.manager.unit(name)));
    const wanted = strList(p, 'properties');
    if (wanted.length === 0) return props;
    const out: Properties = {};
    for (const k of wanted) out[k] = props[k] ?? '';
    return out;
  },

  RecentLines: (ctx, p) => ({ lines: ctx.manager.recentLines(str(p, 'unit')) }),

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
  TryReloadOrRestart: (ctx, p) => runJob(ctx, p, 'try-reload-or-restart'),
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
    const fallback = optBool(p, 'reverse') ? 'reverse' : 'forward';
    return dependencyTree(
      ctx.manager,
      unit,
      oneOf(p, 'direction', DEPENDENCY_DIRECTIONS, fallback),
      optBool(p, 'all'),
    );
  },

  GetDefault: (ctx) => {
    const u = ctx.manager.unit('default.target');
    return { unit: u.id };
  },

  RunTransient: async (ctx, p, fds) => {
    const command = strList(p, 'command');
    if (command.length === 0) throw fail(-32602, "'command' must be a non-empty list of strings");
    const unit = optStr(p, 'unit') ?? `run-r${randomBytes(8).toString('hex')}.service`;
    if (!/\.service$/.test(unit)) throw fail(-32602, "'unit' must name a .service");
    if (ctx.manager.runtime(unit)?.activeState === 'active')
      throw fail(ErrorCode.Failed, `Unit ${unit} is already running.`);
    const stdio = passedStdio(p, fds);
    const text = transientUnitText({
      description: optStr(p, 'description') ?? command.join(' '),
      command,
      env: strList(p, 'environment'),
      cwd: optStr(p, 'workingDirectory'),
      user: optStr(p, 'user'),
      group: optStr(p, 'group'),
      // What the passed fds replace opens nothing of its own.
      properties: [
        ...strList(p, 'properties'),
        ...STDIO_KEYS.filter((_, k) => stdio?.[k] != null).map((key) => `${key}=null`),
      ],
    });
    const u = ctx.manager.defineTransient(unit, text, stdio);
    if (u.loadState !== 'loaded') {
      ctx.manager.releaseTransientStdio(unit);
      throw fail(
        ErrorCode.Failed,
        `Bad transient unit ${unit}: ${u.diagnostics.map((d) => d.message).join('; ')}`,
      );
    }
    const finished = optBool(p, 'wait') ? untilDown(ctx.manager, unit) : null;
    const r = await ctx.manager.request(unit, 'start', 'replace', true);
    if (!r.ok || r.outcome !== 'done') {
      finished?.cancel();
      ctx.manager.releaseTransientStdio(unit);
      if (!r.ok) throw fail(ErrorCode.TransactionFailed, r.error);
    }
    if (finished === null || !r.ok || r.outcome !== 'done')
      return { unit, result: r.ok ? r.outcome : 'failed' };
    await finished.done;
    const props = ctx.manager.runtime(unit)?.properties() ?? {};
    return {
      unit,
      result: r.outcome,
      serviceResult: ctx.manager.runtime(unit)?.result ?? 'success',
      exitCode: EXEC_MAIN_CODES[Number(props.ExecMainCode ?? 0)] ?? 'exited',
      exitStatus: Number(props.ExecMainStatus ?? 0),
    };
  },

  Exit: (ctx, p) => {
    const code = typeof p.code === 'number' ? p.code : 0;
    // halt, poweroff, reboot: an init outside a container ends the machine so (docs/pid1.md).
    const kind = typeof p.action === 'string' ? shutdownKindOf(p.action) : null;
    // After this answer is on its way: the exit closes every connection.
    setImmediate(() => ctx.manager.requestShutdown(kind ?? 'exit', code));
    return {};
  },
};

export function callMethod(
  name: string,
  ctx: MethodContext,
  params: unknown,
  fds: RequestFds,
): Promise<unknown> | unknown {
  const m = METHODS[name];
  if (!m) throw fail(-32601, `Method not found: ${name}`);
  return m(ctx, asParams(params), fds);
}
