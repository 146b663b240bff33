import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { alive, fileContent, freshTreeEachTest, Rsd } from '../boot/harness';
import { cgroupDirOf } from './pid1-helpers';

/*
 * rsd as PID 1 of its own PID namespace: it must reap every orphan a service leaves behind, even a storm
 * of them, and a SIGTERM that arrives while the boot is still running must end in an orderly shutdown.
 */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

function units(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) tree.write(`units/${name}`, text);
  return tree.path('units');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The children of every thread of `pid` (orphans are reparented to one thread of the reaper). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The state letter of /proc/<pid>/stat, or null once the pid is gone. */
function stateOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return null;
  }
}

const zombiesAmong = (pids: number[]): number[] => pids.filter((p) => stateOf(p) === 'Z');

describe('rsd as PID 1', () => {
  it('reaps an orphan storm of 10,000 double-forked children and leaves no zombie', async () => {
    const done = tree.path('storm.done');
    const dir = units({
      'test.target': '[Unit]\nWants=storm.service\n',
      // Each (true &) is a subshell that forks `true` and exits at once: `true` is reparented to rsd.
      'storm.service': `[Service]\nExecStart=/bin/sh -c 'for i in $$(seq 10000); do (true &) ; done; echo done > ${done}; exec sleep 1000'\n`,
    });
    rsd = Rsd.start(dir, { unit: 'test.target', pidNamespace: true, logLevel: 'debug' });
    await rsd.waitFor(/Startup finished/);
    await fileContent(done, 120_000);
    const pid = rsd.pid();

    // Settle: bounded wait until no child of rsd is a zombie (the storm's last exits may still be arriving).
    const end = Date.now() + 60_000;
    let zombies = zombiesAmong(childrenOf(pid));
    while (zombies.length > 0 && Date.now() < end) {
      await sleep(100);
      zombies = zombiesAmong(childrenOf(pid));
    }
    const left = childrenOf(pid);
    expect({ zombies: zombiesAmong(left), left: left.length }).toEqual({
      zombies: [],
      left: expect.any(Number),
    });
    // What remains is the service's own process (the exec'd sleep), not leftovers of the storm.
    expect(left.filter((p) => stateOf(p) !== null).length).toBeLessThanOrEqual(1);
    expect(rsd.lines.some((l) => /Reaped orphan \d+\./.test(l))).toBe(true);

    // rsd still answers: SIGTERM stops everything and it exits 0.
    expect(await rsd.stop(30_000)).toBe(0);
  }, 240_000);

  it('SIGTERM during boot (while a slow ExecStartPre= runs) ends in an orderly shutdown, exit 0, nothing left', async () => {
    const prePid = tree.path('pre.pid');
    const started = tree.path('main.started');
    const dir = units({
      'test.target': '[Unit]\nWants=slow.service\n',
      'slow.service':
        '[Unit]\nDescription=slow to start\n[Service]\n' +
        `ExecStartPre=/bin/sh -c 'echo $$$$ > ${prePid}; exec sleep 30'\n` +
        `ExecStart=/bin/sh -c 'echo yes > ${started}; exec sleep 1000'\n`,
    });
    rsd = Rsd.start(dir, { unit: 'test.target', pidNamespace: true, logLevel: 'debug' });
    await rsd.waitFor(/Starting /);
    const rsdPid = rsd.pid();
    process.kill(rsdPid, 'SIGTERM');
    const t = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
    const code = await Promise.race([rsd.exited, t]);
    expect({ code, log: code === 0 ? '' : rsd.log }).toEqual({ code: 0, log: '' });
    // The boot never completed: rsd may log its end, but only as canceled, and only after the SIGTERM.
    const lines = rsd.lines;
    const term = lines.findIndex((l) => /Received SIGTERM/.test(l));
    expect(term).toBeGreaterThanOrEqual(0);
    for (const l of lines.filter((x) => /Startup finished/.test(x))) expect(l).toMatch(/: canceled\)/);
    expect(lines.slice(term).some((l) => /slow\.service: Stopped/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/All units stopped\. Exiting\./);
    expect(existsSync(started)).toBe(false);
    expect(alive(rsdPid)).toBe(false);
  }, 60_000);

  it('SIGTERM once ExecStartPre= runs stops it, exits 0 and leaves its cgroup empty', async () => {
    const prePid = tree.path('pre.pid');
    const started = tree.path('main.started');
    const dir = units({
      'test.target': '[Unit]\nWants=slow.service\n',
      'slow.service':
        '[Unit]\nDescription=slow to start\n[Service]\n' +
        `ExecStartPre=/bin/sh -c 'echo $$$$ > ${prePid}; exec sleep 30'\n` +
        `ExecStart=/bin/sh -c 'echo yes > ${started}; exec sleep 1000'\n`,
    });
    rsd = Rsd.start(dir, { unit: 'test.target', pidNamespace: true, logLevel: 'debug' });
    await rsd.waitFor(/Starting /);
    const pre = rsd.globalPid(Number(await fileContent(prePid)));
    expect(pre).toBeGreaterThan(0);
    const cg = cgroupDirOf(pre);
    const t0 = Date.now();
    expect(await rsd.stop(20_000)).toBe(0);
    // Orderly: rsd stopped the ExecStartPre= itself (well before its 30 s sleep ends), nothing ran after it.
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(alive(pre)).toBe(false);
    expect(existsSync(started)).toBe(false);
    if (cg !== null && existsSync(cg)) expect(readFileSync(join(cg, 'cgroup.procs'), 'utf8').trim()).toBe('');
  }, 60_000);
});
