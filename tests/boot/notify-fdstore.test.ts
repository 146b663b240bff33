import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileContent, perTestRsd } from './harness';

/*
 * The fd store's edges (systemd.service(5) FileDescriptorStoreMax=, sd_notify(3) FDSTORE=1, FDPOLL=0): stored
 * fds that hang up are dropped unless FDPOLL=0 said not to watch them; a flood beyond the maximum is closed.
 */
const RSDCTL = join(__dirname, '..', '..', 'dist', 'ctl', 'rsdctl.js');
const s = perTestRsd();

const ctl = (...args: string[]) =>
  spawnSync('node', [RSDCTL, '--socket', s.rsd.socket, ...args], { encoding: 'utf8' });

/** Python that sends `text` with `fds` over NOTIFY_SOCKET from its own pid. */
const SEND = [
  'import array, os, socket, sys, time',
  'def send(text, fds):',
  '    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  "    s.connect(os.environ['NOTIFY_SOCKET'])",
  "    s.sendmsg([text.encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', fds))])",
];

describe('the fd store', () => {
  it('drops a stored fd that gets POLLHUP, keeps one stored with FDPOLL=0', async () => {
    const out = s.tree.path('names.out');
    s.tree.write(
      'hup.py',
      [
        ...SEND,
        "if int(os.environ.get('LISTEN_FDS', '0')) == 0:",
        '    r1, w1 = os.pipe()',
        '    r2, w2 = os.pipe()',
        "    send('FDSTORE=1\\nFDNAME=polled', [r1])",
        "    send('FDSTORE=1\\nFDNAME=unpolled\\nFDPOLL=0', [r2])",
        '    time.sleep(0.3)',
        // The only write ends go away: both stored read ends hang up.
        '    os.close(w1); os.close(w2)',
        '    time.sleep(0.5)',
        '    sys.exit(1)',
        `open('${out}', 'w').write(os.environ['LISTEN_FDNAMES'])`,
        'time.sleep(1000)',
        '',
      ].join('\n'),
    );
    s.boot({
      'test.target': '[Unit]\nWants=hup.service\n',
      'hup.service': `[Service]\nFileDescriptorStoreMax=4\nNotifyAccess=main\nRestart=on-failure\nRestartSec=100ms\nExecStart=/usr/bin/python3 ${s.tree.path('hup.py')}\n`,
    });
    await s.rsd.waitFor(
      /hup\.service: Stored fd 'polled' got POLLHUP or POLLERR; removing it from the store\./,
    );
    expect(await fileContent(out)).toBe('unpolled');
    expect(s.rsd.log).not.toMatch(/Stored fd 'unpolled'/);
    expect(await s.rsd.stop()).toBe(0);
  });

  it('closes an FDSTORE flood beyond FileDescriptorStoreMax= with a warning; rsd and the service carry on', async () => {
    const out = s.tree.path('flood.out');
    s.tree.write(
      'flood.py',
      [
        ...SEND,
        'pipes = [os.pipe() for _ in range(10)]',
        // rsd gets the write ends; once it closes one, its read end sees EOF (ours are closed first).
        "send('FDSTORE=1\\nFDNAME=flood', [w for _, w in pipes])",
        'for _, w in pipes: os.close(w)',
        'for _ in range(20):',
        "    send('FDSTORE=1\\nFDNAME=more', [os.open('/dev/null', os.O_RDONLY) for _ in range(200)])",
        'time.sleep(0.5)',
        'eof = 0',
        'for r, _ in pipes:',
        '    os.set_blocking(r, False)',
        '    try:',
        "        if os.read(r, 1) == b'': eof += 1",
        '    except BlockingIOError:',
        '        pass',
        `open('${out}', 'w').write(f'eof={eof}')`,
        'time.sleep(1000)',
        '',
      ].join('\n'),
    );
    s.boot({
      'test.target': '[Unit]\nWants=flood.service other.service\n',
      'flood.service': `[Service]\nFileDescriptorStoreMax=2\nNotifyAccess=main\nExecStart=/usr/bin/python3 ${s.tree.path('flood.py')}\n`,
      'other.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    });
    expect(await fileContent(out)).toBe('eof=8');
    await s.rsd.waitFor(/flood\.service: FileDescriptorStoreMax=2 reached: 8 fds closed\./);
    await s.rsd.waitFor(
      /flood\.service: Attempted to store 200 fds, but FileDescriptorStoreMax=2 is reached; closing them\./,
    );
    // rsd holds no more of them than the two it keeps.
    const fds = spawnSync('ls', [`/proc/${s.rsd.pid()}/fd`], { encoding: 'utf8' }).stdout.split('\n').length;
    expect(fds).toBeLessThan(100);
    expect(ctl('is-active', 'flood.service', 'other.service').stdout).toBe('active\nactive\n');
    expect(await s.rsd.stop()).toBe(0);
  });
});
