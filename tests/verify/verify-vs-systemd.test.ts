import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { verify } from '../../src/cli/verify';
import { TmpTree } from '../helpers/tmp';

/*
 * rsd verify's verdict (exit status) on each unit must be systemd-analyze verify's (installed on this machine).
 * Each case is a directory of its own so that units do not see each other unless the case says so.
 */
const BUILTIN = join(__dirname, '..', '..', 'units');
const svc = (body: string) => `[Unit]\nDescription=t\n${body}`;

const CASES: Record<string, Record<string, string | Buffer>> = {
  good: { 'a.service': svc('[Service]\nExecStart=/bin/true\n') },
  'no-execstart': { 'a.service': svc('[Service]\nType=simple\n') },
  'oneshot-without-execstart-but-execstop': {
    'a.service': svc('[Service]\nType=oneshot\nExecStop=/bin/true\n'),
  },
  'bad-section-header': { 'a.service': svc('[Service\nExecStart=/bin/true\n') },
  'unknown-key-and-section': {
    'a.service': svc('Foo=1\n[Bogus]\nX=1\n[Service]\nExecStart=/bin/true\nBar=2\n'),
  },
  'bad-values-fall-back': {
    'a.service': svc(
      '[Service]\nExecStart=/bin/true\nRestart=sometimes\nTimeoutSec=abc\nNice=99\nKillSignal=SIGFOO\n',
    ),
  },
  'unbalanced-quote': { 'a.service': svc('[Service]\nExecStart=/bin/true "unterminated\n') },
  'unbalanced-quote-ignored-with-dash': {
    'a.service': svc('[Service]\nExecStart=-/bin/true "unterminated\nExecStart=/bin/true\n'),
  },
  'two-execstart-simple': { 'a.service': svc('[Service]\nExecStart=/bin/true\nExecStart=/bin/true\n') },
  'two-execstart-oneshot': {
    'a.service': svc('[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/bin/true\n'),
  },
  'reset-then-one': { 'a.service': svc('[Service]\nExecStart=/bin/true\nExecStart=\nExecStart=/bin/true\n') },
  'requires-missing': {
    'a.service': svc('Requires=rsd-test-nonexistent.service\n[Service]\nExecStart=/bin/true\n'),
  },
  // systemd makes device units from udev's view: one no file describes is still there to bind to.
  'binds-to-absent-device': {
    'a.service': svc(
      'BindsTo=sys-devices-virtual-misc-rsdtestnone.device\nAfter=sys-devices-virtual-misc-rsdtestnone.device\n[Service]\nExecStart=/bin/true\n',
    ),
  },
  'wants-missing': {
    'a.service': svc('Wants=rsd-test-nonexistent.service\n[Service]\nExecStart=/bin/true\n'),
  },
  'requires-present': {
    'a.service': svc('Requires=b.service\n[Service]\nExecStart=/bin/true\n'),
    'b.service': svc('[Service]\nExecStart=/bin/true\n'),
  },
  'requires-bad-unit': {
    'a.service': svc('Requires=b.service\n[Service]\nExecStart=/bin/true\n'),
    'b.service': svc('[Service]\nType=simple\n'),
  },
  'not-executable': { 'a.service': svc('[Service]\nExecStart=/nonexistent/rsd-bin\n') },
  'not-executable-ignored': { 'a.service': svc('[Service]\nExecStart=-/nonexistent/rsd-bin\n') },
  'bare-command-name': { 'a.service': svc('[Service]\nExecStart=true\n') },
  'socket-no-listen': {
    'a.socket': '[Socket]\nAccept=no\n',
    'a.service': svc('[Service]\nExecStart=/bin/true\n'),
  },
  'socket-no-service': { 'a.socket': '[Socket]\nListenStream=127.0.0.1:1234\n' },
  'socket-with-service': {
    'a.socket': '[Socket]\nListenStream=127.0.0.1:1234\n',
    'a.service': svc('[Service]\nExecStart=/bin/true\n'),
  },
  'socket-accept-template': {
    'a.socket': '[Socket]\nListenStream=/run/rsd-test-a.sock\nAccept=yes\n',
    'a@.service': svc('[Service]\nExecStart=/bin/cat\nStandardInput=socket\n'),
  },
  'socket-accept-datagram': {
    'a.socket': '[Socket]\nListenDatagram=127.0.0.1:1234\nAccept=yes\n',
    'a@.service': svc('[Service]\nExecStart=/bin/cat\n'),
  },
  'remain-after-exit-two-execstart': {
    'a.service': svc('[Service]\nRemainAfterExit=yes\nExecStart=/bin/true\nExecStart=/bin/true\n'),
  },
  'busname-without-type': { 'a.service': svc('[Service]\nBusName=org.example.A\nExecStart=/bin/true\n') },
  'oneshot-remain-without-exec': { 'a.service': svc('[Service]\nType=oneshot\nRemainAfterExit=yes\n') },
  'success-action-only': { 'a.service': svc('[Service]\n') + '[Unit]\nSuccessAction=exit-force\n' },
  'user-name-relaxed': { 'a.service': svc('[Service]\nUser=bad user\nExecStart=/bin/true\n') },
  'environment-bad-word-skipped': {
    'a.service': svc('[Service]\nEnvironment="A=1" 2bad=x B=2\nExecStart=/bin/true\n'),
  },
  'target-plain': { 'a.target': '[Unit]\nDescription=t\nWants=a.service\n' },
  'target-with-service-section': { 'a.target': '[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n' },
  'relative-workingdirectory': { 'a.service': svc('[Service]\nWorkingDirectory=rel\nExecStart=/bin/true\n') },
  'dbus-without-busname': { 'a.service': svc('[Service]\nType=dbus\nExecStart=/bin/true\n') },
  'oneshot-restart-always': {
    'a.service': svc('[Service]\nType=oneshot\nRestart=always\nExecStart=/bin/true\n'),
  },
  'line-too-long': {
    'a.service': svc('[Service]\nExecStart=/bin/true\nEnvironment=A=' + 'x'.repeat(1024 * 1024 + 8) + '\n'),
  },
  'nul-bytes': { 'a.service': svc('[Service]\nExecStart=/bin/true\nDescription=a\0b\n') },
  'continuation-and-comments': {
    'a.service': svc('[Service]\nExecStart=/bin/echo a \\\n# comment\n  b \\\n  c\n; comment\n'),
  },
  'x-sections-and-keys': {
    'a.service': svc('X-Foo=1\n[X-Mine]\nAnything=1\n[Service]\nExecStart=/bin/true\nX-Bar=2\n'),
  },
  'specifiers-ok': { 'a.service': svc('[Service]\nExecStart=/bin/echo %n %N %p %i %H %t %%\n') },
  'condition-and-assert': {
    'a.service': svc(
      'ConditionPathExists=!/nonexistent\nAssertPathExists=|/etc\n[Service]\nExecStart=/bin/true\n',
    ),
  },
};

function systemdVerdict(file: string): number {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === null) throw new Error(`systemd-analyze did not finish: ${r.error}`);
  return r.status;
}

describe('rsd verify agrees with systemd-analyze verify', () => {
  const tree = new TmpTree();
  afterAll(() => tree.cleanup());

  it.each(Object.keys(CASES))('%s', (name) => {
    const files = CASES[name]!;
    let first = '';
    for (const [file, content] of Object.entries(files)) {
      const p = tree.write(`${name}/${file}`, content);
      if (!first && !file.includes('@')) first = p;
    }
    const expected = systemdVerdict(first);
    const got = verify({
      targets: [first],
      all: false,
      unitDirs: [],
      builtinDir: BUILTIN,
      unenforced: false,
    });
    expect({ name, exitCode: got.exitCode, lines: got.lines }).toMatchObject({ name, exitCode: expected });
  });
});
