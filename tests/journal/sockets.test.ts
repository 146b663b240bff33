import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshTreeEachTest, Rsd } from '../boot/harness';
import { TmpTree } from '../helpers/tmp';
import * as S from '../../src/native/socket';
import { journalQuery, messageBytes, rsdctl, until } from './support';

/*
 * Programs that log through sockets: logger(1) to the syslog socket, systemd-cat to journald's stream
 * socket, logger --journald to the native socket. Their entries land under the unit of the sending
 * process; bad datagrams are survived.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t), { stopFirst: true });

function send(path: string, data: Buffer): boolean {
  const s = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
  if (!s.ok) throw new Error('socket');
  try {
    const c = S.connect(s.value, { family: 'unix', path });
    if (!c.ok) throw new Error(`connect errno ${c.errno}`);
    return S.sendmsg(s.value, data).ok;
  } finally {
    S.close(s.value);
  }
}

describe('log sockets', () => {
  it('logger to the syslog socket lands under the sending unit; bad datagrams are survived', async () => {
    const log = tree.path('log');
    const native = tree.path('native');
    // logger keeps running until its input ends, so its messages are sent by a live process of the unit.
    tree.write(
      'units/talk.service',
      '[Service]\nType=oneshot\nRemainAfterExit=yes\n' +
        `ExecStart=/bin/sh -c '(echo first; sleep 0.3; echo second) | logger --socket ${log} -t mytag -p local3.err'\n` +
        `ExecStart=/bin/sh -c '(echo five; sleep 0.3) | logger --socket ${log} --rfc5424 -t app5424 -p user.warning'\n`,
    );
    tree.write('units/default.target', '[Unit]\nWants=talk.service\n');
    const config = tree.write(
      'rsd.conf',
      `[Journal]\nSyslogSocket=${log}\nNativeSocket=${native}\nForwardToStdout=no\n`,
    );
    rsd = Rsd.start(tree.path('units'), { config });
    await rsd.waitFor(/Startup finished/);
    const { records } = await journalQuery(rsd.socket, { units: ['talk.service'] });
    const got = records
      .filter((r) => r._TRANSPORT === 'syslog')
      .map((r) => [r.MESSAGE, r.SYSLOG_IDENTIFIER, r.PRIORITY, r.SYSLOG_FACILITY, r._SYSTEMD_UNIT]);
    expect(got).toEqual([
      ['first', 'mytag', '3', '19', 'talk.service'],
      ['second', 'mytag', '3', '19', 'talk.service'],
      ['five', 'app5424', '4', '1', 'talk.service'],
    ]);

    // Bad input, straight from this process (no unit): none of it stops rsd or loses what follows.
    const bad = [
      Buffer.alloc(200 * 1024, 0x41),
      Buffer.from('<999>not a priority'),
      Buffer.from('<13'),
      Buffer.from(''),
      Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0x00, 0xfe]),
      Buffer.from('1 not-a-time - - - - [broken structured data'),
    ];
    for (const b of bad) send(log, b);
    // Native protocol: a length beyond the datagram, a bad field name, then a good binary field.
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1000n);
    send(native, Buffer.concat([Buffer.from('MESSAGE\n'), len, Buffer.from('short\n')]));
    send(native, Buffer.from('lower=case\nMESSAGE=x\n'));
    const value = Buffer.from('two\nlines\x00and NUL');
    len.writeBigUInt64LE(BigInt(value.length));
    send(
      native,
      Buffer.concat([
        Buffer.from('PRIORITY=2\nSYSLOG_IDENTIFIER=nat\nMESSAGE\n'),
        len,
        value,
        Buffer.from('\nCUSTOM_FIELD=yes\n_PID=1\n'),
      ]),
    );
    send(log, Buffer.from('<14>Nov 23 10:00:00 after[77]: still here'));
    let all: Awaited<ReturnType<typeof journalQuery>>['records'] = [];
    await until(async () => {
      all = (await journalQuery(rsd!.socket, {})).records;
      // The two sockets are read apart: wait for the last message sent to each.
      return all.some((r) => r.MESSAGE === 'still here') && all.some((r) => r.SYSLOG_IDENTIFIER === 'nat');
    });
    const after = all.find((r) => r.MESSAGE === 'still here')!;
    expect([after.SYSLOG_IDENTIFIER, after.SYSLOG_PID, after.PRIORITY, after._UNIT]).toEqual([
      'after',
      '77',
      '6',
      undefined,
    ]);
    const huge = all.find((r) => typeof r.MESSAGE === 'string' && r.MESSAGE.startsWith('AAAA'));
    expect(huge && messageBytes(huge).length).toBe(200 * 1024);
    expect(all.some((r) => r.MESSAGE === '<999>not a priority')).toBe(true);
    expect(all.some((r) => r.MESSAGE === '<13')).toBe(true);
    const nat = all.find((r) => r.SYSLOG_IDENTIFIER === 'nat')!;
    expect(messageBytes(nat)).toEqual(value);
    expect([nat.PRIORITY, nat.CUSTOM_FIELD, nat._TRANSPORT, nat._PID]).toEqual([
      '2',
      'yes',
      'journal',
      String(process.pid),
    ]);
    expect(all.some((r) => r.MESSAGE === 'short')).toBe(false);
    await rsd.waitFor(/Log socket \(native\): dropped a malformed entry/);
    expect(rsdctl(rsd.socket, 'is-active', 'talk').out).toBe('active\n');
  });

  it('systemd-cat (stream socket) and logger --journald (native socket) land under their unit, in a private mount namespace', async () => {
    tree.write(
      'units/cat.service',
      "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/systemd-cat -t catted -p warning /bin/sh -c 'echo via-stream; sleep 0.3'\n",
    );
    tree.write(
      'units/nat.service',
      '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'printf "MESSAGE=via-native\\nSYSLOG_IDENTIFIER=natlog\\nPRIORITY=3\\n" | logger --journald\'\n' +
        `ExecStart=/usr/bin/env node ${join(__dirname, 'native-send.js')} /run/systemd/journal/socket "sent natively" SYSLOG_IDENTIFIER=sender PRIORITY=1\n`,
    );
    tree.write('units/default.target', '[Unit]\nWants=cat.service nat.service\n');
    const config = tree.write(
      'rsd.conf',
      '[Journal]\nNativeSocket=/run/systemd/journal/socket\nStdoutSocket=/run/systemd/journal/stdout\nForwardToStdout=no\n',
    );
    // Never the host's sockets: a tmpfs over /run/systemd, seen only inside this namespace.
    rsd = Rsd.start(tree.path('units'), { config, mountNamespace: 'mount -t tmpfs tmpfs /run/systemd' });
    await rsd.waitFor(/Startup finished/);
    const cat = await journalQuery(rsd.socket, { units: ['cat.service'], grep: 'via-stream' });
    expect(cat.records.map((r) => [r.MESSAGE, r.SYSLOG_IDENTIFIER, r.PRIORITY, r._SYSTEMD_UNIT])).toEqual([
      ['via-stream', 'catted', '4', 'cat.service'],
    ]);
    // The datagram may be read after the unit's start finished: wait for it.
    let nat: Awaited<ReturnType<typeof journalQuery>>['records'] = [];
    await until(async () => {
      nat = (await journalQuery(rsd!.socket, { grep: 'via-native' })).records;
      return nat.length > 0;
    });
    // logger exits right after sending: whether its unit is still known when the datagram is read is a
    // race (as with journald 252); the fields are not.
    expect(nat.map((r) => [r.MESSAGE, r.SYSLOG_IDENTIFIER, r.PRIORITY, r._TRANSPORT])).toEqual([
      ['via-native', 'natlog', '3', 'journal'],
    ]);
    // A sender still running when its datagram is read lands under its unit.
    const sent = await journalQuery(rsd.socket, { units: ['nat.service'], grep: 'sent natively' });
    expect(
      sent.records.map((r) => [r.MESSAGE, r.SYSLOG_IDENTIFIER, r.PRIORITY, r._TRANSPORT, r._SYSTEMD_UNIT]),
    ).toEqual([['sent natively', 'sender', '1', 'journal', 'nat.service']]);
  });

  it('ReadKMsg=yes reads the kernel log into the journal', async () => {
    tree.write('units/default.target', '[Unit]\n');
    const config = tree.write('rsd.conf', '[Journal]\nReadKMsg=yes\nForwardToStdout=no\n');
    rsd = Rsd.start(tree.path('units'), { config });
    await rsd.waitFor(/Startup finished/);
    const tag = `rsd-journal-test-${process.pid}-${Date.now()}`;
    writeFileSync('/dev/kmsg', `<5>${tag}: hello kernel log\n`);
    let found: Awaited<ReturnType<typeof journalQuery>>['records'] = [];
    await until(async () => {
      found = (await journalQuery(rsd!.socket, { grep: tag })).records;
      return found.length > 0;
    });
    expect(found.map((r) => [r.MESSAGE, r._TRANSPORT, r.PRIORITY, r.SYSLOG_IDENTIFIER])).toEqual([
      [`${tag}: hello kernel log`, 'kernel', '5', 'kernel'],
    ]);
  });
});
