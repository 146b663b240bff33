/**
 * A client run inside the bed's network namespace (`node -e PROBE ...`): for each `name host port request
 * pattern` it connects again and again until the answer matches, then prints `name ms answer-line`, ms
 * counted from the epoch time given first. It gives up after the given timeout and prints what it last got.
 */
export const PROBE = `
const net = require('node:net');
const [t0, timeout, ...specs] = process.argv.slice(1);
const end = Date.now() + Number(timeout);
let left = specs.length / 5;
function one(name, host, port, request, pattern) {
  const re = new RegExp(pattern);
  let last = '';
  const attempt = () => {
    let got = '';
    let done = false;
    const s = net.connect(Number(port), host);
    const retry = (why) => {
      if (done) return;
      done = true;
      s.destroy();
      last = why || got;
      if (Date.now() > end) { console.log(name + ' FAILED ' + JSON.stringify(last)); if (--left === 0) process.exit(1); return; }
      setTimeout(attempt, 20);
    };
    s.on('connect', () => s.write(JSON.parse(request)));
    s.on('data', (c) => {
      got += c.toString('latin1');
      const m = re.exec(got);
      if (m && !done) {
        done = true;
        s.destroy();
        console.log(name + ' ' + (Date.now() - Number(t0)) + ' ' + JSON.stringify(m[0]));
        if (--left === 0) process.exit(0);
      }
    });
    s.on('error', (e) => retry(e.code));
    s.on('close', () => retry());
    s.setTimeout(2000, () => retry('timeout'));
  };
  attempt();
}
for (let i = 0; i < specs.length; i += 5) one(...specs.slice(i, i + 5));
`;

export interface Probe {
  readonly name: string;
  readonly port: number;
  readonly request: string;
  readonly pattern: RegExp;
}

/** What each daemon must answer on loopback. */
export const PROBES: readonly Probe[] = [
  {
    name: 'nginx',
    port: 80,
    request: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n',
    pattern: /^HTTP\/1\.1 200 OK/,
  },
  { name: 'redis', port: 6379, request: 'PING\r\n', pattern: /^\+PONG\r\n/ },
  { name: 'memcached', port: 11211, request: 'stats\r\n', pattern: /STAT pid \d+\r\n[^]*END\r\n/ },
  { name: 'sshd', port: 22, request: '', pattern: /^SSH-2\.0-OpenSSH_\S+/ },
];

/** Arguments for PROBE: epoch ms the times count from, timeout, then the probes. */
export function probeArgs(t0: number, timeoutMs: number, probes: readonly Probe[]): string[] {
  return [
    String(t0),
    String(timeoutMs),
    ...probes.flatMap((p) => [
      p.name,
      '127.0.0.1',
      String(p.port),
      JSON.stringify(p.request),
      p.pattern.source,
    ]),
  ];
}

/** PROBE's output: name -> ms, or the reason it failed. */
export function parseProbe(out: string): Map<string, number | string> {
  const m = new Map<string, number | string>();
  for (const line of out.split('\n')) {
    const [name, what, ...rest] = line.split(' ');
    if (!name || what === undefined) continue;
    m.set(name, what === 'FAILED' ? `failed: ${rest.join(' ')}` : Number(what));
  }
  return m;
}
