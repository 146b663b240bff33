import { compare, haveSystemctl, type Step, type TreeSpec } from './oracle';

/**
 * Every scenario runs its steps with `systemctl --root=A` and with rsd on an identical tree B, and compares,
 * after every step, the printed lines (stdout and stderr), the exit status and the whole tree under the root.
 */
const svc = (install: string): string => `[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n${install}`;
const L = 'lib/systemd/system/';
const E = 'etc/systemd/system/';

const base: TreeSpec = {
  [L + 'multi-user.target']: '[Unit]\nDescription=Multi-User\n',
  [L + 'graphical.target']: '[Unit]\nDescription=Graphical\n',
  [L + 'foo.service']: svc(
    '[Install]\nWantedBy=multi-user.target\nRequiredBy=foo.target\nAlias=fooalias.service\nAlso=bar.service\n',
  ),
  [L + 'bar.service']: svc('[Install]\nWantedBy=multi-user.target\nAlso=foo.service\n'),
  [L + 'wanted.service']: svc('[Install]\nWantedBy=multi-user.target graphical.target\n'),
  [L + 'required.service']: svc('[Install]\nRequiredBy=graphical.target\n'),
  [L + 'aliased.service']: svc('[Install]\nAlias=other.service another.service\n'),
  [L + 'static.service']: svc(''),
  [L + 'alsoonly.service']: svc('[Install]\nAlso=wanted.service\n'),
  [L + 'alsomissing.service']: svc('[Install]\nWantedBy=multi-user.target\nAlso=missing.service\n'),
  [L + 'tpl@.service']: svc('[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n'),
  [L + 'notpl@.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
  [L + 'tplalias@.service']: svc('[Install]\nWantedBy=multi-user.target\nAlias=ta@.service\n'),
  [L + 'vendoralias.service']: { link: 'wanted.service' },
  [L + 'dropin.service']: svc(''),
  [L + 'dropin.service.d/install.conf']: '[Install]\nWantedBy=graphical.target\n',
  [L + 'empty.service']: '',
  [L + 'cyc1.service']: svc('[Install]\nWantedBy=multi-user.target\nAlso=cyc2.service\n'),
  [L + 'cyc2.service']: svc('[Install]\nWantedBy=graphical.target\nAlso=cyc3.service\n'),
  [L + 'cyc3.service']: svc('[Install]\nRequiredBy=multi-user.target\nAlso=cyc1.service\n'),
  [L + 'spec@.service']: svc(
    '[Install]\nWantedBy=multi-user.target\nAlias=spec-%i.service\nDefaultInstance=x\n',
  ),
  ['opt/linked.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
  [E + 'linked.service']: { link: '/opt/linked.service' },
  [E + 'real.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
};

const isEnabledAll = (names: readonly string[]): Step[] => names.map((name) => ({ op: 'is-enabled', name }));
const every = [
  'foo.service',
  'bar.service',
  'fooalias.service',
  'wanted.service',
  'required.service',
  'aliased.service',
  'other.service',
  'static.service',
  'alsoonly.service',
  'tpl@.service',
  'tpl@def.service',
  'tpl@zzz.service',
  'notpl@.service',
  'notpl@a.service',
  'vendoralias.service',
  'dropin.service',
  'empty.service',
  'linked.service',
  'real.service',
  'missing.service',
  'multi-user.target',
];

const scenarios: Record<string, Step[]> = {
  'WantedBy, RequiredBy, Alias, Also; then disable': [
    { op: 'enable', names: ['foo.service'] },
    ...isEnabledAll(every),
    { op: 'list-unit-files' },
    { op: 'disable', names: ['foo.service'] },
    ...isEnabledAll(['foo.service', 'bar.service']),
  ],
  'WantedBy two targets, RequiredBy, several aliases': [
    { op: 'enable', names: ['wanted.service', 'required.service', 'aliased.service'] },
    ...isEnabledAll(['wanted.service', 'required.service', 'aliased.service', 'another.service']),
    { op: 'disable', names: ['other.service'] },
    { op: 'disable', names: ['wanted.service', 'required.service', 'aliased.service'] },
  ],
  'Also cycle': [
    { op: 'enable', names: ['cyc2.service'] },
    ...isEnabledAll(['cyc1.service', 'cyc2.service', 'cyc3.service']),
    { op: 'disable', names: ['cyc3.service'] },
  ],
  'Also only, Also of a missing unit': [
    { op: 'enable', names: ['alsoonly.service'] },
    { op: 'is-enabled', name: 'alsoonly.service' },
    { op: 'enable', names: ['alsomissing.service'] },
    { op: 'disable', names: ['alsomissing.service'] },
  ],
  'templates with and without DefaultInstance, instances': [
    { op: 'enable', names: ['tpl@.service'] },
    { op: 'enable', names: ['notpl@.service'] },
    { op: 'enable', names: ['notpl@a.service', 'tpl@zzz.service'] },
    { op: 'enable', names: ['tplalias@b.service'] },
    { op: 'enable', names: ['spec@.service'] },
    ...isEnabledAll([
      'tpl@.service',
      'tpl@def.service',
      'tpl@zzz.service',
      'notpl@.service',
      'notpl@a.service',
      'tplalias@b.service',
      'ta@b.service',
      'spec@.service',
    ]),
    { op: 'list-unit-files' },
    { op: 'disable', names: ['tpl@.service'] },
    { op: 'disable', names: ['notpl@a.service'] },
    { op: 'disable', names: ['tplalias@.service', 'spec@.service', 'tpl@zzz.service'] },
  ],
  reenable: [
    { op: 'enable', names: ['wanted.service'] },
    { op: 'reenable', names: ['bar.service'] },
    { op: 'reenable', names: ['wanted.service'] },
    { op: 'reenable', names: ['static.service'] },
  ],
  'mask and unmask, refusing a real file': [
    { op: 'mask', names: ['foo.service', 'missing.service'] },
    ...isEnabledAll(['foo.service', 'missing.service']),
    { op: 'enable', names: ['foo.service'] },
    { op: 'enable', names: ['bar.service'] },
    { op: 'disable', names: ['foo.service'] },
    { op: 'mask', names: ['real.service'] },
    { op: 'mask', names: ['foo.service'] },
    { op: 'unmask', names: ['foo.service', 'real.service', 'static.service'] },
    { op: 'mask', names: ['empty'] },
    { op: 'unmask', names: ['missing.service'] },
  ],
  '--runtime': [
    { op: 'enable', names: ['foo.service'], runtime: true },
    { op: 'mask', names: ['static.service', 'tpl@.service'], runtime: true },
    ...isEnabledAll(['foo.service', 'bar.service', 'fooalias.service', 'static.service', 'tpl@.service']),
    { op: 'list-unit-files' },
    { op: 'disable', names: ['foo.service'] },
    { op: 'disable', names: ['foo.service'], runtime: true },
    { op: 'unmask', names: ['static.service'] },
    { op: 'unmask', names: ['static.service', 'tpl@.service'], runtime: true },
  ],
  'default target': [
    { op: 'get-default' },
    { op: 'set-default', name: 'graphical.target' },
    { op: 'get-default' },
    { op: 'set-default', name: 'multi-user' },
    { op: 'get-default' },
    { op: 'is-enabled', name: 'default.target' },
    { op: 'is-enabled', name: 'multi-user.target' },
    { op: 'set-default', name: 'default.target' },
    { op: 'set-default', name: 'nosuch.target' },
  ],
  'no [Install], missing units, drop-in [Install], vendor alias, linked unit, unit in /etc': [
    { op: 'enable', names: ['static.service'] },
    { op: 'enable', names: ['missing.service'] },
    { op: 'enable', names: ['static.service', 'missing.service'] },
    { op: 'disable', names: ['missing.service'] },
    { op: 'disable', names: ['static.service'] },
    { op: 'enable', names: ['empty.service'] },
    { op: 'enable', names: ['dropin.service'] },
    { op: 'enable', names: ['vendoralias.service'] },
    { op: 'enable', names: ['linked.service', 'real.service'] },
    ...isEnabledAll(every),
    { op: 'list-unit-files', patterns: ['*.service'] },
    { op: 'enable', names: ['fooalias.service'] },
    { op: 'enable', names: ['foo.service'] },
    { op: 'enable', names: ['fooalias.service'] },
    { op: 'disable', names: ['linked.service', 'vendoralias.service', 'dropin.service', 'real.service'] },
    ...isEnabledAll(['linked.service', 'wanted.service']),
  ],
};

/** Runtime links, generated and transient units, broken names, vendor-wanted instances, presets. */
const odd: TreeSpec = {
  ...base,
  ['opt/rt.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
  ['run/systemd/system/rt.service']: { link: '/opt/rt.service' },
  ['run/systemd/generator/gen.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
  ['run/systemd/transient/trans.service']: svc(''),
  [E + 'dangling.service']: { link: '/lib/systemd/system/nonexistent.service' },
  [E + 'loop1.service']: { link: 'loop2.service' },
  [E + 'loop2.service']: { link: 'loop1.service' },
  [L + 'dir.service/x']: 'not a unit',
  [L + 'vinst@.service']: svc('[Install]\nWantedBy=multi-user.target\n'),
  [L + 'multi-user.target.wants/vinst@v.service']: { link: '../vinst@.service' },
  [L + 'multi-user.target.wants/wanted.service']: { link: '../wanted.service' },
  ['etc/systemd/system-preset/50-test.preset']: 'disable wanted.service\nenable foo.*\ndisable *\n',
};

scenarios['linked-runtime, generated, transient, bad, vendor links, presets'] = [
  ...isEnabledAll(['rt.service', 'gen.service', 'trans.service', 'dangling.service', 'loop1.service']),
  ...isEnabledAll(['dir.service', 'vinst@v.service', 'vinst@w.service', 'vinst@.service', 'wanted.service']),
  { op: 'list-unit-files' },
  { op: 'enable', names: ['gen.service'] },
  { op: 'enable', names: ['trans.service'] },
  { op: 'enable', names: ['dangling.service'] },
  { op: 'enable', names: ['loop1.service'] },
  { op: 'enable', names: ['dir.service'] },
  { op: 'disable', names: ['dangling.service', 'loop1.service', 'rt.service'] },
  { op: 'mask', names: ['dangling.service'] },
];

describe('unit-file installation, compared with systemctl --root', () => {
  for (const [title, steps] of Object.entries(scenarios)) {
    (haveSystemctl ? test : test.skip)(title, () => {
      const { systemd, rsd } = compare(title.startsWith('linked-runtime') ? odd : base, steps);
      steps.forEach((step, i) => {
        expect({ step, ...rsd[i] }).toEqual({ step, ...systemd[i] });
      });
    });
  }
});
