import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { close } from '../../src/native/libc';
import {
  AF_UNIX,
  connect,
  recvmsg,
  RecvBuffers,
  sendmsg,
  SOCK_CLOEXEC,
  SOCK_SEQPACKET,
  socket,
} from '../../src/native/socket';
import { TmpTree } from '../helpers/tmp';
import { Rsd } from '../boot/harness';

/*
 * Transient units with the client's own file descriptors (systemd-run --pipe; systemd's
 * StandardInputFileDescriptor= and friends): files, pipes and sockets passed over the .fds control socket.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');

let tree: TmpTree;
let rsd: Rsd;

function run(args: string[], input?: string) {
  const r = spawnSync('node', [RSDCTL, '--socket', rsd.socket, 'run', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const openFds = (): number => readdirSync(`/proc/${rsd.pid()}/fd`).length;

/** rsd closes a hung-up connection on its next loop turn: wait (generously) for the count to settle. */
async function settlesAt(expected: number): Promise<number> {
  for (let i = 0; i < 100 && openFds() !== expected; i++) await new Promise((r) => setTimeout(r, 50));
  return openFds();
}

/** One raw request on the fd socket, as a client without rsdctl would send it. */
function rawRequest(text: string, fds: number[]): { error?: { code: number; message: string } } {
  const s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
  if (!s.ok) throw new Error('socket');
  try {
    expect(connect(s.value, { family: 'unix', path: `${rsd.socket}.fds` }).ok).toBe(true);
    expect(sendmsg(s.value, Buffer.from(text), { fds }).ok).toBe(true);
    const r = recvmsg(s.value, new RecvBuffers(65536, 0), 0);
    if (!r.ok) throw new Error(`recvmsg errno ${r.errno}`);
    return JSON.parse(r.value.data.toString('utf8')) as { error?: { code: number; message: string } };
  } finally {
    close(s.value);
  }
}

beforeAll(async () => {
  tree = new TmpTree();
  tree.write('units/fds.target', '[Unit]\nDescription=fd passing\n');
  rsd = Rsd.start(tree.path('units'), { unit: 'fds.target' });
  await rsd.waitFor(/Listening for control requests/);
});

afterAll(async () => {
  await rsd.stop().catch(() => undefined);
  rsd.kill();
  tree.cleanup();
});

describe('rsdctl run --pipe', () => {
  it("gives the service the client's stdin and stdout (pipes)", () => {
    expect(run(['--pipe', '-q', 'tr', 'a-z', 'A-Z'], 'hello through rsd\n')).toMatchObject({
      code: 0,
      out: 'HELLO THROUGH RSD\n',
    });
  });

  it("exits with the service's status; stderr is the client's too", () => {
    const r = run(['--pipe', '-q', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, out: 'out\n', err: 'err\n' });
    const loud = run(['--pipe', 'sh', '-c', 'exit 0']);
    expect(loud.err).toContain('Finished with result: success');
    expect(loud.err).toContain('Main processes terminated with: code=exited/status=0');
  });

  it('writes into a file the client opened', () => {
    const path = tree.path('out.txt');
    const fd = openSync(path, 'w');
    try {
      const r = spawnSync(
        'node',
        [RSDCTL, '--socket', rsd.socket, 'run', '-q', '--pipe', 'echo', 'in a file'],
        {
          stdio: ['ignore', fd, 'pipe'],
          timeout: 30_000,
        },
      );
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe('in a file\n');
  });

  it('talks through a socket the client holds', async () => {
    let server: Server | null = null;
    const peer = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    const path = tree.path('peer.sock');
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    const client = await new Promise<Socket>((resolve) => {
      const c: Socket = netConnect(path, () => resolve(c));
    });
    const other = await peer;
    const child = spawn(
      'node',
      [RSDCTL, '--socket', rsd.socket, 'run', '-q', '--pipe', 'sh', '-c', 'read l; echo "got $l"'],
      {
        stdio: [client, client, 'pipe'],
      },
    );
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    other.write('ping\n');
    const answer = await new Promise<string>((resolve) => {
      let got = '';
      other.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\n')) resolve(got);
      });
    });
    expect(answer).toBe('got ping\n');
    expect(await exit).toBe(0);
    client.destroy();
    other.destroy();
    server!.close();
  });

  it('keeps no passed fd once the service is done', async () => {
    const before = openFds();
    for (let i = 0; i < 5; i++) expect(run(['--pipe', '-q', 'cat'], 'x').code).toBe(0);
    expect(await settlesAt(before)).toBe(before);
  });
});

describe('run --wait', () => {
  it('waits for the service and exits with its status', () => {
    const r = run(['--wait', 'sh', '-c', 'exit 4']);
    expect(r.code).toBe(4);
    expect(r.err).toContain('Finished with result: exit-code');
  });
});

describe('the fd socket under bad input', () => {
  it('refuses an fd index the request did not bring, closes what it did bring, and keeps serving', async () => {
    const before = openFds();
    const devnull = openSync('/dev/null', 'r');
    try {
      const bad = rawRequest(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'RunTransient',
          params: { command: ['/bin/true'], stdin: 5 },
        }),
        [devnull],
      );
      expect(bad.error?.code).toBe(-32602);
      expect(bad.error?.message).toContain("'stdin' names fd 5");
      expect(rawRequest('not json', [devnull]).error?.code).toBe(-32700);
      expect(
        rawRequest(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'Subscribe' }), []).error?.message,
      ).toContain('stream socket');
    } finally {
      closeSync(devnull);
    }
    expect(await settlesAt(before)).toBe(before);
    expect(run(['--pipe', '-q', 'echo', 'still here']).out).toBe('still here\n');
  });
});
