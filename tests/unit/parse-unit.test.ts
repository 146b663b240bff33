import { parseUnit, type ParsedUnit } from '../../src/unit/parse-unit';
import type { UnitType } from '../../src/unit/name';
import type { ServiceConfig, SocketConfig, UnitConfig } from '../../src/unit/table';
import { ok } from '../../src/unit/values/result';

function parse(name: string, ...files: string[]): ParsedUnit {
  const type = name.slice(name.lastIndexOf('.') + 1) as UnitType;
  return parseUnit({
    name,
    type,
    files: files.map((content, i) => ({ path: i === 0 ? `/u/${name}` : `/u/${name}.d/${i}.conf`, content })),
    expand: (s) => ok(s.replace(/%n/g, name)),
  });
}

function loaded(p: ParsedUnit): UnitConfig {
  if (!p.ok)
    throw new Error(`unit failed to load: ${p.reason}\n${p.diagnostics.map((d) => d.message).join('\n')}`);
  return p.config;
}
const service = (p: ParsedUnit) => loaded(p) as ServiceConfig;
const socket = (p: ParsedUnit) => loaded(p) as SocketConfig;

describe('parseUnit', () => {
  it('applies systemd defaults to everything not set', () => {
    const c = service(parse('a.service', '[Service]\nExecStart=/bin/true\n'));
    expect(c.Service.Type).toBe('simple');
    expect(c.Service.Restart).toBe('no');
    expect(c.Service.TimeoutStartSec).toBe(90_000_000);
    expect(c.Service.RestartSec).toBe(100_000);
    expect(c.Kill.KillMode).toBe('control-group');
    expect(c.Kill.KillSignal).toBe(15);
    expect(c.Kill.SendSIGKILL).toBe(true);
    expect(c.Unit.DefaultDependencies).toBe(true);
    expect(c.Unit.StartLimitIntervalSec).toBe(10_000_000);
    expect(c.Unit.StartLimitBurst).toBe(5);
    expect(c.Exec.UMask).toBe(0o022);
    expect(c.Exec.StandardOutput).toEqual({ kind: 'journal' });
  });

  it('accumulates list settings and resets them on an empty assignment', () => {
    const c = service(
      parse(
        'a.service',
        '[Unit]\nAfter=x.service y.service\nAfter=z.service\n[Service]\nExecStart=/bin/true\nExecStartPre=/bin/a\nExecStartPre=\nExecStartPre=/bin/b\n',
      ),
    );
    expect(c.Unit.After).toEqual(['x.service', 'y.service', 'z.service']);
    expect(c.Service.ExecStartPre.map((e) => e.path)).toEqual(['/bin/b']);
  });

  it('lets the last assignment of a scalar win, across drop-ins', () => {
    const c = service(
      parse(
        'a.service',
        '[Service]\nExecStart=/bin/true\nRestart=always\n',
        '[Service]\nRestart=on-failure\n',
      ),
    );
    expect(c.Service.Restart).toBe('on-failure');
  });

  it('lets a drop-in reset ExecStart= and replace it', () => {
    const c = service(
      parse(
        'a.service',
        '[Service]\nExecStart=/bin/old\n',
        '[Service]\nExecStart=\nExecStart=/bin/new --flag\n',
      ),
    );
    expect(c.Service.ExecStart).toHaveLength(1);
    expect(c.Service.ExecStart[0]!.argv).toEqual(['/bin/new', '--flag']);
  });

  it('TimeoutSec= sets both start and stop timeouts; 0 means no timeout', () => {
    const c = service(parse('a.service', '[Service]\nExecStart=/bin/true\nTimeoutSec=0\n'));
    expect(c.Service.TimeoutStartSec).toBe(Infinity);
    expect(c.Service.TimeoutStopSec).toBe(Infinity);
    const d = service(
      parse('a.service', '[Service]\nExecStart=/bin/true\nTimeoutSec=1min 30s\nTimeoutStopSec=5\n'),
    );
    expect(d.Service.TimeoutStartSec).toBe(90_000_000);
    expect(d.Service.TimeoutStopSec).toBe(5_000_000);
  });

  it('maps compatibility spellings onto their modern field', () => {
    const c = service(
      parse(
        'a.service',
        '[Unit]\nBindTo=b.service\n[Service]\nExecStart=/bin/true\nStartLimitBurst=3\nStartLimitInterval=20\n',
      ),
    );
    expect(c.Unit.BindsTo).toEqual(['b.service']);
    expect(c.Unit.StartLimitBurst).toBe(3);
    expect(c.Unit.StartLimitIntervalSec).toBe(20_000_000);
  });

  it('collects every Condition*= in order and resets them all on any empty one', () => {
    const c = loaded(parse('a.target', '[Unit]\nConditionPathExists=!/x\nConditionHost=|foo\n'));
    expect(c.Unit.Conditions).toEqual([
      { check: 'PathExists', trigger: false, negate: true, parameter: '/x' },
      { check: 'Host', trigger: true, negate: false, parameter: 'foo' },
    ]);
    const d = loaded(
      parse('a.target', '[Unit]\nConditionPathExists=/x\nConditionHost=\nConditionUser=root\n'),
    );
    expect(d.Unit.Conditions.map((x) => x.check)).toEqual(['User']);
  });

  it('reports unknown keys and sections at file:line and still loads', () => {
    const p = parse('a.service', '[Unit]\nFoo=1\n[Bogus]\nBar=2\n[Service]\nExecStart=/bin/true\nX-Ours=1\n');
    expect(p.ok).toBe(true);
    expect(p.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([
      "/u/a.service:3: Unknown section 'Bogus'. Ignoring.",
      "/u/a.service:2: Unknown key 'Foo' in section [Unit], ignoring.",
    ]);
  });

  it('reports a bad value with the directive and value, and keeps the default', () => {
    const p = parse('a.service', '[Service]\nExecStart=/bin/true\nRestart=sometimes\n');
    expect(service(p).Service.Restart).toBe('no');
    expect(p.diagnostics[0]).toMatchObject({ line: 3, message: expect.stringContaining('Restart=') });
    expect(p.diagnostics[0]!.message).toContain('sometimes');
  });

  it('refuses a service without ExecStart= and names why', () => {
    const p = parse('a.service', '[Service]\nType=simple\n');
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(/no ExecStart=/);
  });

  it('treats an unparsable Exec line as fatal unless it has the - prefix', () => {
    expect(parse('a.service', '[Service]\nExecStart=/bin/true "open\n').ok).toBe(false);
    expect(parse('a.service', '[Service]\nExecStartPre=-/bin/true "open\nExecStart=/bin/true\n').ok).toBe(
      true,
    );
  });

  it('puts every Listen*= of a socket in one ordered list', () => {
    const c = socket(
      parse(
        'a.socket',
        '[Socket]\nListenStream=/run/a.sock\nListenDatagram=127.0.0.1:53\nListenStream=[::1]:80\nListenFIFO=/run/fifo\nListenStream=8080\n',
      ),
    );
    expect(c.Socket.Listen).toEqual([
      { type: 'stream', address: { family: 'unix', path: '/run/a.sock' } },
      { type: 'datagram', address: { family: 'ipv4', address: '127.0.0.1', port: 53 } },
      { type: 'stream', address: { family: 'ipv6', address: '::1', port: 80, scope: '' } },
      { type: 'fifo', path: '/run/fifo' },
      { type: 'stream', address: { family: 'any', port: 8080 } },
    ]);
  });

  it('loads unsupported unit types with [Unit] and [Install] only, never failing on their own section', () => {
    const p = parse(
      'a.timer',
      '[Unit]\nDescription=t\n[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n',
    );
    const c = loaded(p);
    expect(c.type).toBe('timer');
    expect(c.Unit.Description).toBe('t');
    expect(c.Install.WantedBy).toEqual(['timers.target']);
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps Description= empty when assigned empty', () => {
    expect(loaded(parse('a.target', '[Unit]\nDescription=x\nDescription=\n')).Unit.Description).toBe('');
  });
});
