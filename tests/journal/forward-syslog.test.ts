import { TmpTree } from '../helpers/tmp';
import { close } from '../../src/native/libc';
import {
  AF_UNIX,
  bind,
  recvmsg,
  RecvBuffers,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  socket,
} from '../../src/native/socket';
import { freshTreeEachTest, Rsd } from '../boot/harness';

/*
 * journald's ForwardToSyslog= (Debian's default: yes): entries go on to the socket a syslog daemon reads
 * (/run/systemd/journal/syslog, where Debian's syslog.socket puts rsyslog), as RFC 3164 datagrams.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t), { stopFirst: true });

async function received(fd: number, want: number): Promise<string[]> {
  const bufs = new RecvBuffers(65536, 0);
  const out: string[] = [];
  for (let i = 0; i < 400 && out.length < want; i++) {
    for (;;) {
      const r = recvmsg(fd, bufs, 0);
      if (!r.ok) break;
      out.push(r.value.data.toString('utf8'));
    }
    if (out.length < want) await new Promise((res) => setTimeout(res, 25));
  }
  return out;
}

describe('ForwardToSyslog=', () => {
  it("sends each of a service's lines to the syslog daemon's socket, with priority, identifier and pid", async () => {
    const path = tree.path('syslog.sock');
    const s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!s.ok) throw new Error('socket');
    try {
      expect(bind(s.value, { family: 'unix', path }).ok).toBe(true);
      tree.write('units/default.target', '[Unit]\nWants=talk.service\n');
      tree.write(
        'units/talk.service',
        '[Service]\nType=oneshot\nSyslogIdentifier=talker\nSyslogLevelPrefix=yes\nExecStart=/bin/sh -c \'echo hello syslog; echo "<3>it broke"\'\n',
      );
      const config = tree.write(
        'rsd.conf',
        `[Journal]\nDirectory=${tree.path('journal')}\nForwardToStdout=no\nForwardToSyslogSocket=${path}\n`,
      );
      rsd = Rsd.start(tree.path('units'), { unit: 'default.target', config });
      const lines = (await received(s.value, 2)).filter((l) => l.includes('talker['));
      // facility daemon (3) by default: <30> is daemon.info, <27> daemon.err.
      expect(lines[0]).toMatch(/^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d talker\[\d+\]: hello syslog$/);
      expect(lines[1]).toMatch(/^<27>\w{3} [ \d]\d \d\d:\d\d:\d\d talker\[\d+\]: it broke$/);
    } finally {
      close(s.value);
    }
  });

  it('without a reader it drops the messages and the service is not held up', async () => {
    tree.write('units/default.target', '[Unit]\nWants=talk.service\n');
    tree.write('units/talk.service', "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'seq 1 20000'\n");
    const config = tree.write(
      'rsd.conf',
      `[Journal]\nDirectory=${tree.path('journal')}\nForwardToStdout=no\nForwardToSyslogSocket=${tree.path('nobody.sock')}\n`,
    );
    rsd = Rsd.start(tree.path('units'), { unit: 'default.target', config });
    await rsd.waitFor(/Started talk\.service/);
  });
});
