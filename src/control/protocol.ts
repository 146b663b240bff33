/**
 * The control interface's contract (docs/ControlInterface.md): JSON-RPC 2.0, one JSON text per line, over a
 * unix stream socket. Shared by the server (src/control/) and the client (ctl/).
 */

export const DEFAULT_SOCKET = '/run/rsd/rsd.sock';

/** A line longer than this is refused with FRAME_TOO_LARGE and the connection is closed. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Error codes beyond JSON-RPC's own (-32700 parse error, -32600, -32601 no method, -32602 bad params). */
export const ErrorCode = {
  AccessDenied: -32001,
  NoSuchUnit: -32002,
  TransactionFailed: -32003,
  FrameTooLarge: -32004,
  NoSuchJob: -32005,
  Failed: -32006,
} as const;

/** Methods any user may call; the rest need root (or the configured group). */
export const READ_ONLY_METHODS = new Set([
  'ListUnits',
  'ListUnitFiles',
  'GetUnit',
  'Show',
  'Cat',
  'RecentLines',
  'IsEnabled',
  'GetDefault',
  'GetSystemState',
  'ListJobs',
  'ListDependencies',
  'Subscribe',
  'JournalQuery',
  'Ping',
]);

export type JobVerb =
  | 'start'
  | 'stop'
  | 'restart'
  | 'try-restart'
  | 'reload'
  | 'reload-or-restart'
  | 'try-reload-or-restart'
  | 'isolate';

export interface UnitSummary {
  readonly unit: string;
  readonly load: string;
  readonly active: string;
  readonly sub: string;
  readonly description: string;
}

/** A unit's properties as `systemctl show` names them; values already formatted as systemctl prints them. */
export type Properties = Record<string, string>;

export interface JobResult {
  readonly unit: string;
  readonly job: JobVerb;
  /** systemd's job result: done, failed, skipped, timeout, canceled, dependency, assert, unsupported. */
  readonly result: string;
}
