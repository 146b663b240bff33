import { prepareCommand, type CommandInputs } from './command-spec';
import type { ProcessEnd } from './service-result';
import type { UnitContext } from './unit-runtime';

/** How one command ended: it ran and ended, or it never became a process (an exit status says why). */
export type CommandEnd =
  { kind: 'ended'; end: ProcessEnd } | { kind: 'not-started'; error: string; exitCode: number };

export interface CommandHooks {
  /**
   * Called once the command is prepared, before the spawn, and again when a queued spawn's turn comes; may
   * throw to abandon it (a newer job came).
   */
  readonly beforeSpawn?: () => void;
  /** Called in the tick the process was spawned in (so a stop that comes later can find it). */
  readonly spawned: (pid: number) => void;
}

/**
 * Runs one control command (ExecStartPre= and friends, of a service or a socket) to its end: prepares it,
 * spawns it, watches its exit. What was wrong is logged against `unitId`; the caller decides what the end
 * means for its unit.
 */
export async function runCommand(
  ctx: UnitContext,
  unitId: string,
  inputs: Omit<CommandInputs, 'capture'>,
  hooks: CommandHooks,
): Promise<CommandEnd> {
  let pid = 0;
  const prepared = await prepareCommand({
    ...inputs,
    capture: (pipe, _stream, kind) =>
      ctx.captureOutput(unitId, pipe, kind, {
        path: inputs.command.path,
        pid: () => pid,
        uid: inputs.credentials.uid ?? 0,
        logging: inputs.exec,
      }),
  });
  hooks.beforeSpawn?.();
  if (!prepared.ok) {
    ctx.log.error(prepared.error, unitId);
    return { kind: 'not-started', error: prepared.error, exitCode: prepared.exitCode };
  }
  for (const w of prepared.warnings) ctx.log.warn(w, unitId);
  let abandonedBy: unknown = null;
  const abandoned = (): boolean => {
    try {
      hooks.beforeSpawn?.();
      return false;
    } catch (e) {
      abandonedBy = e;
      return true;
    }
  };
  const r = await ctx.spawn({ ...prepared.spec, abandoned });
  prepared.stdio.afterSpawn();
  if (r.kind === 'abandoned') throw abandonedBy;
  if (r.kind === 'failed') {
    ctx.log.error(`Failed to spawn ${inputs.command.path}: ${r.failure.errnoName}`, unitId);
    return { kind: 'not-started', error: r.failure.errnoName, exitCode: r.failure.exitCode ?? 203 };
  }
  pid = r.pid;
  const end = new Promise<ProcessEnd>((resolve) =>
    ctx.watchPid(r.pid, (exit) =>
      resolve(
        exit.kind === 'exited'
          ? { kind: 'exited', status: exit.code }
          : { kind: 'killed', signal: exit.signal, coreDumped: exit.coreDumped },
      ),
    ),
  );
  hooks.spawned(r.pid);
  return { kind: 'ended', end: await end };
}
