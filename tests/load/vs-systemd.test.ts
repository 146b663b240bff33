import { UnitFileIndex, type UnitSource } from '../../src/load/unit-file-index';
import { fileKind } from '../../src/load/file-kind';
import { askSystemd, haveSystemd, type SystemdView } from './systemd-oracle';
import { DROPIN, SERVICE, Tree } from './tree';

/*
 * One tree with most of what the loader must get right, loaded by systemd 252 itself (systemd-analyze verify
 * with SYSTEMD_UNIT_PATH set to the same two directories) and by the index; both must agree unit by unit.
 */
const tree = new Tree({
  // precedence
  'a/p.service': SERVICE,
  'b/p.service': SERVICE,
  // alias chain across directories, and an alias to a name that a higher directory overrides
  'b/real.service': SERVICE,
  'b/al1.service': { link: 'real.service' },
  'a/al2.service': { link: '../b/al1.service' },
  'a/x.service': SERVICE,
  'b/x.service': SERVICE,
  'b/y.service': { link: 'x.service' },
  // linked unit files (target outside the search path), with another name and the same name
  'o/other-name.service': SERVICE,
  'o/linkedsame.service': SERVICE,
  'a/linked.service': { link: '$ROOT/o/other-name.service' },
  'a/linkedsame.service': { link: '$ROOT/o/linkedsame.service' },
  // a link to the same name lower down is ignored
  'a/selfa.service': { link: '../b/selfa.service' },
  'b/selfa.service': SERVICE,
  // masks
  'a/m1.service': { link: '/dev/null' },
  'b/m1.service': SERVICE,
  'a/m2.service': '',
  'a/tom2.service': { link: 'm2.service' },
  // an alias systemd rejects (other type) does not hide the lower file
  'b/real.socket': '[Socket]\nListenStream=/run/x\n',
  'a/bad.service': { link: '../b/real.socket' },
  'b/bad.service': SERVICE,
  // templates
  'b/tpl@.service': SERVICE,
  'a/tal@.service': { link: '../b/tpl@.service' },
  'a/inst@x.service': { link: 'tpl@.service' },
  'b/tpl@own.service': SERVICE,
  'b/t-a-b@.service': SERVICE,
  // drop-ins: override by name across directories, /dev/null, alias, type-wide, prefixes, template, instance
  'a/p.service.d/10-a.conf': DROPIN,
  'a/p.service.d/10.conf': DROPIN,
  'b/p.service.d/10.conf': DROPIN,
  'b/p.service.d/05.conf': DROPIN,
  'a/p.service.d/20.conf': { link: '/dev/null' },
  'b/p.service.d/20.conf': DROPIN,
  'b/p.service.d/not-a-conf': DROPIN,
  'a/al1.service.d/x.conf': DROPIN,
  'a/real.service.d/x.conf': DROPIN,
  'a/service.d/99.conf': DROPIN,
  'b/service.d/00.conf': DROPIN,
  'b/service.d/10.conf': DROPIN,
  'a/tal@.service.d/t.conf': DROPIN,
  'b/tpl@.service.d/t.conf': DROPIN,
  'b/tpl@y.service.d/y.conf': DROPIN,
  ...Object.fromEntries(
    ['a', 'b'].flatMap((d) =>
      ['t-a-b@i', 't-a-b@', 't-a-', 't-a-@i', 't-a-@', 't-', 't-@i'].flatMap((n) => [
        [`${d}/${n}.service.d/${n}-${d}.conf`, DROPIN],
        [`${d}/${n}.service.d/common.conf`, DROPIN],
      ]),
    ),
  ),
  // dependency directories
  'b/p.service.wants/real.service': { link: '../real.service' },
  'b/p.service.wants/renamed.service': { link: '../real.service' },
  'b/p.service.wants/dangling.service': { link: '/nonexistent/dangling.service' },
  'b/p.service.wants/plainfile.service': SERVICE,
  'b/p.service.wants/bad name': { link: '../real.service' },
  'a/p.service.requires/r.service': { link: '/dev/null' },
  'b/p.service.requires/r.service': { link: '../r.service' },
  'b/p.service.requires/r2.service': { link: '../r2.service' },
  'b/p.service.upholds/u.service': { link: '../u.service' },
  'b/tpl@.service.wants/w@.service': { link: '../w@.service' },
  'b/tpl@.service.wants/plain.service': { link: '../plain.service' },
  'b/tpl@y.service.wants/only-y.service': { link: '../only-y.service' },
  'a/al2.service.wants/aw.service': { link: '../aw.service' },
  'a/x.service.wants/tw@.service': { link: '../tw@.service' },
  // broken things
  'a/loop1.service': { link: 'loop2.service' },
  'a/loop2.service': { link: 'loop1.service' },
  'a/dang.service': { link: 'nothere.service' },
  'a/danglink.service': { link: '/nonexistent/dir/danglink.service' },
  'a/fifo.service': { fifo: true },
  'a/ghost.service.d/x.conf': DROPIN,
});
afterAll(() => tree.cleanup());

const dirs = [tree.path('a'), tree.path('b')];
const UNITS = [
  'p.service',
  'real.service',
  'al1.service',
  'al2.service',
  'x.service',
  'y.service',
  'linked.service',
  'linkedsame.service',
  'selfa.service',
  'm1.service',
  'm2.service',
  'tom2.service',
  'bad.service',
  'tpl@y.service',
  'tal@z.service',
  'inst@x.service',
  'tpl@x.service',
  'tpl@own.service',
  't-a-b@i.service',
  'loop1.service',
  'dang.service',
  'danglink.service',
  'fifo.service',
  'ghost.service',
];

function ours(s: UnitSource): SystemdView {
  return {
    state: s.state === 'found' ? 'loaded' : s.state === 'masked' ? 'masked' : 'not-found',
    id: s.id,
    aliases: s.names.filter((n) => n !== s.id).sort(),
    fragment: s.state === 'found' ? s.fragmentPath : null,
    dropIns: [...s.dropInPaths],
    wants: [...s.wants],
    requires: [...s.requires],
    upholds: [...s.upholds],
  };
}

/** systemd lists a drop-in masked by /dev/null among the drop-ins it read; it contributes nothing. */
function withoutMaskedDropIns(v: SystemdView): SystemdView {
  return { ...v, dropIns: v.dropIns.filter((p) => fileKind(p).kind !== 'null-or-empty') };
}

/** Masked and missing units have no dump: only their state can be compared. */
function comparable(v: SystemdView): SystemdView | { state: string } {
  return v.state === 'loaded'
    ? { ...v, wants: [...v.wants].sort(), requires: [...v.requires].sort() }
    : { state: v.state };
}

const index = UnitFileIndex.scan(dirs);
const systemd = haveSystemd ? askSystemd(dirs, UNITS) : new Map<string, SystemdView>();

(haveSystemd ? describe : describe.skip)('the index finds what systemd 252 finds', () => {
  test.each(UNITS)('%s', (name) => {
    const expected = comparable(withoutMaskedDropIns(systemd.get(name)!));
    expect(comparable(ours(index.resolve(name)))).toEqual(expected);
  });
});
