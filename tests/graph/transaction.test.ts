import toposort from 'toposort';
import { DependencyGraph } from '../../src/graph/dependencies';
import type { ActiveState } from '../../src/graph/job-types';
import {
  buildTransaction,
  type Job,
  type JobRequest,
  type PendingJob,
  type TransactionResult,
} from '../../src/graph/transaction';
import { lookupOf, plain, svc, type FakeUnits } from './units';

type Ok = Extract<TransactionResult, { ok: true }>;

function run(
  units: FakeUnits,
  request: Partial<JobRequest> & { unit: string },
  active: Record<string, ActiveState> = {},
  pending: PendingJob[] = [],
): TransactionResult {
  const graph = DependencyGraph.build(Object.keys(units), lookupOf(units));
  return buildTransaction(
    graph,
    { job: 'start', mode: 'replace', ...request },
    (u) => active[u] ?? 'inactive',
    pending,
  );
}

function ok(r: TransactionResult): Ok {
  if (!r.ok) throw new Error(`transaction failed: ${r.error}\n${r.warnings.join('\n')}`);
  return r;
}

const ids = (r: Ok) => r.jobs.map((j) => j.id).sort();
const job = (r: Ok, unit: string): Job => {
  const j = r.jobs.find((x) => x.unit === unit);
  if (!j) throw new Error(`no job for ${unit}: ${ids(r).join(' ')}`);
  return j;
};

describe('buildTransaction: pulling in', () => {
  it('start pulls in Requires=, Wants=, BindsTo= recursively as start jobs, and Conflicts= as stop jobs', () => {
    const r = ok(
      run(
        {
          'a.service': svc('Requires=b.service\nWants=c.service\nBindsTo=d.service\nConflicts=x.service'),
          'b.service': svc('Wants=b2.service'),
          'b2.service': svc('Requires=b3.service'),
          'b3.service': svc(''),
          'c.service': svc(''),
          'd.service': svc(''),
          'x.service': svc(''),
          'unrelated.service': svc(''),
        },
        { unit: 'a.service' },
        { 'x.service': 'active' },
      ),
    );
    expect(ids(r)).toEqual([
      'a.service/start',
      'b.service/start',
      'b2.service/start',
      'b3.service/start',
      'c.service/start',
      'd.service/start',
      'x.service/stop',
    ]);
    expect(job(r, 'a.service').anchor).toBe(true);
  });

  it('a missing or masked wanted unit is dropped silently', () => {
    const r = ok(
      run({ 'a.service': svc('Wants=gone.service m.service'), 'm.service': null }, { unit: 'a.service' }),
    );
    expect(ids(r)).toEqual(['a.service/start']);
    expect(r.warnings).toEqual([]);
  });

  it('a missing or masked required unit fails the transaction', () => {
    const missing = run({ 'a.service': svc('Requires=gone.service') }, { unit: 'a.service' });
    expect(missing).toEqual({ ok: false, error: 'Unit gone.service not found.', warnings: [] });
    const masked = run({ 'a.service': svc('BindsTo=m.service'), 'm.service': null }, { unit: 'a.service' });
    expect(masked.ok).toBe(false);
    if (!masked.ok) expect(masked.error).toBe('Unit m.service is masked.');
  });

  it('a wanted unit whose own requirement is missing is dropped with what it pulled in', () => {
    const r = ok(
      run(
        {
          'a.service': svc('Wants=b.service'),
          'b.service': svc('Wants=c.service\nRequires=gone.service'),
          'c.service': svc(''),
        },
        { unit: 'a.service' },
      ),
    );
    expect(ids(r)).toEqual(['a.service/start']);
  });

  it('starting a not-found unit fails; stopping one is allowed', () => {
    expect(run({}, { unit: 'nope.service' })).toMatchObject({
      ok: false,
      error: 'Unit nope.service not found.',
    });
    expect(ok(run({}, { unit: 'nope.service', job: 'stop' })).jobs.map((j) => j.id)).toEqual([
      'nope.service/stop',
    ]);
  });

  it('units already active get no start job (redundant), so nothing waits for them', () => {
    const r = ok(
      run(
        { 'a.service': svc('Requires=b.service\nAfter=b.service'), 'b.service': svc('') },
        { unit: 'a.service' },
        { 'b.service': 'active' },
      ),
    );
    expect(ids(r)).toEqual(['a.service/start']);
    expect(job(r, 'a.service').waitsFor).toEqual([]);
  });

  it('default dependencies pull in sysinit.target and order after basic.target when it is in the transaction', () => {
    const r = ok(
      run({ 'a.service': '[Service]\nExecStart=/bin/true\nStandardOutput=null\n' }, { unit: 'a.service' }),
    );
    expect(ids(r)).toContain('sysinit.target/start');
    expect(ids(r)).not.toContain('basic.target/start');
    expect(job(r, 'a.service').waitsFor).toEqual(['sysinit.target/start']);
    // shutdown.target is Conflicts= of the service, but it is inactive: its stop job is redundant.
    expect(ids(r)).not.toContain('shutdown.target/stop');
  });
});

describe('buildTransaction: Requisite=', () => {
  const units = { 'a.service': svc('Requisite=b.service\nAfter=b.service'), 'b.service': svc('') };
  it('succeeds when the unit is active, with no job for it', () => {
    expect(ids(ok(run(units, { unit: 'a.service' }, { 'b.service': 'active' })))).toEqual([
      'a.service/start',
    ]);
  });
  it('fails when the unit is not active', () => {
    const r = run(units, { unit: 'a.service' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe('Unit b.service is not active (Requisite= of a.service/start).');
  });
  it('is satisfied by a start job for the same unit in the transaction (verify-active merges into start)', () => {
    const r = ok(run({ ...units, 'c.target': plain('Wants=a.service b.service') }, { unit: 'c.target' }));
    expect(ids(r)).toEqual(['a.service/start', 'b.service/start', 'c.target/start']);
    expect(job(r, 'a.service').waitsFor).toEqual(['b.service/start']);
  });
  it('a wanted unit with an inactive Requisite= is dropped, not the request', () => {
    const r = ok(run({ ...units, 'w.target': plain('Wants=a.service') }, { unit: 'w.target' }));
    expect(ids(r)).toEqual(['w.target/start']);
    expect(r.warnings.join('\n')).toContain('b.service is not active');
  });
});

describe('buildTransaction: stop and restart propagation', () => {
  const units: FakeUnits = {
    'a.service': svc(''),
    'req.service': svc('Requires=a.service'),
    'bound.service': svc('BindsTo=a.service'),
    'part.service': svc('PartOf=a.service'),
    'wanter.service': svc('Wants=a.service'),
    'stopto.service': svc('StopPropagatedFrom=a.service'),
  };
  const allActive: Record<string, ActiveState> = Object.fromEntries(
    Object.keys(units).map((u) => [u, 'active']),
  );

  it('stop propagates to RequiredBy, BoundBy, ConsistsOf (PartOf=) and PropagatesStopTo, not WantedBy', () => {
    const r = ok(run(units, { unit: 'a.service', job: 'stop' }, allActive));
    expect(ids(r)).toEqual([
      'a.service/stop',
      'bound.service/stop',
      'part.service/stop',
      'req.service/stop',
      'stopto.service/stop',
    ]);
    // Stops run in reverse start order: a waits for the units that were after it.
    expect(job(r, 'req.service').waitsFor).toEqual([]);
  });

  it('restart propagates as try-restart to running units only; the stop half reaches PropagatesStopTo', () => {
    const active = { ...allActive, 'part.service': 'inactive' as ActiveState };
    const r = ok(run(units, { unit: 'a.service', job: 'restart' }, active));
    expect(ids(r)).toEqual([
      'a.service/restart',
      'bound.service/restart',
      'req.service/restart',
      'stopto.service/stop',
    ]);
  });

  it('try-restart of an inactive unit is a nop', () => {
    expect(ids(ok(run(units, { unit: 'a.service', job: 'try-restart' })))).toEqual(['a.service/nop']);
  });

  it('reload propagates to PropagatesReloadTo units that are running; reload needs ExecReload=', () => {
    const r = ok(
      run(
        {
          'a.service': svc('PropagatesReloadTo=b.service c.service', 'ExecReload=/bin/true'),
          'b.service': svc('', 'ExecReload=/bin/true'),
          'c.service': svc('', 'ExecReload=/bin/true'),
        },
        { unit: 'a.service', job: 'reload' },
        { 'a.service': 'active', 'b.service': 'active' },
      ),
    );
    expect(ids(r)).toEqual(['a.service/reload', 'b.service/reload']);
    const bad = run(
      { 'a.service': svc('') },
      { unit: 'a.service', job: 'reload' },
      { 'a.service': 'active' },
    );
    expect(bad).toMatchObject({ ok: false, error: 'Job type reload is not applicable for unit a.service.' });
  });
});

describe('buildTransaction: modes', () => {
  const units: FakeUnits = {
    'rescue.target': plain('Requires=r.service\nAllowIsolate=yes'),
    'r.service': svc(''),
    'old.service': svc(''),
    'keep.service': svc('IgnoreOnIsolate=yes'),
    'plain.target': plain(''),
  };
  it('isolate stops every running unit not pulled in, except IgnoreOnIsolate=yes ones', () => {
    const r = ok(
      run(
        units,
        { unit: 'rescue.target', mode: 'isolate' },
        { 'old.service': 'active', 'keep.service': 'active' },
        [{ unit: 'plain.target', type: 'start' }],
      ),
    );
    expect(ids(r)).toEqual([
      'old.service/stop',
      'plain.target/stop',
      'r.service/start',
      'rescue.target/start',
    ]);
    expect(r.cancelled).toEqual(['plain.target/start']);
  });

  it('isolate needs AllowIsolate= and a start job', () => {
    expect(run(units, { unit: 'plain.target', mode: 'isolate' })).toMatchObject({
      ok: false,
      error: 'Operation refused, unit may not be isolated.',
    });
    expect(run(units, { unit: 'rescue.target', job: 'stop', mode: 'isolate' })).toMatchObject({
      ok: false,
      error: 'Isolate is only valid for start.',
    });
  });

  it('mode fail refuses to reverse a queued job; replace cancels it', () => {
    const u: FakeUnits = { 'a.service': svc('Conflicts=b.service'), 'b.service': svc('') };
    const pending: PendingJob[] = [{ unit: 'b.service', type: 'start' }];
    const failed = run(u, { unit: 'a.service', mode: 'fail' }, {}, pending);
    expect(failed).toMatchObject({
      ok: false,
      error:
        "Transaction for a.service/start is destructive (b.service has 'start' job queued, but 'stop' is included in transaction).",
    });
    const replaced = ok(run(u, { unit: 'a.service' }, {}, pending));
    expect(ids(replaced)).toEqual(['a.service/start', 'b.service/stop']);
    expect(replaced.cancelled).toEqual(['b.service/start']);
  });

  it('mode fail drops optional jobs that would stop running units', () => {
    const u: FakeUnits = {
      'a.service': svc('Wants=w.service'),
      'w.service': svc('Conflicts=run.service'),
      'run.service': svc(''),
    };
    const r = ok(run(u, { unit: 'a.service', mode: 'fail' }, { 'run.service': 'active' }));
    expect(ids(r)).toEqual(['a.service/start']);
  });

  it('ignore-requirements pulls in nothing but keeps ordering; ignore-dependencies ignores ordering too', () => {
    const u: FakeUnits = { 'a.service': svc('Requires=b.service\nAfter=b.service'), 'b.service': svc('') };
    const pending: PendingJob[] = [{ unit: 'b.service', type: 'start' }];
    const req = ok(run(u, { unit: 'a.service', mode: 'ignore-requirements' }, {}, pending));
    expect(req.jobs).toMatchObject([{ id: 'a.service/start', waitsFor: ['b.service/start'] }]);
    const dep = ok(run(u, { unit: 'a.service', mode: 'ignore-dependencies' }, {}, pending));
    expect(dep.jobs).toMatchObject([{ id: 'a.service/start', waitsFor: [] }]);
  });

  it('replace-irreversibly marks jobs irreversible, and later transactions cannot reverse them', () => {
    const u: FakeUnits = { 'a.service': svc('Conflicts=b.service'), 'b.service': svc('') };
    expect(ok(run(u, { unit: 'b.service', mode: 'replace-irreversibly' })).jobs[0]!.irreversible).toBe(true);
    const r = run(u, { unit: 'a.service' }, {}, [{ unit: 'b.service', type: 'start', irreversible: true }]);
    expect(r.ok).toBe(false);
  });

  it('flush cancels every queued job not in the transaction', () => {
    const r = ok(
      run({ 'a.service': svc('') }, { unit: 'a.service', mode: 'flush' }, {}, [
        { unit: 'z.service', type: 'stop' },
      ]),
    );
    expect(r.cancelled).toEqual(['z.service/stop']);
  });

  it('RefuseManualStart= refuses a client start but not a pull-in', () => {
    const u: FakeUnits = {
      'a.service': svc('Requires=r.service'),
      'r.service': svc('RefuseManualStart=yes'),
    };
    expect(run(u, { unit: 'r.service', manual: true })).toMatchObject({ ok: false });
    expect(ids(ok(run(u, { unit: 'a.service', manual: true })))).toEqual([
      'a.service/start',
      'r.service/start',
    ]);
  });
});

describe('buildTransaction: job merging', () => {
  it('verify-active and start for one unit merge into start', () => {
    const r = ok(
      run(
        { 'a.target': plain('Requisite=b.service\nWants=b.service'), 'b.service': svc('') },
        { unit: 'a.target' },
      ),
    );
    expect(ids(r)).toEqual(['a.target/start', 'b.service/start']);
  });

  it('a wanted start and a required stop for one unit: the optional start is dropped', () => {
    const r = ok(
      run(
        { 'a.target': plain('Wants=b.service\nConflicts=b.service'), 'b.service': svc('') },
        { unit: 'a.target' },
        { 'b.service': 'active' },
      ),
    );
    expect(ids(r)).toEqual(['a.target/start', 'b.service/stop']);
  });

  it('a required start and a required stop for one unit fail the transaction', () => {
    const r = run(
      { 'a.target': plain('Requires=b.service\nConflicts=b.service'), 'b.service': svc('') },
      { unit: 'a.target' },
    );
    // b's stop also propagates to a.target (it Requires= b), so a.target has a start and a stop too.
    expect(r).toMatchObject({
      ok: false,
      error:
        "Transaction contains conflicting jobs 'stop' and 'start' for a.target. Probably contradicting requirement dependencies configured.",
    });
  });

  it('restart of a unit that is also started merges into restart', () => {
    const r = ok(
      run(
        { 'a.service': svc('Requires=b.service'), 'b.service': svc('Requires=a.service') },
        { unit: 'a.service', job: 'restart' },
        { 'a.service': 'active', 'b.service': 'active' },
      ),
    );
    expect(ids(r)).toEqual(['a.service/restart', 'b.service/restart']);
  });
});

describe('buildTransaction: ordering', () => {
  it('breaks a 3-unit cycle by deleting the job that is only wanted, naming the whole cycle', () => {
    const r = ok(
      run(
        {
          'a.service': svc('Requires=b.service\nWants=c.service\nAfter=c.service'),
          'b.service': svc('After=a.service'),
          'c.service': svc('After=b.service'),
        },
        { unit: 'a.service' },
      ),
    );
    expect(ids(r)).toEqual(['a.service/start', 'b.service/start']);
    expect(r.warnings).toEqual([
      'a.service: Found ordering cycle on c.service/start',
      'a.service: Found dependency on b.service/start',
      'a.service: Found dependency on a.service/start',
      'a.service: Job c.service/start deleted to break ordering cycle starting with a.service/start',
    ]);
    expect(job(r, 'b.service').waitsFor).toEqual(['a.service/start']);
  });

  it('fails cleanly when every job on the cycle is required', () => {
    const r = run(
      {
        'a.service': svc('Requires=b.service\nAfter=c.service'),
        'b.service': svc('Requires=c.service\nAfter=a.service'),
        'c.service': svc('After=b.service'),
      },
      { unit: 'a.service' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBe(
      'Transaction order is cyclic: a.service/start -> b.service/start -> c.service/start -> a.service/start',
    );
    expect(r.warnings).toContain('a.service: Unable to break cycle starting with a.service/start');
  });

  it('orders a 10-layer chain as wait-for edges, with unrelated units free to run at once', () => {
    const units: Record<string, string> = {
      'top.target': plain(
        `Wants=l0.service ${Array.from({ length: 5 }, (_, i) => `free${i}.service`).join(' ')}`,
      ),
    };
    for (let i = 0; i < 10; i++) {
      units[`l${i}.service`] = svc(i < 9 ? `Requires=l${i + 1}.service\nAfter=l${i + 1}.service` : '');
    }
    for (let i = 0; i < 5; i++) units[`free${i}.service`] = svc('');
    const r = ok(run(units, { unit: 'top.target' }));
    for (let i = 0; i < 9; i++) expect(job(r, `l${i}.service`).waitsFor).toEqual([`l${i + 1}.service/start`]);
    expect(job(r, 'l9.service').waitsFor).toEqual([]);
    for (let i = 0; i < 5; i++) expect(job(r, `free${i}.service`).waitsFor).toEqual([]);
    const edges = r.jobs.flatMap((j) => j.waitsFor.map((w): [string, string] => [w, j.id]));
    const order = toposort.array(
      r.jobs.map((j) => j.id),
      edges,
    );
    expect(order.indexOf('l9.service/start')).toBeLessThan(order.indexOf('l0.service/start'));
  });

  it('stop jobs run in reverse order, and a stop runs before a start it is ordered against either way', () => {
    const u: FakeUnits = {
      'a.service': svc('Requires=b.service\nAfter=b.service'),
      'b.service': svc(''),
      'c.service': svc('After=a.service'),
      'd.target': plain('Wants=c.service\nConflicts=a.service'),
    };
    const stop = ok(
      run(u, { unit: 'b.service', job: 'stop' }, { 'a.service': 'active', 'b.service': 'active' }),
    );
    expect(job(stop, 'b.service').waitsFor).toEqual(['a.service/stop']);
    const mixed = ok(run(u, { unit: 'd.target' }, { 'a.service': 'active' }));
    // c is After= a, a is being stopped and c started: the stop goes first.
    expect(job(mixed, 'c.service').waitsFor).toEqual(['a.service/stop']);
  });

  it('restart waits like a stop: the restarted unit goes down after the units after it', () => {
    const r = ok(
      run(
        { 'a.service': svc(''), 'b.service': svc('Requires=a.service\nAfter=a.service') },
        { unit: 'a.service', job: 'restart' },
        {
          'a.service': 'active',
          'b.service': 'active',
        },
      ),
    );
    expect(job(r, 'a.service').waitsFor).toEqual(['b.service/restart']);
  });

  it('a job waits for a queued job of a unit it is After=', () => {
    const r = ok(
      run({ 'a.service': svc('After=q.service'), 'q.service': svc('') }, { unit: 'a.service' }, {}, [
        { unit: 'q.service', type: 'start' },
      ]),
    );
    expect(job(r, 'a.service').waitsFor).toEqual(['q.service/start']);
  });

  it('builds a start transaction over a 1000-unit graph in well under a second', () => {
    const units: Record<string, string> = {};
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const deps = [i + 1, i + 7, i * 3 + 1].filter((d) => d < 1000).map((d) => `u${d}.service`);
      units[`u${i}.service`] = svc(`Wants=${deps.join(' ')}\nAfter=${deps.join(' ')}`);
      names.push(`u${i}.service`);
    }
    units['big.target'] = plain(`Wants=${names.join(' ')}`);
    const graph = DependencyGraph.build(['big.target'], lookupOf(units));
    const t0 = performance.now();
    const r = ok(
      buildTransaction(graph, { unit: 'big.target', job: 'start', mode: 'replace' }, () => 'inactive'),
    );
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.jobs).toHaveLength(1001);
  });
});
