import { access, constants } from 'node:fs/promises';
import { prepareStdio, StdioSetupError, type OutputCapture, type PreparedStdio } from '../exec/stdio';
import type { ExecOptions, SpawnSpec } from '../exec/spawn';
import type { CgroupTarget, Rlimit, RlimitName } from '../exec/spawn-spec';
import { NO_UNIT_SANDBOX, sandboxOptions, type UnitSandbox } from '../exec/sandbox';
import { buildEnvironment } from '../exec/unit-environment';
import { groupsOfUser, lookupGroup, lookupUser, type UserEntry } from '../exec/users';
import type { ExecContext } from '../unit/table/exec-context';
import { expandExecVariables, type ExecCommand } from '../unit/values/command-line';

/** systemd's exit statuses for a stream it could not set up: 208/STDIN, 209/STDOUT, 222/STDERR. */
const STDIO_EXIT_STATUS = { stdin: 208, stdout: 209, stderr: 222 } as const;

/** systemd 252's fixed search path for a bare executable name in Exec*=. */
const EXEC_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

const LIMITS: ReadonlyArray<[keyof ExecContext & `Limit${string}`, RlimitName]> = [
  ['LimitCPU', 'CPU'],
  ['LimitFSIZE', 'FSIZE'],
  ['LimitDATA', 'DATA'],
  ['LimitSTACK', 'STACK'],
  ['LimitCORE', 'CORE'],
  ['LimitRSS', 'RSS'],
  ['LimitNOFILE', 'NOFILE'],
  ['LimitAS', 'AS'],
  ['LimitNPROC', 'NPROC'],
  ['LimitMEMLOCK', 'MEMLOCK'],
  ['LimitLOCKS', 'LOCKS'],
  ['LimitSIGPENDING', 'SIGPENDING'],
  ['LimitMSGQUEUE', 'MSGQUEUE'],
  ['LimitNICE', 'NICE'],
  ['LimitRTPRIO', 'RTPRIO'],
  ['LimitRTTIME', 'RTTIME'],
];

/** StandardInputText= lines (each ends in a newline) and StandardInputData= base64, in the order written. */
function inputData(exec: ExecContext): Buffer | undefined {
  if (exec.StandardInputText.length === 0 && exec.StandardInputData.length === 0) return undefined;
  const parts = [
    ...exec.StandardInputText.map((t) => Buffer.from(t + '\n')),
    ...exec.StandardInputData.map((d) => Buffer.from(d.replace(/\s+/g, ''), 'base64')),
  ];
  return Buffer.concat(parts);
}

/** Node's umask, read once: a service only needs the helper for UMask= when it differs. */
const MANAGER_UMASK = process.umask();

/** What a unit's processes run as, resolved at each start (a user may be created between starts). */
export interface Credentials {
  readonly user: UserEntry | null;
  readonly uid?: number;
  readonly gid?: number;
  readonly groups?: readonly number[];
}

export type Resolved<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly step: 'user' | 'group' };

/**
 * User=, Group=, SupplementaryGroups= to numbers. DynamicUser= is not supported: such a unit runs as
 * `nobody` (65534) and rsd says so (docs/exec.md).
 */
export function resolveCredentials(
  exec: ExecContext,
  warn: (m: string) => void,
): Resolved<Credentials> | Promise<Resolved<Credentials>> {
  // Most units name no user or group: nothing to look up, and no promise to make for it.
  if (exec.User === '' && exec.Group === '' && !exec.DynamicUser && exec.SupplementaryGroups.length === 0)
    return AS_MANAGER;
  return lookUpCredentials(exec, warn);
}

const AS_MANAGER: Resolved<Credentials> = { ok: true, value: { user: null } };

async function lookUpCredentials(
  exec: ExecContext,
  warn: (m: string) => void,
): Promise<Resolved<Credentials>> {
  let userName = exec.User;
  if (exec.DynamicUser && userName === '') {
    warn('DynamicUser= is not supported by rsd; running as the user nobody instead.');
    userName = 'nobody';
  }
  let user: UserEntry | null = null;
  if (userName !== '') {
    user = await lookupUser(userName);
    if (!user)
      return {
        ok: false,
        error: `Failed to determine user credentials: No such process (user ${userName})`,
        step: 'user',
      };
  }
  let gid = user?.gid;
  if (exec.Group !== '') {
    const g = await lookupGroup(exec.Group);
    if (!g)
      return {
        ok: false,
        error: `Failed to determine group credentials: No such process (group ${exec.Group})`,
        step: 'group',
      };
    gid = g.gid;
  }
  let groups: number[] | undefined;
  if (user || exec.SupplementaryGroups.length > 0) {
    groups = user ? await groupsOfUser(user.name) : [];
    for (const name of exec.SupplementaryGroups) {
      const g = await lookupGroup(name);
      if (!g) return { ok: false, error: `Failed to determine supplementary group ${name}`, step: 'group' };
      groups.push(g.gid);
    }
  }
  return { ok: true, value: { user, uid: user?.uid, gid, groups } };
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** A bare name is looked up in systemd's fixed search path; null when nothing executable is found. */
export async function resolveExecutable(path: string): Promise<string | null> {
  if (path.startsWith('/')) return path;
  for (const dir of EXEC_SEARCH_PATH) if (await isExecutable(`${dir}/${path}`)) return `${dir}/${path}`;
  return null;
}

export interface CommandInputs {
  readonly command: ExecCommand;
  readonly exec: ExecContext;
  readonly credentials: Credentials;
  readonly invocationId: string;
  /** MAINPID, SERVICE_RESULT, EXIT_CODE, EXIT_STATUS, ... */
  readonly managerSet: Readonly<Record<string, string>>;
  readonly cgroup: CgroupTarget | null;
  /** What the unit keeps for its sandbox (PrivateTmp= directories, PrivateNetwork= namespace). */
  readonly sandbox?: UnitSandbox | null;
  /** Takes each journal-bound output stream of the command. */
  readonly capture: OutputCapture;
  /** The main process of a service with a watchdog: WATCHDOG_PID is its own pid. */
  readonly watchdogPid?: boolean;
  /** Socket activation for the main process: fds for LISTEN_FDS, an accepted connection, their variables. */
  readonly sockets?: SocketHandover;
  /** Client-passed stdio (transient units); null entries keep the unit's own settings. */
  readonly stdioFds?: StdioFds | null;
}

/**
 * Descriptors a client passed for a transient unit's stdin, stdout and stderr (systemd's
 * StandardInputFileDescriptor= and friends): they replace what the unit's Standard*= settings would open.
 */
export type StdioFds = readonly [number | null, number | null, number | null];

export interface SocketHandover {
  readonly fds: readonly number[];
  readonly names: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The accepted connection of an Accept=yes instance (for StandardInput=socket). */
  readonly connection: number | null;
}

export type PreparedCommand =
  | {
      readonly ok: true;
      readonly spec: SpawnSpec;
      readonly stdio: PreparedStdio;
      readonly warnings: string[];
    }
  | { readonly ok: false; readonly error: string; readonly exitCode: number };

const rlimitValue = (n: number): number | 'infinity' => (n === Infinity ? 'infinity' : n);

function rlimits(exec: ExecContext): Partial<Record<RlimitName, Rlimit>> | undefined {
  let out: Partial<Record<RlimitName, Rlimit>> | undefined;
  // Indexed, no destructuring: run at every spawn, mostly before V8 has optimized it, where each
  // destructured pair and for-of step allocates.
  for (let i = 0; i < LIMITS.length; i++) {
    const limit = LIMITS[i]!;
    const v = exec[limit[0]] as { soft: number; hard: number } | null;
    if (v === null) continue;
    out ??= {};
    out[limit[1]] = { soft: rlimitValue(v.soft), hard: rlimitValue(v.hard) };
  }
  return out;
}

/**
 * Everything one Exec*= line needs to become a process: the executable, argv with $VAR expansion (unless
 * `:`), the environment, stdio, and the credentials, limits and cgroup the exec helper applies. The `+` and
 * `!` prefixes drop the user change, as systemd.service(5) says.
 */
export async function prepareCommand(i: CommandInputs): Promise<PreparedCommand> {
  const { command, exec } = i;
  const path = command.path.startsWith('/') ? command.path : await resolveExecutable(command.path);
  if (path === null) return { ok: false, error: `Executable ${command.path} not found`, exitCode: 203 };
  const privileged = command.flags.fullPrivileges || command.flags.noSetuid;
  const creds = privileged ? { user: null } : i.credentials;
  const envResult = await buildEnvironment({
    exec,
    user: creds.user,
    invocationId: i.invocationId,
    managerSet: { ...i.managerSet, ...(i.sockets?.env ?? {}) },
    managerEnv: process.env,
  });
  if (!envResult.ok) return { ok: false, error: envResult.error, exitCode: 226 };
  const env = envResult.env;
  const argv = command.flags.noEnvExpand ? command.argv : expandExecVariables([...command.argv], env);
  const options: ExecOptions = {};
  if (creds.uid !== undefined) options.uid = creds.uid;
  if (creds.gid !== undefined) options.gid = creds.gid;
  if (creds.groups !== undefined) options.groups = creds.groups;
  if (exec.UMask !== MANAGER_UMASK) options.umask = exec.UMask;
  const limits = rlimits(exec);
  if (limits) options.rlimits = limits;
  if (Object.hasOwn(exec, 'Nice')) options.nice = exec.Nice;
  if (Object.hasOwn(exec, 'OOMScoreAdjust')) options.oomScoreAdjust = exec.OOMScoreAdjust;
  if (i.cgroup !== null) options.cgroup = i.cgroup;
  if (i.watchdogPid) options.watchdogPid = true;
  const wd = exec.WorkingDirectory;
  if (wd.kind === 'path') options.workingDirectory = { path: wd.path, missingOk: wd.ignoreMissing };
  else if (wd.kind === 'home')
    options.workingDirectory = { path: creds.user?.home ?? '/root', missingOk: wd.ignoreMissing };
  // Otherwise the manager's own directory, which is / once it boots (as systemd's is).
  if (exec.RootDirectory !== '') options.rootDirectory = exec.RootDirectory;
  if (!command.flags.fullPrivileges)
    Object.assign(options, sandboxOptions(exec, i.sandbox ?? NO_UNIT_SANDBOX));

  let stdio: PreparedStdio;
  try {
    stdio = await prepareStdio(
      exec.StandardInput,
      exec.StandardOutput,
      exec.StandardError,
      i.capture,
      inputData(exec),
      i.sockets?.connection ?? null,
    );
  } catch (e) {
    if (!(e instanceof StdioSetupError)) throw e;
    return { ok: false, error: e.message, exitCode: STDIO_EXIT_STATUS[e.stream] };
  }
  const passed = i.stdioFds;
  const spec: SpawnSpec = {
    path,
    argv0: argv[0] ?? path,
    args: argv.slice(1),
    env: [...env].map(([k, v]) => `${k}=${v}`),
    stdio: passed
      ? [passed[0] ?? stdio.stdio[0], passed[1] ?? stdio.stdio[1], passed[2] ?? stdio.stdio[2]]
      : stdio.stdio,
    exec: options,
    ignoreSigpipe: exec.IgnoreSIGPIPE,
  };
  if (i.sockets && i.sockets.fds.length > 0) {
    spec.extraFds = i.sockets.fds;
    spec.listen = { names: i.sockets.names };
  }
  return { ok: true, spec, stdio, warnings: envResult.warnings };
}
