import { parseExecStatus } from '../../src/exec/exec-status';
import { decodeWaitStatus } from '../../src/exec/wait-status';

test('status records: EXEC then EOF, FAIL, FAIL after EXEC, nothing', () => {
  expect(parseExecStatus('EXEC\n')).toEqual({ kind: 'executed' });
  expect(parseExecStatus('FAIL chdir 2 200\n')).toEqual({
    kind: 'failed',
    failure: { step: 'chdir', errno: 2, errnoName: 'ENOENT', exitCode: 200 },
  });
  expect(parseExecStatus('EXEC\nFAIL exec 13 203\n')).toEqual({
    kind: 'failed',
    failure: { step: 'exec', errno: 13, errnoName: 'EACCES', exitCode: 203 },
  });
  expect(parseExecStatus('')).toEqual({ kind: 'lost' });
  expect(parseExecStatus('FAIL nonsense 1 1\n')).toEqual({ kind: 'lost' });
});

test('wait statuses', () => {
  expect(decodeWaitStatus(5, 3 << 8)).toEqual({ pid: 5, kind: 'exited', code: 3 });
  expect(decodeWaitStatus(5, 9)).toEqual({
    pid: 5,
    kind: 'killed',
    signal: 9,
    signalName: 'SIGKILL',
    coreDumped: false,
  });
  expect(decodeWaitStatus(5, 0x80 | 11)).toMatchObject({
    signal: 11,
    signalName: 'SIGSEGV',
    coreDumped: true,
  });
  expect(decodeWaitStatus(5, (19 << 8) | 0x7f)).toBeNull(); // stopped
  expect(decodeWaitStatus(5, 0xffff)).toBeNull(); // continued
});
