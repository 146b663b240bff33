import { DependencyGraph } from '../../src/graph/dependencies';
import { DEPENDENCY_KINDS, INVERSE, type DependencyKind } from '../../src/graph/dependency-kinds';
import type { LoadedUnit } from '../../src/load/unit-loader';
import { lookupOf, plain, svc } from './units';

describe('DependencyGraph: explicit dependencies and their inverses', () => {
  const settings: Array<[string, DependencyKind, DependencyKind]> = [
    ['Requires', 'Requires', 'RequiredBy'],
    ['Requisite', 'Requisite', 'RequisiteOf'],
    ['Wants', 'Wants', 'WantedBy'],
    ['BindsTo', 'BindsTo', 'BoundBy'],
    ['BindTo', 'BindsTo', 'BoundBy'],
    ['PartOf', 'PartOf', 'ConsistsOf'],
    ['Upholds', 'Upholds', 'UpheldBy'],
    ['Conflicts', 'Conflicts', 'ConflictedBy'],
    ['Before', 'Before', 'After'],
    ['After', 'After', 'Before'],
    ['OnFailure', 'OnFailure', 'OnFailureOf'],
    ['OnSuccess', 'OnSuccess', 'OnSuccessOf'],
    ['PropagatesReloadTo', 'PropagatesReloadTo', 'ReloadPropagatedFrom'],
    ['ReloadPropagatedFrom', 'ReloadPropagatedFrom', 'PropagatesReloadTo'],
    ['PropagatesStopTo', 'PropagatesStopTo', 'StopPropagatedFrom'],
    ['StopPropagatedFrom', 'StopPropagatedFrom', 'PropagatesStopTo'],
    ['JoinsNamespaceOf', 'JoinsNamespaceOf', 'JoinsNamespaceOf'],
  ];
  it.each(settings)('%s= gives %s on the unit and %s on the other', (setting, kind, inverse) => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({ 'a.service': svc(`${setting}=b.service`), 'b.service': svc('') }),
    );
    expect(g.deps('a.service', kind)).toEqual(['b.service']);
    expect(g.deps('b.service', inverse)).toEqual(['a.service']);
    expect(g.edgesOf('a.service')).toEqual([{ kind, other: 'b.service', origin: 'file' }]);
  });

  it('has an inverse for every kind, and inverting twice is the identity', () => {
    for (const k of DEPENDENCY_KINDS) expect(INVERSE[INVERSE[k]]).toBe(k);
  });

  it('loads referenced units lazily and keeps missing and masked ones as not-loaded nodes', () => {
    const lookup = jest.fn(
      lookupOf({ 'a.service': svc('Wants=gone.service m.service\nAfter=late.service'), 'm.service': null }),
    );
    const g = DependencyGraph.build(['a.service'], lookup);
    expect(g.unit('gone.service')?.loadState).toBe('not-found');
    expect(g.unit('m.service')?.loadState).toBe('masked');
    expect(g.unit('late.service')?.loadState).toBe('not-found');
    expect(g.deps('gone.service', 'WantedBy')).toEqual(['a.service']);
    expect(g.ids().sort()).toEqual(['a.service', 'gone.service', 'late.service', 'm.service']);
    const calls = lookup.mock.calls.length;
    g.ensure(['a.service', 'm.service']);
    expect(lookup.mock.calls.length).toBe(calls);
  });

  it('stores edges by id when a unit is named by an alias', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf(
        { 'a.service': svc('Requires=alias.service'), 'real.service': svc('') },
        { 'alias.service': 'real.service' },
      ),
    );
    expect(g.deps('a.service', 'Requires')).toEqual(['real.service']);
    expect(g.deps('real.service', 'RequiredBy')).toEqual(['a.service']);
    expect(g.resolve('alias.service')).toBe('real.service');
  });

  it('merges .wants/ links the loader put into Wants= like any other Wants=', () => {
    // The loader appends .wants/ and .requires/ symlinks to config.Unit.Wants/Requires.
    const base = lookupOf({ 't.target': plain(''), 'x.service': svc('') });
    const lookup = (name: string): LoadedUnit => {
      const u = base(name);
      if (u.loadState !== 'loaded' || name !== 't.target') return u;
      // Config blocks keep their defaults on the prototype, so derive rather than spread.
      const Unit = Object.create(u.config.Unit) as typeof u.config.Unit;
      Unit.Wants = [...u.config.Unit.Wants, 'x.service'];
      return { ...u, config: { ...u.config, Unit } };
    };
    const g = DependencyGraph.build(['t.target'], lookup);
    expect(g.deps('t.target', 'Wants')).toEqual(['x.service']);
    expect(g.deps('x.service', 'WantedBy')).toEqual(['t.target']);
  });

  it('ignores dependencies of a unit on itself', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({ 'a.service': svc('Wants=a.service\nAfter=a.service') }),
    );
    expect(g.edgesOf('a.service')).toEqual([]);
  });
});

describe('DependencyGraph: default dependencies (systemd 252)', () => {
  it('service: Requires+After sysinit.target, After basic.target, Conflicts+Before shutdown.target', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({ 'a.service': '[Service]\nExecStart=/bin/true\nStandardOutput=null\n' }),
    );
    expect(g.edgesOf('a.service')).toEqual([
      { kind: 'Requires', other: 'sysinit.target', origin: 'default' },
      { kind: 'Conflicts', other: 'shutdown.target', origin: 'default' },
      { kind: 'Before', other: 'shutdown.target', origin: 'default' },
      { kind: 'After', other: 'sysinit.target', origin: 'default' },
      { kind: 'After', other: 'basic.target', origin: 'default' },
    ]);
    // basic.target does not Want the service: After= basic.target orders, it does not pull in.
    expect(g.deps('basic.target', 'RequiredBy')).toEqual([]);
  });

  it('service logging to the journal is After= systemd-journald.socket, DefaultDependencies or not', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({ 'a.service': plain('', '[Service]\nExecStart=/bin/true\n') }),
    );
    expect(g.has('a.service', 'After', 'systemd-journald.socket')).toBe(true);
    expect(g.deps('a.service', 'Requires')).toEqual([]);
  });

  it('DefaultDependencies=no adds nothing', () => {
    const g = DependencyGraph.build(['a.service'], lookupOf({ 'a.service': svc('') }));
    expect(g.edgesOf('a.service')).toEqual([]);
  });

  it('socket: Before sockets.target, Requires+After sysinit.target, Conflicts+Before shutdown.target, Before+Triggers its service', () => {
    const g = DependencyGraph.build(
      ['a.socket'],
      lookupOf({ 'a.socket': '[Socket]\nListenStream=/run/a.sock\n', 'a.service': svc('') }),
    );
    const edges = g.edgesOf('a.socket').map((e) => `${e.kind} ${e.other} ${e.origin}`);
    expect(edges.sort()).toEqual(
      [
        'Before a.service implicit',
        'Triggers a.service implicit',
        'Before sockets.target default',
        'Requires sysinit.target default',
        'After sysinit.target default',
        'Conflicts shutdown.target default',
        'Before shutdown.target default',
      ].sort(),
    );
    expect(g.deps('a.service', 'TriggeredBy')).toEqual(['a.socket']);
    expect(g.deps('a.service', 'After')).toContain('a.socket');
  });

  it('socket with Service= triggers that service; Accept=yes triggers none', () => {
    const g = DependencyGraph.build(
      ['a.socket', 'b.socket'],
      lookupOf({
        'a.socket': plain('', '[Socket]\nListenStream=/run/a.sock\nService=other.service\n'),
        'b.socket': plain('', '[Socket]\nListenStream=/run/b.sock\nAccept=yes\n'),
        'other.service': svc(''),
      }),
    );
    expect(g.deps('a.socket', 'Triggers')).toEqual(['other.service']);
    expect(g.deps('b.socket', 'Triggers')).toEqual([]);
  });

  it('service Sockets= wants, orders after and is triggered by the sockets', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({
        'a.service': svc('', 'Sockets=x.socket'),
        'x.socket': plain('', '[Socket]\nListenStream=/run/x.sock\nService=a.service\n'),
      }),
    );
    expect(g.deps('a.service', 'Wants')).toEqual(['x.socket']);
    expect(g.has('a.service', 'After', 'x.socket')).toBe(true);
    expect(g.deps('a.service', 'TriggeredBy')).toEqual(['x.socket']);
  });

  it('target: Conflicts+Before shutdown.target, and After= what it pulls in when both have default dependencies', () => {
    const g = DependencyGraph.build(
      ['t.target'],
      lookupOf({
        't.target': '[Unit]\nWants=a.service b.service c.service\nRequires=d.target\nPartOf=p.target\n',
        'a.service': '[Service]\nExecStart=/bin/true\n',
        'b.service': svc(''), // DefaultDependencies=no: no implied ordering
        'c.service': '[Unit]\nAfter=t.target\n[Service]\nExecStart=/bin/true\n', // would loop
        'd.target': '[Unit]\n',
        'p.target': '[Unit]\n',
      }),
    );
    const after = g.edgesOf('t.target').filter((e) => e.kind === 'After' && e.origin === 'default');
    expect(after.map((e) => e.other).sort()).toEqual(['a.service', 'd.target', 'p.target']);
    expect(g.has('t.target', 'Conflicts', 'shutdown.target')).toBe(true);
    expect(g.has('t.target', 'Before', 'shutdown.target')).toBe(true);
    expect(g.has('t.target', 'After', 'b.service')).toBe(false);
    expect(g.has('t.target', 'After', 'c.service')).toBe(false);
    // Not-found units get no implied ordering either.
    expect(g.has('t.target', 'After', 'missing.service')).toBe(false);
  });

  it('target with DefaultDependencies=no orders after nothing implicitly; shutdown.target does not conflict with itself', () => {
    const g = DependencyGraph.build(
      ['t.target', 'shutdown.target'],
      lookupOf({ 't.target': plain('Wants=a.service'), 'a.service': '[Service]\nExecStart=/bin/true\n' }),
    );
    expect(g.has('t.target', 'After', 'a.service')).toBe(false);
    expect(g.edgesOf('shutdown.target').filter((e) => e.kind === 'Conflicts')).toEqual([]);
  });

  it('a target loaded later still orders after units it wants that were loaded first', () => {
    const g = DependencyGraph.build(
      ['a.service'],
      lookupOf({ 'a.service': '[Service]\nExecStart=/bin/true\n', 't.target': '[Unit]\nWants=a.service\n' }),
    );
    expect(g.has('t.target', 'After', 'a.service')).toBe(false);
    g.ensure(['t.target']);
    expect(g.has('t.target', 'After', 'a.service')).toBe(true);
    expect(g.has('a.service', 'Before', 't.target')).toBe(true);
  });

  it('builds a 1000-unit graph well under a second', () => {
    const units: Record<string, string> = {};
    const names: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const deps = [i + 1, i + 7, i * 3 + 1].filter((d) => d < 1000).map((d) => `u${d}.service`);
      units[`u${i}.service`] =
        `[Unit]\nWants=${deps.join(' ')}\nAfter=${deps.join(' ')}\n[Service]\nExecStart=/bin/true\n`;
      names.push(`u${i}.service`);
    }
    units['multi-user.target'] = `[Unit]\nWants=${names.join(' ')}\n`;
    const lookup = lookupOf(units);
    for (const n of names) lookup(n); // parse outside the timed part: only the graph is measured here
    const t0 = performance.now();
    const g = DependencyGraph.build(['multi-user.target'], lookup);
    const ms = performance.now() - t0;
    expect(g.deps('multi-user.target', 'Wants')).toHaveLength(1000);
    expect(g.has('multi-user.target', 'After', 'u999.service')).toBe(true);
    expect(ms).toBeLessThan(5000);
  });
});
