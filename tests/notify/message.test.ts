import { parseNotifyMessage } from '../../src/notify';

test('known keys are typed; the first assignment of a key counts, as in systemd', () => {
  const m = parseNotifyMessage(
    [
      'READY=1',
      'STATUS=first',
      'STATUS=second',
      'ERRNO=2',
      'BUSERROR=org.freedesktop.DBus.Error.Failed',
      'MAINPID=123',
      'WATCHDOG=1',
      'WATCHDOG_USEC=20000000',
      'EXTEND_TIMEOUT_USEC=18446744073709551615',
      'RELOADING=1',
      'MONOTONIC_USEC=123456789',
      'STOPPING=1',
      'FDSTOREREMOVE=1',
      'FDNAME=sock',
      'BARRIER=1',
      'NOTIFYACCESS=main',
      'X_SYSTEMD_UNIT_ACTIVE=foo',
      '',
    ].join('\n'),
  );
  expect(m).toMatchObject({
    ready: true,
    status: 'first',
    errno: 2,
    busError: 'org.freedesktop.DBus.Error.Failed',
    mainPid: 123,
    watchdog: 'ping',
    watchdogUsec: 20000000,
    extendTimeoutUsec: Number.POSITIVE_INFINITY,
    reloading: true,
    monotonicUsec: 123456789,
    stopping: true,
    fdStoreRemove: true,
    fdName: 'sock',
    barrier: true,
    notifyAccess: 'main',
    unknown: { X_SYSTEMD_UNIT_ACTIVE: 'foo' },
    invalid: [],
  });
  expect(m.fields).toHaveLength(17);
  expect(m.fields[2]).toEqual(['STATUS', 'second']);
});

test('bad values are reported, not thrown', () => {
  const m = parseNotifyMessage(
    'READY=yes\nMAINPID=-1\nWATCHDOG=0\nFDPOLL=2\nEXTEND_TIMEOUT_USEC=1s\n=x\n\n\n',
  );
  expect(m.ready).toBeUndefined();
  expect(m.mainPid).toBeUndefined();
  expect(m.invalid).toEqual([
    '=x: not an assignment',
    'READY=yes: only 1 is meaningful',
    'MAINPID=-1: not a valid pid',
    'WATCHDOG=0: expected 1 or trigger',
    'EXTEND_TIMEOUT_USEC=1s: not a number of microseconds',
    'FDPOLL=2: expected 0 or 1',
  ]);
  expect(parseNotifyMessage('').fields).toEqual([]);
  expect(parseNotifyMessage('STATUS=x', false).status).toBeUndefined();
});
