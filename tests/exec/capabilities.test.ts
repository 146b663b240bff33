import {
  ALL_CAPABILITIES,
  capabilityName,
  capabilityNumber,
  capabilitySet,
} from '../../src/exec/capabilities';
import { capabilityLine } from '../../src/unit/table/parsers-exec';
import { NO_CONTEXT } from '../../src/unit/table/parsers';

/** The lines as the unit file would give them, one assignment each. */
function lines(...values: string[]) {
  return values.flatMap((v) => {
    const r = capabilityLine(v, NO_CONTEXT);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
}
const bit = (...names: string[]) => names.reduce((m, n) => m | (1n << BigInt(capabilityNumber(n)!)), 0n);

test('names in any case and numbers; unknown names are ignored', () => {
  expect(capabilityNumber('CAP_NET_BIND_SERVICE')).toBe(10);
  expect(capabilityNumber('cap_sys_admin')).toBe(21);
  expect(capabilityNumber('40')).toBe(40);
  expect(capabilityNumber('CAP_BOGUS')).toBeNull();
  expect(capabilityName(40)).toBe('CAP_CHECKPOINT_RESTORE');
  expect(capabilitySet(lines('CAP_BOGUS CAP_KILL'), ALL_CAPABILITIES)).toBe(bit('CAP_KILL'));
});

test("systemd.exec(5)'s examples: lines OR together, a ~ line removes", () => {
  expect(capabilitySet(lines('CAP_A CAP_CHOWN CAP_KILL', 'CAP_KILL CAP_FOWNER'), ALL_CAPABILITIES)).toBe(
    bit('CAP_CHOWN', 'CAP_KILL', 'CAP_FOWNER'),
  );
  expect(capabilitySet(lines('CAP_CHOWN CAP_KILL', '~CAP_KILL CAP_FOWNER'), ALL_CAPABILITIES)).toBe(
    bit('CAP_CHOWN'),
  );
});

test('a first ~ line is everything but; "" empties the set; "~" alone fills it; nothing leaves the initial set', () => {
  expect(capabilitySet(lines('~CAP_SYS_ADMIN'), ALL_CAPABILITIES)).toBe(
    ALL_CAPABILITIES & ~bit('CAP_SYS_ADMIN'),
  );
  expect(capabilitySet(lines('CAP_KILL', ''), ALL_CAPABILITIES)).toBe(0n);
  expect(capabilitySet(lines('CAP_KILL', '~'), ALL_CAPABILITIES)).toBe(ALL_CAPABILITIES);
  expect(capabilitySet([], ALL_CAPABILITIES)).toBe(ALL_CAPABILITIES);
  expect(capabilitySet([], 0n)).toBe(0n);
  // Ambient starts empty, so its first line replaces it too.
  expect(capabilitySet(lines('CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'), 0n)).toBe(
    bit('CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'),
  );
});
