import { resultOfEnd, shouldRestart, type RestartSetting } from '../../src/engine/restart-policy';
import type { ProcessEnd, ServiceResult } from '../../src/engine/service-result';

/* The table "Exit causes and the effect of the Restart= settings" of systemd.service(5), row by row. */
const SETTINGS: RestartSetting[] = [
  'no',
  'always',
  'on-success',
  'on-failure',
  'on-abnormal',
  'on-abort',
  'on-watchdog',
];
const exited = (status: number): ProcessEnd => ({ kind: 'exited', status });
const killed = (signal: number): ProcessEnd => ({ kind: 'killed', signal, coreDumped: false });

const TABLE: Array<[string, ServiceResult, ProcessEnd | null, string[]]> = [
  ['clean exit code', resultOfEnd(exited(0), []), exited(0), ['always', 'on-success']],
  ['clean signal (SIGTERM)', resultOfEnd(killed(15), []), killed(15), ['always', 'on-success']],
  ['unclean exit code', resultOfEnd(exited(1), []), exited(1), ['always', 'on-failure']],
  [
    'unclean signal (SIGKILL)',
    resultOfEnd(killed(9), []),
    killed(9),
    ['always', 'on-failure', 'on-abnormal', 'on-abort'],
  ],
  ['timeout', 'timeout', null, ['always', 'on-failure', 'on-abnormal']],
  ['watchdog', 'watchdog', null, ['always', 'on-failure', 'on-abnormal', 'on-watchdog']],
];

const rules = (Restart: RestartSetting) => ({
  Restart,
  RestartPreventExitStatus: [],
  RestartForceExitStatus: [],
});

describe('Restart= matrix', () => {
  for (const [cause, result, end, restarting] of TABLE) {
    for (const setting of SETTINGS) {
      it(`${cause} with Restart=${setting} ${restarting.includes(setting) ? 'restarts' : 'does not restart'}`, () => {
        expect(shouldRestart(rules(setting), result, end)).toBe(restarting.includes(setting));
      });
    }
  }

  it('SuccessExitStatus= makes an exit code clean', () => {
    expect(resultOfEnd(exited(42), [{ statuses: [42], signals: [] }])).toBe('success');
    expect(
      shouldRestart(
        rules('on-failure'),
        resultOfEnd(exited(42), [{ statuses: [42], signals: [] }]),
        exited(42),
      ),
    ).toBe(false);
  });

  it('RestartPreventExitStatus= wins over Restart=always', () => {
    const r = { ...rules('always'), RestartPreventExitStatus: [{ statuses: [3], signals: [] }] };
    expect(shouldRestart(r, 'exit-code', exited(3))).toBe(false);
    expect(shouldRestart(r, 'exit-code', exited(4))).toBe(true);
  });

  it('RestartForceExitStatus= restarts even with Restart=no', () => {
    const r = { ...rules('no'), RestartForceExitStatus: [{ statuses: [], signals: [6] }] };
    expect(shouldRestart(r, 'core-dump', { kind: 'killed', signal: 6, coreDumped: true })).toBe(true);
  });

  it('never restarts after the start limit was hit', () => {
    expect(shouldRestart(rules('always'), 'start-limit-hit', null)).toBe(false);
  });
});
