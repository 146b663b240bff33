import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  architectureName,
  expandSpecifiers,
  setSystemFactsForTest,
  specifierEscape,
  systemFacts,
} from '../../src/unit/values/specifiers';

const FACTS = {
  hostname: 'box.example.com',
  machineId: '0123456789abcdef0123456789abcdef',
  bootId: 'fedcba9876543210fedcba9876543210',
  kernelRelease: '6.1.0-test',
  architecture: 'x86-64',
  osRelease: {
    ID: 'debian',
    VERSION_ID: '12',
    BUILD_ID: 'b1',
    VARIANT_ID: 'server',
    IMAGE_ID: 'img',
    IMAGE_VERSION: '3',
  },
  prettyHostname: null,
  tmpDir: '/tmp',
  varTmpDir: '/var/tmp',
};

beforeEach(() => setSystemFactsForTest(FACTS));
afterAll(() => setSystemFactsForTest(null));

const unit = { name: 'foo-bar@a\\x2db-c.service' };
const x = (s: string, u: { name: string; fragmentPath?: string } = unit) => expandSpecifiers(s, u);

describe('expandSpecifiers: unit name specifiers (man systemd.unit)', () => {
  test.each([
    ['%n', 'foo-bar@a\\x2db-c.service'],
    ['%N', 'foo-bar@a\\x2db-c'],
    ['%p', 'foo-bar'],
    ['%P', 'foo/bar'],
    ['%i', 'a\\x2db-c'],
    ['%I', 'a-b/c'],
    ['%j', 'bar'],
    ['%J', 'bar'],
    ['%f', '/a-b/c'],
    ['%d', '/run/credentials/foo-bar@a\\x2db-c.service'],
  ])('%s', (spec, value) => {
    expect(x(spec)).toEqual({ ok: true, value });
  });

  test('non-instance units: %i empty, %p is %N, %f from the prefix, %j without dash is %p', () => {
    const u = { name: 'dev-sda1.swap' };
    expect(x('[%i]', u)).toEqual({ ok: true, value: '[]' });
    expect(x('%p %N %f %j', u)).toEqual({ ok: true, value: 'dev-sda1 dev-sda1 /dev/sda1 sda1' });
    expect(x('%j', { name: 'plain.service' })).toEqual({ ok: true, value: 'plain' });
  });

  test('%I, %P and %f unescape like systemd-escape --unescape', () => {
    const haveEscape = (() => {
      try {
        execFileSync('systemd-escape', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (!haveEscape) return;
    for (const inst of ['a\\x2db-c', 'x\\x20y', 'foo-bar-baz', 'a\\zb', '-foo', 'a--b', 'a\\x2']) {
      const u = { name: `t@${inst}.service` };
      const unescape = (...args: string[]): string | null => {
        try {
          return execFileSync('systemd-escape', ['-u', ...args, '--', inst], { encoding: 'utf8' }).replace(
            /\n$/,
            '',
          );
        } catch {
          return null;
        }
      };
      const plain = unescape();
      const asPath = unescape('--path');
      expect(x('%I', u)).toEqual(
        plain === null ? expect.objectContaining({ ok: false }) : { ok: true, value: plain },
      );
      expect(x('%f', u)).toEqual(
        asPath === null ? expect.objectContaining({ ok: false }) : { ok: true, value: asPath },
      );
    }
  });
});

describe('expandSpecifiers: system specifiers', () => {
  test.each([
    ['%a', 'x86-64'],
    ['%A', '3'],
    ['%b', 'fedcba9876543210fedcba9876543210'],
    ['%B', 'b1'],
    ['%C', '/var/cache'],
    ['%E', '/etc'],
    ['%g', 'root'],
    ['%G', '0'],
    ['%h', '/root'],
    ['%H', 'box.example.com'],
    ['%l', 'box'],
    ['%L', '/var/log'],
    ['%m', '0123456789abcdef0123456789abcdef'],
    ['%M', 'img'],
    ['%o', 'debian'],
    ['%q', 'box'],
    ['%s', '/bin/sh'],
    ['%S', '/var/lib'],
    ['%t', '/run'],
    ['%T', '/tmp'],
    ['%u', 'root'],
    ['%U', '0'],
    ['%v', '6.1.0-test'],
    ['%V', '/var/tmp'],
    ['%w', '12'],
    ['%W', 'server'],
    ['%%', '%'],
  ])('%s', (spec, value) => {
    expect(x(spec)).toEqual({ ok: true, value });
  });

  test('unset os-release fields are empty; pretty hostname is used when set', () => {
    setSystemFactsForTest({ ...FACTS, osRelease: {}, prettyHostname: "Lennart's Box" });
    expect(x('[%A%B%M%o%w%W]')).toEqual({ ok: true, value: '[]' });
    expect(x('%q')).toEqual({ ok: true, value: "Lennart's Box" });
  });

  test('a missing machine ID fails %m', () => {
    setSystemFactsForTest({ ...FACTS, machineId: null });
    expect(x('%m').ok).toBe(false);
  });

  test('%y and %Y follow symlinks; no fragment is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
    const real = path.join(dir, 'real.service');
    fs.writeFileSync(real, '');
    fs.symlinkSync(real, path.join(dir, 'link.service'));
    setSystemFactsForTest({ ...FACTS, realPath: (p) => fs.realpathSync(p) });
    const u = { name: 'link.service', fragmentPath: path.join(dir, 'link.service') };
    expect(x('%y', u)).toEqual({ ok: true, value: fs.realpathSync(real) });
    expect(x('%Y', u)).toEqual({ ok: true, value: fs.realpathSync(dir) });
    expect(x('%y', { name: 'a.service' }).ok).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('expandSpecifiers: syntax', () => {
  test('unknown letters and digits are errors', () => {
    for (const s of ['%z', '%0', 'a%Qb']) {
      const r = x(s);
      expect(r.ok).toBe(false);
    }
  });

  test('a trailing lone % and % before punctuation are kept', () => {
    expect(x('50%')).toEqual({ ok: true, value: '50%' });
    expect(x('%-%.%/%é')).toEqual({ ok: true, value: '%-%.%/%é' });
    expect(x('100%% %')).toEqual({ ok: true, value: '100% %' });
  });

  test('specifierEscape round-trips', () => {
    expect(x(specifierEscape('50% %n'))).toEqual({ ok: true, value: '50% %n' });
  });

  test('maxLength', () => {
    expect(expandSpecifiers('a'.repeat(5000), unit, { maxLength: 4096 }).ok).toBe(false);
  });

  test('garbage never throws', () => {
    for (const g of ['\0', '%\0', '%', '%%%', '%'.repeat(1 << 20), 'x'.repeat(1 << 20), '%\uD800']) {
      expect(() => x(g)).not.toThrow();
      expect(() => expandSpecifiers(g, { name: '\0@.service' })).not.toThrow();
    }
  });
});

describe('system facts', () => {
  test('are read from this machine', () => {
    setSystemFactsForTest(null);
    const f = systemFacts();
    expect(f.kernelRelease).toBe(os.release());
    expect(f.hostname.length).toBeGreaterThan(0);
    if (fs.existsSync('/proc/sys/kernel/random/boot_id')) expect(f.bootId).toMatch(/^[0-9a-f]{32}$/);
  });

  test('architecture names as systemd spells them', () => {
    expect(architectureName('x86_64')).toBe('x86-64');
    expect(architectureName('aarch64')).toBe('arm64');
    expect(architectureName('i686')).toBe('x86');
    expect(architectureName('armv7l')).toBe('arm');
    expect(architectureName('ppc64le')).toBe('ppc64-le');
  });
});
