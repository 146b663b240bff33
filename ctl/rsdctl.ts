#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RpcError, RsdClient } from './client';
import { depDot, listUnits, status, table, type Properties, type UnitSummary } from './format';
import type { InstallVerb } from './install-verbs';
import { AS_SYSTEMCTL, HARMLESS_FLAGS, PROGRAM, versionText } from './personality';

/*
 * rsdctl: systemctl's verbs, flags and exit codes against a running rsd. The common read-only verbs take a
 * fast path that never loads yargs, so `rsdctl is-active x` starts nearly as fast as Node.
 */

const DEFAULT_SOCKET = '/run/rsd/rsd.sock';

/** The unit-file verbs load the install code (tens of milliseconds): only when one of them runs. */
const installVerbs = () => import('./install-verbs');

interface Common {
  socket: string;
  quiet: boolean;
  legend: boolean;
}

type Exit = number;

async function withClient<T>(socket: string, f: (c: RsdClient) => Promise<T>): Promise<T> {
  const c = await RsdClient.connect(socket);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

/** A repeatable option that also takes comma-separated lists (`-p A,B -p C`, `--type=service,socket`). */
function commaList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter((x) => x !== '');
}

/** systemctl adds `.service` to a name without a type suffix. */
function unitName(n: string): string {
  return /\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)$/.test(n) ||
    n.includes('*')
    ? n
    : `${n}.service`;
}

async function isActive(o: Common, units: string[], failed: boolean): Promise<Exit> {
  return withClient(o.socket, async (c) => {
    let hit = false;
    for (const u of units) {
      const s = await c.call<UnitSummary>('GetUnit', { unit: unitName(u) });
      if (!o.quiet) console.log(s.load === 'not-found' && !failed ? 'inactive' : s.active);
      if (failed ? s.active === 'failed' : s.active === 'active' || s.active === 'reloading') hit = true;
    }
    // systemctl: is-active exits 3 when none is active, is-failed 1 when none has failed.
    return hit ? 0 : failed ? 1 : 3;
  });
}

/** Job verbs and their methods; systemctl's older and alternative spellings included. */
const JOB_METHODS: Readonly<Record<string, string>> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  'try-restart': 'TryRestart',
  condrestart: 'TryRestart',
  reload: 'Reload',
  'reload-or-restart': 'ReloadOrRestart',
  'try-reload-or-restart': 'TryReloadOrRestart',
  'reload-or-try-restart': 'TryReloadOrRestart',
  'force-reload': 'TryReloadOrRestart',
  condreload: 'TryReloadOrRestart',
  isolate: 'Isolate',
};

async function job(o: Common, verb: string, units: string[], noBlock: boolean, mode?: string): Promise<Exit> {
  return withClient(o.socket, async (c) => {
    let code = 0;
    await Promise.all(
      units.map(async (u) => {
        const name = verb === 'isolate' && !u.includes('.') ? `${u}.target` : unitName(u);
        try {
          const r = await c.call<{ result?: string }>(JOB_METHODS[verb]!, {
            unit: name,
            noBlock,
            ...(mode !== undefined ? { mode } : {}),
          });
          if (r.result !== undefined && r.result !== 'done' && r.result !== 'skipped') {
            console.error(
              `Job for ${name} failed (result: ${r.result}).\nSee "${PROGRAM} status ${name}" for details.`,
            );
            code = 1;
          }
        } catch (e) {
          console.error(`Failed to ${verb} ${name}: ${e instanceof Error ? e.message : String(e)}`);
          code = e instanceof RpcError && e.code === -32001 ? 4 : 1;
        }
      }),
    );
    return code;
  });
}

async function show(
  o: Common,
  units: string[],
  props: string[],
  valueOnly: boolean,
  json = false,
): Promise<Exit> {
  return withClient(o.socket, async (c) => {
    for (const [i, u] of units.entries()) {
      const p = await c.call<Properties>('Show', { unit: unitName(u), properties: props });
      if (json) {
        console.log(JSON.stringify(p));
        continue;
      }
      if (i > 0) console.log('');
      for (const [k, v] of Object.entries(p)) console.log(valueOnly ? v : `${k}=${v}`);
    }
    return 0;
  });
}

async function statusVerb(o: Common, units: string[], lines = 10): Promise<Exit> {
  return withClient(o.socket, async (c) => {
    let code = 0;
    for (const [i, u] of units.entries()) {
      const p = await c.call<Properties>('Show', { unit: unitName(u) });
      if (p.LoadState === 'not-found') {
        console.error(`Unit ${p.Id} could not be found.`);
        code = Math.max(code, 4);
        continue;
      }
      if (i > 0) console.log('');
      for (const l of await status(p)) console.log(l);
      const recent = await c.call<{ lines: string[] }>('RecentLines', { unit: p.Id, lines });
      if (recent.lines.length > 0) console.log(['', ...recent.lines].join('\n'));
      if (p.ActiveState !== 'active' && p.ActiveState !== 'reloading') code = Math.max(code, 3);
    }
    return code;
  });
}

/**
 * `rsdctl run [options] COMMAND [ARGS...]`, like systemd-run: options end at the first word that is not
 * one, so the command's own options pass through untouched.
 */
async function run(argv: string[]): Promise<Exit> {
  let socket = process.env.RSD_SOCKET ?? DEFAULT_SOCKET;
  const params: Record<string, unknown> = { environment: [], properties: [] };
  const env = params.environment as string[];
  const props = params.properties as string[];
  let i = 0;
  let pipe = false;
  let quiet = false;
  const value = (a: string): string => {
    const eq = a.indexOf('=');
    if (eq >= 0) return a.slice(eq + 1);
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (name === '--socket') socket = value(a);
    else if (name === '--unit' || name === '-u') {
      const u = value(a);
      params.unit = u.includes('.') ? u : `${u}.service`;
    } else if (name === '--setenv' || name === '-E') env.push(value(a));
    else if (name === '--property' || name === '-p') props.push(value(a));
    else if (name === '--working-directory') params.workingDirectory = value(a);
    else if (name === '--uid') params.user = value(a);
    else if (name === '--gid') params.group = value(a);
    else if (name === '--description') params.description = value(a);
    else if (a === '--pipe' || a === '-P') pipe = true;
    else if (a === '--wait') params.wait = true;
    else if (a === '--quiet' || a === '-q') quiet = true;
    else throw new Error(`${PROGRAM} run: unknown option ${a}`);
  }
  const command = argv.slice(i);
  if (command.length === 0) throw new Error(`${PROGRAM} run: no command given`);
  params.command = command;
  let r: TransientResult;
  if (pipe) {
    // Like systemd-run --pipe: the service gets our stdin, stdout and stderr, and we wait for its end.
    const { callWithFds } = await import('./fd-client');
    r = callWithFds<TransientResult>(
      socket,
      'RunTransient',
      { ...params, stdin: 0, stdout: 1, stderr: 2, wait: true },
      [0, 1, 2],
    );
  } else r = await withClient(socket, (c) => c.call<TransientResult>('RunTransient', params));
  if (!quiet && !pipe) console.error(`Running as unit: ${r.unit}`);
  if (r.exitCode === undefined) return r.result === 'done' ? 0 : 1;
  if (!quiet) {
    console.error(`Finished with result: ${r.serviceResult ?? 'success'}`);
    console.error(`Main processes terminated with: code=${r.exitCode}/status=${r.exitStatus ?? 0}`);
  }
  // systemd-run --wait: the main process's exit status, or failure when it did not exit on its own.
  return r.exitCode === 'exited' ? (r.exitStatus ?? 0) : 1;
}

interface TransientResult {
  unit: string;
  result: string;
  serviceResult?: string;
  exitCode?: string;
  exitStatus?: number;
}

/** The verbs the fast path serves; anything else goes through the full (yargs) command line. */
async function fastPath(argv: string[]): Promise<Exit | null> {
  // `run` takes everything after its command verbatim: find it behind any leading --socket.
  let k = 0;
  const lead: string[] = [];
  while (k < argv.length && argv[k]!.startsWith('--socket')) {
    lead.push(argv[k]!);
    if (argv[k] === '--socket') lead.push(argv[++k] ?? '');
    k++;
  }
  if (argv[k] === 'run') return run([...lead, ...argv.slice(k + 1)]);
  if (argv[k] === 'logs' || argv[k] === 'journal') {
    const { logs } = await import('./logs');
    const sock =
      lead.find((a) => a.startsWith('--socket='))?.slice(9) ?? (lead[0] === '--socket' ? lead[1] : undefined);
    return logs(argv.slice(k + 1), sock ?? process.env.RSD_SOCKET ?? DEFAULT_SOCKET);
  }
  const o: Common = { socket: process.env.RSD_SOCKET ?? DEFAULT_SOCKET, quiet: false, legend: true };
  const rest: string[] = [];
  let lines = 10;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const n = /^(?:-n|--lines=?)(\d*)$/.exec(a);
    if (n) {
      const v = n[1] !== '' ? n[1] : argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) return null;
      lines = Number(v);
    } else if (a === '-q' || a === '--quiet') o.quiet = true;
    else if (HARMLESS_FLAGS.has(a)) continue;
    else if (a.startsWith('--socket=')) o.socket = a.slice('--socket='.length);
    else if (a === '--socket' && i + 1 < argv.length) o.socket = argv[++i]!;
    else if (a.startsWith('-')) return null;
    else rest.push(a);
  }
  const [verb, ...units] = rest;
  if (units.length === 0) return null;
  if (verb === 'is-active') return isActive(o, units, false);
  if (verb === 'is-failed') return isActive(o, units, true);
  if (verb === 'status') return statusVerb(o, units, lines);
  return null;
}

async function full(argv: string[]): Promise<Exit> {
  // yargs costs tens of milliseconds to load: only the verbs that need its parsing pay for it.
  const { default: yargs } = await import('yargs');
  let exit: Exit = 0;
  const set = (p: Promise<Exit>) => p.then((c) => void (exit = c));
  const common = (a: { socket?: string; quiet?: boolean; legend?: boolean }): Common => ({
    socket: a.socket ?? process.env.RSD_SOCKET ?? DEFAULT_SOCKET,
    quiet: a.quiet ?? false,
    legend: a.legend ?? true,
  });
  const parser = yargs(argv)
    .scriptName(PROGRAM)
    .version(false)
    .usage(
      AS_SYSTEMCTL
        ? '$0 [options] COMMAND ...: systemctl, served by rsd'
        : '$0 [options] COMMAND ...: control rsd, like systemctl',
    )
    .option('socket', { type: 'string', describe: 'rsd control socket (or RSD_SOCKET)' })
    .option('quiet', { alias: 'q', type: 'boolean' })
    // yargs reads --no-X as X=false, so the systemctl flags are declared by their positive names.
    .option('block', { type: 'boolean', default: true, describe: '--no-block: queue the job, do not wait' })
    .option('pager', { type: 'boolean', hidden: true })
    .option('legend', { type: 'boolean', default: true, describe: '--no-legend hides headers and footers' })
    .option('all', { alias: 'a', type: 'boolean', default: false })
    .option('type', { alias: 't', type: 'string' })
    .option('state', { type: 'string' })
    .option('property', { alias: 'p', type: 'string' })
    .option('value', { type: 'boolean', default: false })
    .option('signal', { alias: 's', type: 'string', default: 'SIGTERM' })
    .option('kill-whom', { type: 'string', choices: ['main', 'control', 'all'], default: 'all' })
    .option('reverse', { type: 'boolean', default: false })
    .option('lines', { alias: 'n', type: 'number', default: 10, describe: 'status: journal lines to show' })
    .option('after', {
      type: 'boolean',
      default: false,
      describe: 'list-dependencies: what it is ordered after',
    })
    .option('before', {
      type: 'boolean',
      default: false,
      describe: 'list-dependencies: what it is ordered before',
    })
    .option('root', {
      type: 'string',
      describe: 'Operate on the unit files under this directory, without rsd',
    })
    .option('runtime', { type: 'boolean', default: false })
    .option('force', { alias: 'f', type: 'boolean', default: false })
    .option('now', { type: 'boolean', default: false })
    .option('output', { alias: 'o', type: 'string', choices: ['short', 'json'], default: 'short' })
    .option('system', { type: 'boolean', describe: 'The system manager (the only one rsd is)' })
    .option('user', { type: 'boolean', hidden: true })
    .option('ask-password', { type: 'boolean', describe: '--no-ask-password: accepted; rsd never asks' })
    .option('full', { alias: 'l', type: 'boolean', describe: 'Accepted; nothing is truncated' })
    .option('warn', { type: 'boolean', hidden: true })
    .option('reload', {
      type: 'boolean',
      default: true,
      describe: '--no-reload: enable/disable do not reload rsd',
    })
    .option('failed', { type: 'boolean', default: false, describe: 'Same as --state=failed' })
    .option('job-mode', {
      type: 'string',
      choices: ['replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements', 'flush'],
    })
    .option('plain', { type: 'boolean', default: false, describe: 'list-dependencies as a flat list' })
    .command(
      Object.keys(JOB_METHODS).map((v) => `${v} <units..>`),
      'Run a job for each unit and wait for its result',
      () => {},
      (a) =>
        set(
          job(
            common(a),
            String(a._[0]),
            (a.units as string[]) ?? [],
            a.block === false,
            a['job-mode'] as string | undefined,
          ),
        ),
    )
    .command(
      'is-active <units..>',
      'Exit 0 if a unit is active, else 3',
      () => {},
      (a) => set(isActive(common(a), a.units as string[], false)),
    )
    .command(
      'is-failed <units..>',
      'Exit 0 if a unit has failed, else 1',
      () => {},
      (a) => set(isActive(common(a), a.units as string[], true)),
    )
    .command(
      'status <units..>',
      'Show a unit like systemctl status',
      () => {},
      (a) => set(statusVerb(common(a), a.units as string[], Number(a.lines ?? 10))),
    )
    .command(
      ['logs', 'journal'],
      'Show the journal, like journalctl (rsdctl logs --help)',
      () => {},
      () => {},
    )
    .command(
      'show <units..>',
      'Properties in systemctl show format',
      () => {},
      (a) =>
        set(
          show(common(a), a.units as string[], commaList(a.property), a.value === true, a.output === 'json'),
        ),
    )
    .command(
      'cat <units..>',
      'The unit files of a unit, drop-ins included',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            for (const u of a.units as string[]) {
              const r = await c.call<{ files: Array<{ path: string; text: string }> }>('Cat', {
                unit: unitName(u),
              });
              for (const f of r.files) console.log(`# ${f.path}\n${f.text.trimEnd()}\n`);
            }
            return 0;
          }),
        ),
    )
    .command(
      ['list-units [patterns..]', '$0'],
      'Units in memory',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            const units = await c.call<UnitSummary[]>('ListUnits', {
              all: a.all === true,
              types: commaList(a.type),
              states: [...commaList(a.state), ...(a.failed === true ? ['failed'] : [])],
              patterns: (a.patterns as string[] | undefined) ?? [],
            });
            if (a.output === 'json') console.log(JSON.stringify(units));
            else for (const l of listUnits(units, a.legend !== false, a.plain === true)) console.log(l);
            return 0;
          }),
        ),
    )
    .command(
      'is-system-running',
      'starting, running, degraded or stopping; exit 0 only when running',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            const { state } = await c.call<{ state: string }>('GetSystemState');
            if (a.quiet !== true) console.log(state);
            return state === 'running' ? 0 : 1;
          }).catch(() => {
            // As systemctl where no manager runs.
            if (a.quiet !== true) console.log('offline');
            return 1;
          }),
        ),
    )
    .command(
      'list-jobs',
      'Jobs waiting or running',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            const jobs =
              await c.call<Array<{ id: number; unit: string; type: string; state: string }>>('ListJobs');
            if (jobs.length === 0) console.log('No jobs running.');
            else
              for (const l of table(
                jobs.map((j) => [String(j.id), j.unit, j.type, j.state]),
                ['JOB', 'UNIT', 'TYPE', 'STATE'],
              ))
                console.log(l);
            return 0;
          }),
        ),
    )
    .command(
      'list-dependencies <unit>',
      'The dependency tree of a unit',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            type Node = { unit: string; active: string; cycle?: boolean; children: Node[] };
            const direction =
              a.reverse === true
                ? 'reverse'
                : a.after === true
                  ? 'after'
                  : a.before === true
                    ? 'before'
                    : 'forward';
            const root = await c.call<Node>('ListDependencies', {
              unit: unitName(String(a.unit)),
              direction,
              all: a.all === true,
            });
            const lines: string[] = [root.unit];
            // systemctl 252: the state dot, then the tree, "..." where a unit repeats on its own path;
            // --plain: each unit once, flat, nothing else.
            const printed = new Set<string>([root.unit]);
            const walk = (n: Node, prefix: string): void =>
              n.children.forEach((ch, i) => {
                const last = i === n.children.length - 1;
                if (a.plain === true) {
                  if (printed.has(ch.unit)) return;
                  printed.add(ch.unit);
                  lines.push(`  ${ch.unit}`);
                } else if (ch.cycle === true) lines.push(`  ${prefix}${last ? '└─' : '├─'}...`);
                else lines.push(`${depDot(ch.active)} ${prefix}${last ? '└─' : '├─'}${ch.unit}`);
                walk(ch, prefix + (last ? '  ' : '│ '));
              });
            walk(root, '');
            for (const l of lines) console.log(l);
            return 0;
          }),
        ),
    )
    .command(
      'kill <units..>',
      'Send a signal to the processes of units',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            for (const u of a.units as string[])
              await c.call('Kill', { unit: unitName(u), whom: a['kill-whom'], signal: a.signal });
            return 0;
          }),
        ),
    )
    .command(
      'reset-failed [units..]',
      'Forget failed states and start limits',
      () => {},
      (a) =>
        set(
          withClient(common(a).socket, async (c) => {
            const units = (a.units as string[] | undefined) ?? [];
            if (units.length === 0) await c.call('ResetFailed');
            for (const u of units) await c.call('ResetFailed', { unit: unitName(u) });
            return 0;
          }),
        ),
    )
    .command(
      ['daemon-reload', 'daemon-reexec'],
      'Re-read every unit file (daemon-reexec does the same)',
      () => {},
      (a) => set(withClient(common(a).socket, async (c) => (await c.call('DaemonReload'), 0))),
    )
    .command(
      'get-default',
      'The default target',
      () => {},
      (a) =>
        set(
          a.root !== undefined
            ? installVerbs().then((v) => v.runGetDefault(String(a.root)))
            : withClient(common(a).socket, async (c) => {
                console.log((await c.call<{ unit: string }>('GetDefault')).unit);
                return 0;
              }),
        ),
    )
    .command(
      ['enable <units..>', 'disable <units..>', 'reenable <units..>', 'mask <units..>', 'unmask <units..>'],
      "Change the unit files' links, as systemctl does (then rsd re-reads its units)",
      () => {},
      (a) =>
        set(
          (async () => {
            const verb = String(a._[0]) as InstallVerb;
            const units = a.units as string[];
            const o = common(a);
            const code = (await installVerbs()).runInstallVerb(verb, String(a.root ?? '/'), units, {
              runtime: a.runtime === true,
              quiet: o.quiet,
              force: a.force === true,
            });
            if (code !== 0 || a.root !== undefined || a.reload === false) return code;
            // Like systemctl: the manager re-reads its units; --now also starts or stops them.
            const reloaded = await withClient(
              o.socket,
              async (c) => (await c.call('DaemonReload'), true),
            ).catch(() => false);
            if (!reloaded || a.now !== true) return code;
            const jobVerb =
              verb === 'enable' || verb === 'reenable'
                ? 'start'
                : verb === 'disable' || verb === 'mask'
                  ? 'stop'
                  : null;
            return jobVerb ? job(o, jobVerb, units, false) : code;
          })(),
        ),
    )
    .command(
      'is-enabled <units..>',
      'Whether unit files are enabled',
      () => {},
      (a) =>
        set(
          installVerbs().then((v) =>
            v.runIsEnabled(String(a.root ?? '/'), a.units as string[], a.quiet === true),
          ),
        ),
    )
    .command(
      'list-unit-files [patterns..]',
      'Unit files and their enablement',
      () => {},
      (a) =>
        set(
          installVerbs().then((v) =>
            v.runListUnitFiles(String(a.root ?? '/'), (a.patterns as string[] | undefined) ?? []),
          ),
        ),
    )
    .command(
      'set-default <unit>',
      'Make default.target point at a target',
      () => {},
      (a) => set(installVerbs().then((v) => v.runSetDefault(String(a.root ?? '/'), String(a.unit)))),
    )
    .command(
      ['exit [code]', 'poweroff', 'reboot', 'halt'],
      'Stop every unit and end rsd',
      () => {},
      (a) =>
        set(
          withClient(
            common(a).socket,
            async (c) => (await c.call('Exit', { code: Number(a.code ?? 0), action: String(a._[0]) }), 0),
          ),
        ),
    )
    .completion('completion', `Print a bash/zsh completion script for ${PROGRAM}`)
    .demandCommand(1)
    .strict()
    .help()
    .fail((msg, err) => {
      // Thrown, so a bad command line never runs the command; main() reports it once.
      throw err ?? new Error(msg);
    });
  await parser.parseAsync();
  return exit;
}

async function main(): Promise<void> {
  // `rsdctl status | head`: a reader that goes away ends the output, not with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  if (argv.includes('--user')) {
    console.error(`${PROGRAM}: rsd is a system manager; --user is not supported.`);
    process.exitCode = 1;
    return;
  }
  if (argv.includes('--version')) {
    const pkg = JSON.parse(await readFile(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    console.log(versionText(pkg.version));
    return;
  }
  try {
    const fast = await fastPath(argv);
    process.exitCode = fast ?? (await full(argv));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = e instanceof RpcError && e.code === -32001 ? 4 : 1;
  }
}

void main();
