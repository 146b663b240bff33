import { readFileSync } from 'node:fs';
import { TmpTree } from '../helpers/tmp';
import { alive, fileContent, freshTreeEachTest, Rsd } from './harness';

/*
 * Real units booted by a real rsd: each test writes its units, boots test.target, watches the log and files
 * the services write, then stops rsd with SIGTERM. Every test runs twice: rsd as a child subreaper, and rsd as
 * PID 1 of its own PID namespace (where pids the services write are translated to ours).
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

function units(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) tree.write(`units/${name}`, text);
  return tree.path('units');
}

const target = (wants: string) => `[Unit]\nDescription=test\nWants=${wants}\n`;

describe.each([
  ['as a subreaper', false],
  ['as PID 1', true],
])('service lifecycle, rsd %s', (_mode, pidNamespace) => {
  const start = (dir: string, unit: string): Rsd => Rsd.start(dir, { unit, pidNamespace });
  const pidIn = async (path: string): Promise<number> => rsd!.globalPid(Number(await fileContent(path)));

  it('starts After= units in order and unrelated ones regardless, then stops everything on SIGTERM', async () => {
    const log = tree.path('order.log');
    const dir = units({
      'test.target': target('a.service b.service c.service'),
      'a.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo a >> ${log}'\n`,
      'b.service': `[Unit]\nAfter=a.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo b >> ${log}'\n`,
      'c.service': `[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/sh -c 'echo c >> ${log}; echo $$$$ > ${tree.path('c.pid')}; exec sleep 1000'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/Startup finished/);
    const pid = await pidIn(tree.path('c.pid'));
    expect(readFileSync(log, 'utf8')).toBe('a\nb\nc\n');
    expect(alive(pid)).toBe(true);
    expect(await rsd.stop()).toBe(0);
    expect(alive(pid)).toBe(false);
    // Stopped in reverse order: c before b before a.
    const stops = rsd.lines
      .filter((l) => /Stopped [abc]\.service/.test(l))
      .map((l) => /Stopped (\w)/.exec(l)![1]);
    expect(stops).toEqual(['c', 'b', 'a']);
  });

  it('Type=oneshot runs every ExecStart= in turn; without RemainAfterExit= it ends inactive', async () => {
    const out = tree.path('out');
    const dir = units({
      'test.target': target('one.service'),
      'one.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo 1 >> ${out}'\nExecStart=/bin/sh -c 'echo 2 >> ${out}'\nExecStartPost=/bin/sh -c 'echo post >> ${out}'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/Started one\.service|Started .*one/);
    expect(readFileSync(out, 'utf8')).toBe('1\n2\npost\n');
    expect(await rsd.stop()).toBe(0);
  });

  it('Type=forking follows the PID file and stops the daemon', async () => {
    const pidFile = tree.path('d.pid');
    const dir = units({
      'test.target': target('fork.service'),
      'fork.service': `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=/bin/sh -c 'sleep 1000 & echo $! > ${pidFile}'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/Started fork\.service/);
    const pid = rsd.globalPid(Number(readFileSync(pidFile, 'utf8')));
    expect(alive(pid)).toBe(true);
    expect(await rsd.stop()).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('a missing binary fails its unit with a log line, and rsd keeps running the rest', async () => {
    const dir = units({
      'test.target': target('missing.service ok.service'),
      'missing.service': '[Service]\nType=exec\nExecStart=/nonexistent/rsd-binary\n',
      'ok.service': `[Service]\nExecStart=/bin/sh -c 'echo up > ${tree.path('ok')}; exec sleep 1000'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/missing\.service: Failed to start/);
    await fileContent(tree.path('ok'));
    expect(rsd.log).toMatch(/missing\.service: .*rsd-binary/);
    expect(await rsd.stop()).toBe(0);
  });

  it('ExecStartPre= failure fails the start; ExecStopPost= sees SERVICE_RESULT, EXIT_CODE, EXIT_STATUS', async () => {
    const post = tree.path('post');
    const dir = units({
      'test.target': target('pre.service'),
      'pre.service': `[Service]\nExecStartPre=/bin/false\nExecStart=/bin/sleep 1000\nExecStopPost=/bin/sh -c 'echo "$SERVICE_RESULT" > ${post}'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/pre\.service: Failed to start/);
    expect((await fileContent(post)).trim()).toBe('exit-code');
    expect(await rsd.stop()).toBe(0);
  });

  it('a main process that exits non-zero is restarted with Restart=on-failure', async () => {
    const count = tree.path('count');
    const dir = units({
      'test.target': target('flaky.service'),
      'flaky.service': `[Service]\nRestart=on-failure\nRestartSec=50ms\nExecStart=/bin/sh -c 'echo x >> ${count}; n=$(wc -l < ${count}); [ $n -ge 3 ] && exec sleep 1000; exit 3'\n`,
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/Scheduled restart job/);
    for (;;) {
      const n = readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
      if (n >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rsd.log).toMatch(/flaky\.service: Main process exited, code=exited, status=3/);
    expect(await rsd.stop()).toBe(0);
  });

  it('hits the start limit: StartLimitBurst= restarts, then start-limit-hit', async () => {
    const dir = units({
      'test.target': target('crash.service'),
      'crash.service':
        '[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n[Service]\nRestart=always\nRestartSec=0\nExecStart=/bin/false\n',
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/crash\.service: Start request repeated too quickly/);
    await rsd.waitFor(/crash\.service: Failed with result 'start-limit-hit'/);
    expect(rsd.lines.filter((l) => /crash\.service: Main process exited/.test(l))).toHaveLength(3);
    expect(await rsd.stop()).toBe(0);
  });

  it('a service that ignores SIGTERM is SIGKILLed after TimeoutStopSec=', async () => {
    const pidFile = tree.path('stubborn.pid');
    const dir = units({
      'test.target': target('stubborn.service'),
      'stubborn.service': `[Service]\nTimeoutStopSec=1\nExecStart=/bin/sh -c 'trap "" TERM; echo $$$$ > ${pidFile}; while :; do sleep 0.2; done'\n`,
    });
    rsd = start(dir, 'test.target');
    const pid = await pidIn(pidFile);
    await rsd.waitFor(/Started stubborn/);
    expect(await rsd.stop()).toBe(0);
    expect(rsd.log).toMatch(/stubborn\.service: State 'stop-sigterm' timed out\. Killing\./);
    expect(alive(pid)).toBe(false);
  });

  it('KillMode=control-group also kills a double-forked grandchild', async () => {
    const pidFile = tree.path('grandchild.pid');
    const dir = units({
      'test.target': target('forker.service'),
      'forker.service': `[Service]\nExecStart=/bin/sh -c '(setsid sh -c "echo \\$\\$ > ${pidFile}; exec sleep 1000" &) ; exec sleep 1000'\n`,
    });
    rsd = start(dir, 'test.target');
    const pid = await pidIn(pidFile);
    expect(alive(pid)).toBe(true);
    expect(await rsd.stop()).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('skips a unit whose condition fails, without failing anything', async () => {
    const dir = units({
      'test.target': target('cond.service'),
      'cond.service': '[Unit]\nConditionPathExists=/nonexistent/rsd\n[Service]\nExecStart=/bin/sleep 1000\n',
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(
      /cond\.service: .*skipped because of an unmet condition check \(ConditionPathExists=\/nonexistent\/rsd\)/,
    );
    await rsd.waitFor(/Startup finished.*done/);
    expect(await rsd.stop()).toBe(0);
  });

  it('breaks an ordering cycle by dropping a wanted job, names the cycle, and still boots', async () => {
    const dir = units({
      'test.target': target('x.service y.service'),
      'x.service': '[Unit]\nAfter=y.service\n[Service]\nExecStart=/bin/sleep 1000\n',
      'y.service': '[Unit]\nAfter=x.service\n[Service]\nExecStart=/bin/sleep 1000\n',
    });
    rsd = start(dir, 'test.target');
    await rsd.waitFor(/Found ordering cycle/);
    await rsd.waitFor(/deleted to break ordering cycle/);
    await rsd.waitFor(/Startup finished/);
    expect(await rsd.stop()).toBe(0);
  });
});
