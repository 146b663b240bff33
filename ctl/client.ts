import { connect, type Socket } from 'node:net';

/** A JSON-RPC error as the server sent it. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A minimal JSON-RPC 2.0 client over rsd's unix socket: one JSON text per line. Kept small so that
 * `rsdctl is-active` starts about as fast as Node itself.
 */
export class RsdClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  onNotification: ((method: string, params: unknown) => void) | null = null;
  private closeListeners: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('rsd closed the connection'));
      this.pending.clear();
      for (const l of this.closeListeners.splice(0)) l();
    });
  }

  static connect(path: string): Promise<RsdClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new RsdClient(s)));
      s.once('error', (e: NodeJS.ErrnoException) => {
        const why =
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? 'is rsd running?'
            : e.code === 'EACCES'
              ? 'permission denied'
              : e.message;
        reject(new Error(`Failed to connect to rsd at ${path}: ${why}`));
      });
    });
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.socket.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  onClose(listener: () => void): void {
    if (this.socket.destroyed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.end();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: {
        id?: number;
        result?: unknown;
        error?: { code: number; message: string };
        method?: string;
        params?: unknown;
      };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        continue;
      }
      if (msg.method !== undefined && msg.id === undefined) {
        this.onNotification?.(msg.method, msg.params);
        continue;
      }
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
      if (!p) continue;
      this.pending.delete(msg.id as number);
      if (msg.error) p.reject(new RpcError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    }
  }
}
