import type { UnitConfig } from '../unit/table';
import type { StandardOutput } from '../unit/table/parsers-exec';
import type { DependencyKind, EdgeOrigin } from './dependency-kinds';

/** One edge a unit's own configuration implies, beyond the dependency settings it names. */
export interface ImpliedEdge {
  readonly kind: DependencyKind;
  readonly other: string;
  readonly origin: EdgeOrigin;
}

export const SPECIAL = {
  sysinit: 'sysinit.target',
  basic: 'basic.target',
  sockets: 'sockets.target',
  shutdown: 'shutdown.target',
  journaldSocket: 'systemd-journald.socket',
  tmpfilesSetup: 'systemd-tmpfiles-setup.service',
  dbusSocket: 'dbus.socket',
} as const;

/** Outputs that make systemd order the unit after journald's socket (unit_add_exec_dependencies). */
const LOGGING_OUTPUTS: ReadonlySet<StandardOutput['kind']> = new Set([
  'journal',
  'journal+console',
  'kmsg',
  'kmsg+console',
  'syslog',
  'syslog+console',
]);

function edge(kind: DependencyKind, other: string, origin: EdgeOrigin): ImpliedEdge {
  return { kind, other, origin };
}

/** unit_add_exec_dependencies for the system manager, minus RequiresMountsFor= paths (no mount units yet). */
function execEdges(exec: {
  StandardOutput: StandardOutput;
  StandardError: StandardOutput;
  PrivateTmp: boolean;
}) {
  const out: ImpliedEdge[] = [];
  if (exec.PrivateTmp) out.push(edge('After', SPECIAL.tmpfilesSetup, 'file'));
  if (LOGGING_OUTPUTS.has(exec.StandardOutput.kind) || LOGGING_OUTPUTS.has(exec.StandardError.kind)) {
    out.push(edge('After', SPECIAL.journaldSocket, 'file'));
  }
  return out;
}

/** A socket's service, as socket.c's socket_add_extras finds it: Service= or the socket's own name. */
export function socketServiceName(id: string, config: Extract<UnitConfig, { type: 'socket' }>): string {
  if (config.Socket.Service !== '') return config.Socket.Service;
  return `${id.slice(0, id.lastIndexOf('.'))}.service`;
}

/**
 * The edges systemd 252 adds for a loaded unit of the system manager from its own configuration: the
 * type-specific extras (service.c service_add_extras, socket.c socket_add_extras, load-fragment.c Sockets=)
 * and, with DefaultDependencies=yes, the per-type default dependencies. A target's After= on the units it
 * pulls in depends on the other unit too and is added by the graph (see DependencyGraph).
 *
 * Left out on purpose: slice dependencies (Requires=/After= system.slice) and RequiresMountsFor= mount
 * dependencies, since rsd has no slice or mount units and a Requires= on a missing unit fails every start.
 */
export function impliedEdges(id: string, config: UnitConfig): ImpliedEdge[] {
  const dflt = config.Unit.DefaultDependencies;
  const out: ImpliedEdge[] = [];
  switch (config.type) {
    case 'service': {
      for (const sock of config.Service.Sockets) {
        out.push(edge('Wants', sock, 'file'), edge('After', sock, 'file'), edge('TriggeredBy', sock, 'file'));
      }
      out.push(...execEdges(config.Exec));
      if (dflt) {
        out.push(
          edge('Requires', SPECIAL.sysinit, 'default'),
          edge('After', SPECIAL.sysinit, 'default'),
          edge('After', SPECIAL.basic, 'default'),
          edge('Conflicts', SPECIAL.shutdown, 'default'),
          edge('Before', SPECIAL.shutdown, 'default'),
        );
      }
      if (config.Service.BusName !== '') {
        out.push(edge('Requires', SPECIAL.dbusSocket, 'file'), edge('After', SPECIAL.dbusSocket, 'file'));
      }
      break;
    }
    case 'socket': {
      // Accept=yes sockets spawn instances of a template per connection, so they trigger no fixed service.
      if (!config.Socket.Accept) {
        const service = socketServiceName(id, config);
        out.push(edge('Before', service, 'implicit'), edge('Triggers', service, 'implicit'));
      }
      const s = config.Socket;
      const hasExec =
        s.ExecStartPre.length + s.ExecStartPost.length + s.ExecStopPre.length + s.ExecStopPost.length > 0;
      if (hasExec) out.push(...execEdges(config.Exec));
      if (dflt) {
        out.push(
          edge('Before', SPECIAL.sockets, 'default'),
          edge('Requires', SPECIAL.sysinit, 'default'),
          edge('After', SPECIAL.sysinit, 'default'),
          edge('Conflicts', SPECIAL.shutdown, 'default'),
          edge('Before', SPECIAL.shutdown, 'default'),
        );
      }
      break;
    }
    case 'target': {
      if (dflt && id !== SPECIAL.shutdown) {
        out.push(edge('Conflicts', SPECIAL.shutdown, 'default'), edge('Before', SPECIAL.shutdown, 'default'));
      }
      break;
    }
    default:
      // Types rsd reads only [Unit] of: their own default dependencies come with their support.
      break;
  }
  return out.filter((e) => e.other !== id);
}
