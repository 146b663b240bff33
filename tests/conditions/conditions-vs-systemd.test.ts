import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { evaluateConditions } from '../../src/conditions/evaluate';
import { condition } from '../../src/unit/table/condition';
import { NO_CONTEXT } from '../../src/unit/table/parsers';
import { TmpTree } from '../helpers/tmp';

/*
 * Every check against `systemd-analyze condition` (systemd 252, offline) on this same machine: the verdict of
 * each list of conditions must be systemd's.
 */
const tree = new TmpTree();
const T = tree.root;
beforeAll(() => {
  tree.write('file', 'x');
  tree.write('empty', '');
  tree.write('exe', '#!/bin/sh\n');
  chmodSync(tree.path('exe'), 0o755);
  tree.write('dir/.hidden', '');
  tree.write('full/a', '');
  tree.link('link', 'file');
});
afterAll(() => tree.cleanup());

function parse(line: string) {
  const eq = line.indexOf('=');
  const key = line.slice(0, eq);
  const check = key.replace(/^(Condition|Assert)/, '');
  const r = condition(check)(line.slice(eq + 1), NO_CONTEXT);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const CASES: string[][] = [
  ['ConditionPathExists=/etc'],
  ['ConditionPathExists=!/etc'],
  [`ConditionPathExists=${T}/nope`],
  [`ConditionPathExistsGlob=${T}/fi*`],
  [`ConditionPathExistsGlob=${T}/zz*`],
  [`ConditionPathIsDirectory=${T}/dir`],
  [`ConditionPathIsDirectory=${T}/file`],
  [`ConditionPathIsSymbolicLink=${T}/link`],
  [`ConditionPathIsSymbolicLink=${T}/file`],
  ['ConditionPathIsMountPoint=/proc'],
  [`ConditionPathIsMountPoint=${T}`],
  ['ConditionPathIsReadWrite=/proc/sys'],
  [`ConditionPathIsReadWrite=${T}`],
  [`ConditionDirectoryNotEmpty=${T}/dir`],
  [`ConditionDirectoryNotEmpty=${T}/full`],
  [`ConditionFileNotEmpty=${T}/file`],
  [`ConditionFileNotEmpty=${T}/empty`],
  [`ConditionFileIsExecutable=${T}/exe`],
  [`ConditionFileIsExecutable=${T}/file`],
  ['ConditionVirtualization=yes'],
  ['ConditionVirtualization=no'],
  ['ConditionVirtualization=container'],
  ['ConditionVirtualization=vm'],
  ['ConditionVirtualization=docker'],
  ['ConditionVirtualization=kvm'],
  ['ConditionVirtualization=lxc'],
  ['ConditionCapability=CAP_SYS_ADMIN'],
  ['ConditionCapability=CAP_CHECKPOINT_RESTORE'],
  ['ConditionKernelCommandLine=rsd_nonexistent_flag'],
  ['ConditionKernelCommandLine=!rsd_nonexistent_flag'],
  ['ConditionEnvironment=PATH'],
  ['ConditionEnvironment=RSD_NOPE=1'],
  ['ConditionUser=root'],
  ['ConditionUser=0'],
  ['ConditionUser=nobody'],
  ['ConditionUser=@system'],
  ['ConditionGroup=root'],
  ['ConditionGroup=nogroup'],
  ['ConditionHost=*'],
  ['ConditionHost=rsd-no-such-host'],
  ['ConditionArchitecture=x86-64'],
  ['ConditionArchitecture=arm64'],
  ['ConditionArchitecture=native'],
  ['ConditionFirstBoot=yes'],
  ['ConditionFirstBoot=no'],
  ['ConditionACPower=yes'],
  ['ConditionACPower=no'],
  ['ConditionSecurity=selinux'],
  ['ConditionSecurity=apparmor'],
  ['ConditionKernelVersion=>=4.0'],
  ['ConditionKernelVersion=<3'],
  ['ConditionKernelVersion=*'],
  ['ConditionCPUs=>=1'],
  ['ConditionCPUs=>1000'],
  ['ConditionMemory=>=1M'],
  ['ConditionMemory=<1M'],
  ['ConditionOSRelease=ID=debian'],
  ['ConditionOSRelease=ID=fedora'],
  ['ConditionOSRelease=VERSION_ID>=11'],
  ['ConditionHost=|rsd-no-such-host', 'ConditionHost=|*'],
  ['ConditionHost=|rsd-no-such-host', 'ConditionPathExists=|/nonexistent'],
  ['ConditionPathExists=/etc', 'ConditionPathExists=|/nonexistent'],
  ['AssertPathExists=/etc'],
  ['AssertPathExists=/nonexistent'],
];

function systemdSays(lines: string[]): boolean {
  const r = spawnSync('systemd-analyze', ['condition', ...lines], { encoding: 'utf8' });
  if (r.status === null) throw new Error(String(r.error));
  return r.status === 0;
}

describe('conditions agree with systemd-analyze condition', () => {
  it.each(CASES.map((c) => [c.join(' '), c]))('%s', async (_label, lines) => {
    const verdict = await evaluateConditions((lines as string[]).flatMap(parse));
    expect(verdict.passed).toBe(systemdSays(lines as string[]));
  });
});
