import { readdirSync, readFileSync } from 'node:fs';
import { ctl } from '../pid1/pid1-helpers';
import { TmpTree } from '../helpers/tmp';
import { alive, fileContent, Rsd } from './harness';

/* More of systemd.service(5) and systemd.kill(5), each shown by a minimal unit. */
let tree: TmpTree;
let rsd: Rsd | null = null;
const strays: number[] = [];
beforeEach(() => {
  tree = new TmpTree();
});
afterEach(() => {
  rsd?.kill();
  rsd = null;
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tree.cleanup();
});

function boot(files: Record<string, string>, unit = 'test.target'): Rsd {
  for (const [name, text] of Object.entries(files)) tree.write(`units/${name}`, text);
  return Rsd.start(tree.path('units'), { unit });
}

describe('more service behaviour', () => {
  it('StandardInput=data feeds StandardInputText= and StandardInputData= to the service', async () => {
    const out = tree.path('in');
    rsd = boot({
      'test.target': '[Unit]\nWants=in.service\n',
      'in.service': `[Service]\nType=oneshot\nStandardInput=data\nStandardInputText=hello\nStandardInputData=d29ybGQK\nExecStart=/bin/sh -c 'cat > ${out}'\n`,
    });
    await rsd.waitFor(/Started in\.service/);
    expect(readFileSync(out, 'utf8')).toBe('hello\nworld\n');
    expect(await rsd.stop()).toBe(0);
  });

  it('TimeoutStartSec= fails a start that takes too long, with result timeout', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=slow.service\n',
      'slow.service': '[Service]\nType=oneshot\nTimeoutStartSec=300ms\nExecStart=/bin/sleep 30\n',
    });
    await rsd.waitFor(/slow\.service: Start operation timed out/);
    await rsd.waitFor(/slow\.service: Failed with result 'timeout'/);
    expect(await rsd.stop()).toBe(0);
  });

  it('a simple service with RemainAfterExit=yes stays active after a clean exit; ExecStop= then sees no MAINPID', async () => {
    const stop = tree.path('stop');
    rsd = boot({
      'test.target': '[Unit]\nWants=remain.service\n',
      'remain.service': `[Service]\nRemainAfterExit=yes\nExecStart=/bin/true\nExecStop=/bin/sh -c 'echo "stop:$$MAINPID" > ${stop}'\n`,
    });
    await rsd.waitFor(/remain\.service: Main process exited, code=exited, status=0/);
    expect(await rsd.stop()).toBe(0);
    expect(readFileSync(stop, 'utf8')).toBe('stop:\n');
    expect(rsd.log).not.toMatch(/remain\.service: Failed/);
  });

  it('ExecStop= gets $MAINPID; ExecStopPost= gets EXIT_CODE and EXIT_STATUS of the main process', async () => {
    const out = tree.path('out');
    rsd = boot({
      'test.target': '[Unit]\nWants=vars.service\n',
      'vars.service': `[Service]\nExecStart=/bin/sh -c 'echo $$$$ > ${out}.pid; exec sleep 1000'\nExecStop=/bin/sh -c 'echo "$$MAINPID" > ${out}.stop; kill $$MAINPID'\nExecStopPost=/bin/sh -c 'echo "$$SERVICE_RESULT $$EXIT_CODE $$EXIT_STATUS" > ${out}.post'\n`,
    });
    const pid = (await fileContent(`${out}.pid`)).trim();
    await rsd.waitFor(/Started vars\.service/);
    expect(await rsd.stop()).toBe(0);
    expect(readFileSync(`${out}.stop`, 'utf8').trim()).toBe(pid);
    expect(readFileSync(`${out}.post`, 'utf8').trim()).toBe('success killed TERM');
  });

  it('KillMode=process stops only the main process; KillMode=mixed sends SIGTERM to the main process only', async () => {
    const out = tree.path('gc');
    rsd = boot({
      'test.target': '[Unit]\nWants=process.service\n',
      'process.service': `[Service]\nKillMode=process\nExecStart=/bin/sh -c '(setsid sh -c "echo \\\\$$$$ > ${out}; exec sleep 1000" &); exec sleep 1000'\n`,
    });
    const grandchild = Number(await fileContent(out));
    strays.push(grandchild);
    await rsd.waitFor(/Started process\.service/);
    expect(ctl(rsd.socket, 'stop', 'process.service').code).toBe(0);
    expect(alive(grandchild)).toBe(true);
    // At rsd's own exit the final sweep takes what KillMode=process left behind (rsd is its subreaper).
    expect(await rsd.stop()).toBe(0);
    expect(alive(grandchild)).toBe(false);
  });

  it('OnFailure= starts its unit when a service fails; a Requires= dependent fails with its dependency', async () => {
    const out = tree.path('handler');
    rsd = boot({
      'test.target': '[Unit]\nWants=dependent.service\n',
      'broken.service': '[Unit]\nOnFailure=handler.service\n[Service]\nType=oneshot\nExecStart=/bin/false\n',
      'dependent.service':
        '[Unit]\nRequires=broken.service\nAfter=broken.service\n[Service]\nExecStart=/bin/sleep 1000\n',
      'handler.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo handled > ${out}'\n`,
    });
    await rsd.waitFor(/dependent\.service: Dependency failed for/);
    expect((await fileContent(out)).trim()).toBe('handled');
    expect(await rsd.stop()).toBe(0);
  });

  it('BindsTo= stops a unit when the unit it is bound to stops on its own', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=bound.service\n',
      'short.service': '[Service]\nExecStart=/bin/sleep 0.3\n',
      'bound.service':
        '[Unit]\nBindsTo=short.service\nAfter=short.service\n[Service]\nExecStart=/bin/sleep 1000\n',
    });
    await rsd.waitFor(/Started bound\.service/);
    await rsd.waitFor(/bound\.service: Stopping .*bound to short\.service/);
    await rsd.waitFor(/Stopped bound\.service/);
    expect(await rsd.stop()).toBe(0);
  });

  it('a stop that arrives in the middle of a start leaves nothing running', async () => {
    const marker = String(4000 + Math.floor(Math.random() * 999));
    rsd = boot({
      'test.target': '[Unit]\nWants=midway.service\n',
      'midway.service': `[Service]\nExecStartPre=/bin/sleep 0.3\nExecStart=/bin/sleep ${marker}\n`,
    });
    await rsd.waitFor(/Starting midway\.service/);
    expect(await rsd.stop()).toBe(0);
    const left = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(marker);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });

  it('SIGHUP re-reads the units; SIGRTMIN+4 (poweroff) stops everything in order and exits 0', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=sig.service\n',
      'sig.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    });
    await rsd.waitFor(/Started sig\.service/);
    process.kill(rsd.pid(), 'SIGHUP');
    await rsd.waitFor(/Reloaded unit files/);
    process.kill(rsd.pid(), 34 + 4);
    expect(await rsd.exited).toBe(0);
    expect(rsd.log).toMatch(/Received SIGRTMIN\+4 \(poweroff\), stopping all units/);
    expect(rsd.log).toMatch(/Stopped sig\.service/);
  });

  it('SuccessAction=exit ends rsd with SuccessActionExitStatus=; FailureAction=exit passes the main exit status on', async () => {
    rsd = boot({
      'test.target': '[Unit]\nWants=done.service\n',
      'done.service':
        '[Unit]\nSuccessAction=exit\nSuccessActionExitStatus=7\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
    });
    expect(await rsd.exited).toBe(7);
    rsd.kill();
    tree.write('units2/test.target', '[Unit]\nWants=bad.service\n');
    tree.write(
      'units2/bad.service',
      "[Unit]\nFailureAction=exit\n[Service]\nExecStart=/bin/sh -c 'exit 3'\n",
    );
    rsd = Rsd.start(tree.path('units2'), { unit: 'test.target' });
    expect(await rsd.exited).toBe(3);
  });

  it('as PID 1 it reaps orphans that services leave behind', async () => {
    rsd = Rsd.start(tree.path('units'), { unit: 'test.target', pidNamespace: true, logLevel: 'debug' });
    tree.write('units/test.target', '[Unit]\nWants=orphans.service\n');
    tree.write(
      'units/orphans.service',
      "[Service]\nExecStart=/bin/sh -c 'for i in 1 2 3; do (sleep 0.1 &) ; done; exec sleep 1000'\n",
    );
    await rsd.waitFor(/Reaped orphan/);
    await new Promise((r) => setTimeout(r, 500));
    const children = readFileSync(`/proc/${rsd.pid()}/task/${rsd.pid()}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const c of children) expect(readFileSync(`/proc/${c}/stat`, 'utf8')).not.toMatch(/\) Z /);
    expect(await rsd.stop()).toBe(0);
  });
});
