import { chmod, chown, mkdir, readFile, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0';
import type { Manager } from '../engine/manager';
import type { Log } from '../log';
import { peerCredentials } from '../native/peercred';
import { callMethod, METHODS, type MethodContext } from './methods';
import { UnitFileStates } from './unit-file-state';
import { FdTransport, type FdRequest } from './fd-transport';
import { RequestFds } from './request-fds';
import { fault } from '../pid1/fault';
import { ErrorCode, MAX_FRAME_BYTES, READ_ONLY_METHODS } from './protocol';

/** Who is on the other end of a connection, as SO_PEERCRED says. */
interface Connection {
  readonly uid: number;
  readonly gid: number;
  /** Root, or a member (primary or supplementary) of AdminGroup=; settled once per connection. */
  readonly privileged: Promise<boolean>;
  /** The stream connection; null for a request on the fd transport, which has no notifications. */
  readonly socket: Socket | null;
  /** What came with the request (the fd transport's SCM_RIGHTS). */
  readonly fds: RequestFds;
  unsubscribe: (() => void) | null;
}

const NO_FDS = new RequestFds([]);

/** The fd transport's socket beside the stream socket (docs/ControlInterface.md). */
export const fdSocketPath = (controlPath: string): string => `${controlPath}.fds`;

export interface ControlServerOptions {
  readonly path: string;
  readonly manager: Manager;
  readonly log: Log;
  /** Members of this group (by gid) may call every method, not only the read-only ones. */
  readonly adminGid?: number;
  /** The directories units are loaded from: UnitFileState is judged against them. */
  readonly searchPath: readonly string[];
}

/** A client that stops reading is cut off once this much output waits for it. */
const MAX_PENDING_OUTPUT = 16 * 1024 * 1024;

/**
 * The JSON-RPC 2.0 server on rsd's unix socket (docs/ControlInterface.md): one JSON text per line, any number
 * of requests per connection, batches, and UnitChanged notifications for subscribers. Nothing a client
 * sends can stop rsd: bad frames get JSON-RPC errors, a line over MAX_FRAME_BYTES closes that connection.
 */
export class ControlServer {
  private readonly rpc = new JSONRPCServer<Connection>();
  private readonly connections = new Set<Socket>();
  private readonly fileStates: UnitFileStates;
  private fdTransport: FdTransport | null = null;

  private constructor(
    private readonly opts: ControlServerOptions,
    private readonly server: Server,
  ) {
    this.fileStates = new UnitFileStates(opts.searchPath);
    const ctx: MethodContext = { manager: opts.manager, unitFileState: (u) => this.fileStates.of(u) };
    for (const name of Object.keys(METHODS)) {
      this.rpc.addMethod(name, async (params, conn) => {
        await this.authorize(name, conn);
        fault('control', name);
        return callMethod(name, ctx, params, conn.fds);
      });
    }
    this.rpc.addMethod('Subscribe', (_params, conn) => {
      const socket = conn.socket;
      if (socket === null)
        throw new JSONRPCErrorException('Subscribe needs the stream socket', ErrorCode.Failed);
      conn.unsubscribe ??= opts.manager.subscribe((change) =>
        this.send(socket, { jsonrpc: '2.0', method: 'UnitChanged', params: change }),
      );
      return {};
    });
    this.rpc.mapErrorToJSONRPCErrorResponse = (id, error: unknown) => {
      if (error instanceof JSONRPCErrorException) return { jsonrpc: '2.0', id, error: error.toObject() };
      opts.log.error(
        `Control request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return {
        jsonrpc: '2.0',
        id,
        error: { code: ErrorCode.Failed, message: error instanceof Error ? error.message : String(error) },
      };
    };
  }

  static async listen(opts: ControlServerOptions): Promise<ControlServer> {
    await mkdir(dirname(opts.path), { recursive: true, mode: 0o755 });
    await unlink(opts.path).catch(() => undefined);
    const server = createServer();
    const cs = new ControlServer(opts, server);
    server.on('connection', (s) => cs.accept(s));
    server.on('error', (e) => opts.log.error(`Control socket error: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // systemd's SOMAXCONN (the kernel caps it at net.core.somaxconn): Node's 511 refuses a burst of
      // clients with EAGAIN while the loop is busy, where a blocking connect would simply have waited.
      server.listen({ path: opts.path, backlog: 4096 }, () => resolve());
    });
    // 0660, owned by root and the admin group (root's when there is none): who else may connect at all.
    await chmod(opts.path, 0o660);
    if (opts.adminGid !== undefined) await chown(opts.path, 0, opts.adminGid).catch(() => undefined);
    try {
      cs.fdTransport = FdTransport.listen(fdSocketPath(opts.path), (r) => cs.handleWithFds(r), opts.adminGid);
    } catch (e) {
      opts.log.warn(`No fd-passing control socket: ${e instanceof Error ? e.message : String(e)}`);
    }
    opts.log.info(`Listening for control requests on ${opts.path}.`);
    return cs;
  }

  private async authorize(method: string, conn: Connection): Promise<void> {
    if (READ_ONLY_METHODS.has(method) || (await conn.privileged)) return;
    throw new JSONRPCErrorException(
      `Access denied: ${method} needs root (uid ${conn.uid} asked)`,
      ErrorCode.AccessDenied,
    );
  }

  /** Root, or in AdminGroup= by its primary group or, from /proc/PID/status, a supplementary one. */
  private async privileged(uid: number, gid: number, pid: number): Promise<boolean> {
    if (uid === 0) return true;
    const admin = this.opts.adminGid;
    if (admin === undefined) return false;
    if (gid === admin) return true;
    if (pid <= 0) return false;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const groups = /^Groups:\s*(.*)$/m.exec(status)?.[1]?.split(/\s+/).filter(Boolean).map(Number) ?? [];
    return groups.includes(admin);
  }

  private accept(socket: Socket): void {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    const cred = typeof fd === 'number' ? peerCredentials(fd) : null;
    // Without credentials the peer is treated as an unprivileged user.
    const uid = cred?.ok ? cred.value.uid : 65534;
    const gid = cred?.ok ? cred.value.gid : 65534;
    const conn: Connection = {
      uid,
      gid,
      privileged: this.privileged(uid, gid, cred?.ok ? cred.value.pid : 0),
      socket,
      fds: NO_FDS,
      unsubscribe: null,
    };
    this.connections.add(socket);
    let buffered: Buffer[] = [];
    let size = 0;
    socket.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        if (size + (nl - start) > MAX_FRAME_BYTES) return this.tooLarge(socket);
        const line = Buffer.concat([...buffered, chunk.subarray(start, nl)]).toString('utf8');
        buffered = [];
        size = 0;
        start = nl + 1;
        if (line.trim() !== '') void this.handle(line, conn);
      }
      const rest = chunk.subarray(start);
      size += rest.length;
      if (size > MAX_FRAME_BYTES) return this.tooLarge(socket);
      if (rest.length > 0) buffered.push(Buffer.from(rest));
    });
    const done = (): void => {
      conn.unsubscribe?.();
      this.connections.delete(socket);
    };
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
  }

  private tooLarge(socket: Socket): void {
    const error = {
      code: ErrorCode.FrameTooLarge,
      message: `Request line longer than ${MAX_FRAME_BYTES} bytes; closing.`,
    };
    // Written before the close so the client learns why; the rest of its input is dropped.
    socket.end(JSON.stringify({ jsonrpc: '2.0', id: null, error }) + '\n');
    socket.pause();
  }

  private async handle(line: string, conn: Connection): Promise<void> {
    try {
      const response = await this.rpc.receiveJSON(line, conn);
      if (conn.socket !== null && response !== null && !(Array.isArray(response) && response.length === 0))
        this.send(conn.socket, response);
    } catch (e) {
      this.opts.log.error(`Control request crashed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private send(socket: Socket, message: unknown): void {
    if (socket.destroyed) return;
    if (socket.writableLength > MAX_PENDING_OUTPUT) {
      // A client that does not read its answers must not make rsd buffer without bound.
      socket.destroy();
      return;
    }
    socket.write(JSON.stringify(message) + '\n');
  }

  /** One request from the fd transport, answered as one message (null: a notification, no answer). */
  private async handleWithFds(req: FdRequest): Promise<string | null> {
    const uid = req.cred?.uid ?? 65534;
    const gid = req.cred?.gid ?? 65534;
    const fds = new RequestFds(req.fds);
    const conn: Connection = {
      uid,
      gid,
      privileged: this.privileged(uid, gid, req.cred?.pid ?? 0),
      socket: null,
      fds,
      unsubscribe: null,
    };
    try {
      const response = await this.rpc.receiveJSON(req.text, conn);
      return response === null ? null : JSON.stringify(response);
    } finally {
      fds.closeRest();
    }
  }

  async close(): Promise<void> {
    this.fdTransport?.close();
    await this.fileStates.close();
    for (const s of this.connections) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await unlink(this.opts.path).catch(() => undefined);
  }
}
