import { execFileSync, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { Rsd } from '../boot/harness';

/*
 * Whatever arrives on the control socket, rsd answers with JSON-RPC errors or closes that one connection, and
 * its services keep running.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
let tree: TmpTree;
let rsd: Rsd;

beforeAll(async () => {
  tree = new TmpTree();
  tree.write('units/test.target', '[Unit]\nWants=keep.service\n');
  tree.write('units/keep.service', '[Service]\nExecStart=/bin/sleep 1000\n');
  rsd = Rsd.start(tree.path('units'), { unit: 'test.target' });
  await rsd.waitFor(/Listening for control requests/);
  await rsd.waitFor(/Startup finished/);
});

afterAll(async () => {
  await rsd.stop().catch(() => undefined);
  rsd.kill();
  tree.cleanup();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(rsd.socket);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends raw bytes, collects complete response lines until `count` arrive or the server closes. */
async function exchange(
  payload: string | Buffer,
  count: number,
): Promise<{ lines: unknown[]; closed: boolean }> {
  const s = await open();
  const lines: unknown[] = [];
  let buf = '';
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      s.destroy();
      resolve({ lines, closed });
    };
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      buf += c;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
      if (lines.length >= count) done(false);
    });
    s.on('close', () => done(true));
    s.on('error', () => done(true));
    s.write(payload);
  });
}

const stillRunning = () => {
  const r = spawnSync('node', [RSDCTL, '--socket', rsd.socket, 'is-active', 'keep'], { encoding: 'utf8' });
  expect(r.stdout).toBe('active\n');
};

describe('the control socket under bad input', () => {
  it('answers invalid JSON with a parse error and keeps the connection', async () => {
    const r = await exchange('{not json\n{"jsonrpc":"2.0","id":2,"method":"Ping"}\n', 2);
    expect(r.lines[0]).toMatchObject({ error: { code: -32700 } });
    expect(r.lines[1]).toMatchObject({ id: 2, result: { pong: true } });
    stillRunning();
  });

  it('answers unknown methods and wrong parameter types with -32601 and -32602', async () => {
    const r = await exchange(
      '{"jsonrpc":"2.0","id":1,"method":"NoSuchMethod"}\n{"jsonrpc":"2.0","id":2,"method":"GetUnit","params":{"unit":42}}\n{"jsonrpc":"2.0","id":3,"method":"Show","params":[1,2]}\n',
      3,
    );
    const byId = new Map((r.lines as Array<{ id: number }>).map((l) => [l.id, l]));
    expect(byId.get(1)).toMatchObject({ error: { code: -32601 } });
    expect(byId.get(2)).toMatchObject({
      error: { code: -32602, message: expect.stringContaining("'unit'") },
    });
    expect(byId.get(3)).toMatchObject({ error: { code: -32602 } });
  });

  it('refuses a 10 MB line with FrameTooLarge and closes that connection only', async () => {
    const r = await exchange(Buffer.alloc(10 * 1024 * 1024, 'x'), 1);
    expect(r.lines[0]).toMatchObject({ error: { code: -32004 } });
    stillRunning();
  });

  it('answers a batch of 10,000 requests', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'Ping' }));
    const r = await exchange(JSON.stringify(batch) + '\n', 1);
    expect(Array.isArray(r.lines[0])).toBe(true);
    expect((r.lines[0] as unknown[]).length).toBe(10_000);
  });

  it('survives 1,000 idle connections and still serves a new client', async () => {
    const idle = await Promise.all(Array.from({ length: 1000 }, () => open()));
    stillRunning();
    for (const s of idle) s.destroy();
  });

  it('cuts off a client that never reads, and keeps serving others', async () => {
    const s = await open();
    s.pause();
    const request =
      JSON.stringify(
        Array.from({ length: 1000 }, (_, i) => ({
          jsonrpc: '2.0',
          id: i,
          method: 'ListUnits',
          params: { all: true },
        })),
      ) + '\n';
    let closed = false;
    s.on('close', () => (closed = true));
    for (let i = 0; i < 200 && !closed; i++) {
      if (!s.write(request)) await new Promise((r) => setTimeout(r, 10));
    }
    for (let i = 0; i < 500 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    stillRunning();
    s.destroy();
  });

  it('a client that disconnects in the middle of a job does not disturb the job', async () => {
    const s = await open();
    s.write('{"jsonrpc":"2.0","id":1,"method":"Restart","params":{"unit":"keep.service"}}\n');
    s.destroy();
    await rsd.waitFor(/Started keep\.service/);
    stillRunning();
  });

  it('lets members of rsd.conf AdminGroup= call every method', async () => {
    const user = 'rsdadmintest';
    const group = 'rsdadmins';
    execFileSync('sh', ['-c', `getent group ${group} >/dev/null || groupadd --system ${group}`]);
    execFileSync('sh', [
      '-c',
      `id ${user} >/dev/null 2>&1 || useradd --system --no-create-home -G ${group} ${user}`,
    ]);
    const conf = tree.write('admin/rsd.conf', `[Manager]\nAdminGroup=${group}\n`);
    tree.write('admin/units/test.target', '[Unit]\nWants=adm.service\n');
    tree.write('admin/units/adm.service', '[Service]\nExecStart=/bin/sleep 1000\n');
    const admin = Rsd.start(tree.path('admin/units'), { unit: 'test.target', config: conf });
    try {
      await admin.waitFor(/Startup finished/);
      // The admin group is a supplementary group of the user: rsd finds it in /proc/PID/status.
      const r = spawnSync(
        'runuser',
        ['-u', user, '--', 'node', RSDCTL, '--socket', admin.socket, 'stop', 'adm'],
        {
          encoding: 'utf8',
        },
      );
      expect({ status: r.status, err: r.stderr }).toEqual({ status: 0, err: '' });
      await admin.waitFor(/Stopped adm\.service/);
      expect(await admin.stop()).toBe(0);
    } finally {
      admin.kill();
      execFileSync('sh', ['-c', `userdel ${user} 2>/dev/null; groupdel ${group} 2>/dev/null; true`]);
    }
  });

  it('gives a user who is not root the read-only methods only', () => {
    const user = 'rsdctltest';
    execFileSync('sh', [
      '-c',
      `id ${user} >/dev/null 2>&1 || useradd --system --no-create-home -G root ${user}`,
    ]);
    execFileSync('chmod', ['o+rx', tree.root]);
    try {
      const as = (...args: string[]) =>
        spawnSync('runuser', ['-u', user, '--', 'node', RSDCTL, '--socket', rsd.socket, ...args], {
          encoding: 'utf8',
        });
      const st = as('is-active', 'keep');
      expect(st.stdout).toBe('active\n');
      const stop = as('stop', 'keep');
      expect(stop.status).not.toBe(0);
      expect(stop.stderr).toMatch(/Access denied/);
      stillRunning();
    } finally {
      execFileSync('sh', ['-c', `userdel ${user} 2>/dev/null; true`]);
    }
  });
});
