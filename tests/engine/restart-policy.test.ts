import { shouldRestart, type ExitCause, type RestartSetting } from '../../src/engine/restart-policy';

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
const TABLE: Array<[string, ExitCause, string[]]> = [
  ['clean exit code', { kind: 'process', end: { kind: 'exited', status: 0 } }, ['always', 'on-success']],
  [
    'clean signal (SIGTERM)',
    { kind: 'process', end: { kind: 'killed', signal: 15, coreDumped: false } },
    ['always', 'on-success'],
  ],
  ['unclean exit code', { kind: 'process', end: { kind: 'exited', status: 1 } }, ['always', 'on-failure']],
  [
    'unclean signal (SIGKILL)',
    { kind: 'process', end: { kind: 'killed', signal: 9, coreDumped: false } },
    ['always', 'on-failure', 'on-abnormal', 'on-abort'],
  ],
  ['timeout', { kind: 'timeout' }, ['always', 'on-failure', 'on-abnormal']],
  ['watchdog', { kind: 'watchdog' }, ['always', 'on-failure', 'on-abnormal', 'on-watchdog']],
];

const rules = (Restart: RestartSetting) => ({
  Restart,
  SuccessExitStatus: [],
  RestartPreventExitStatus: [],
  RestartForceExitStatus: [],
});

describe('Restart= matrix', () => {
  for (const [cause, exit, restarting] of TABLE) {
    for (const setting of SETTINGS) {
      it(`${cause} with Restart=${setting} ${restarting.includes(setting) ? 'restarts' : 'does not restart'}`, () => {
        expect(shouldRestart(rules(setting), exit)).toBe(restarting.includes(setting));
      });
    }
  }

  it('SuccessExitStatus= makes an exit code clean', () => {
    const r = { ...rules('on-failure'), SuccessExitStatus: [{ statuses: [42], signals: [] }] };
    expect(shouldRestart(r, { kind: 'process', end: { kind: 'exited', status: 42 } })).toBe(false);
  });

  it('RestartPreventExitStatus= wins over Restart=always', () => {
    const r = { ...rules('always'), RestartPreventExitStatus: [{ statuses: [3], signals: [] }] };
    expect(shouldRestart(r, { kind: 'process', end: { kind: 'exited', status: 3 } })).toBe(false);
    expect(shouldRestart(r, { kind: 'process', end: { kind: 'exited', status: 4 } })).toBe(true);
  });

  it('RestartForceExitStatus= restarts even with Restart=no', () => {
    const r = { ...rules('no'), RestartForceExitStatus: [{ statuses: [], signals: [6] }] };
    expect(shouldRestart(r, { kind: 'process', end: { kind: 'killed', signal: 6, coreDumped: true } })).toBe(
      true,
    );
  });
});
