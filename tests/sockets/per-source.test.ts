import { PerSourceCount, sourceOf } from '../../src/sockets/per-source';

test('sources: IPv4, IPv6 with IPv4-mapped as IPv4, vsock; AF_UNIX is not counted (systemd 252)', () => {
  expect(sourceOf({ family: 'ipv4', address: '10.0.0.1', port: 4000 })).toBe('10.0.0.1');
  expect(sourceOf({ family: 'ipv6', address: '::ffff:10.0.0.1', port: 4000, scopeId: 0 })).toBe('10.0.0.1');
  expect(sourceOf({ family: 'ipv6', address: 'fe80::1', port: 4000, scopeId: 0 })).toBe('fe80::1');
  expect(sourceOf({ family: 'vsock', cid: 3, port: 1 })).toBe('vsock:3');
  expect(sourceOf({ family: 'unix', path: '/run/x.sock' })).toBeNull();
});

test('counts per source and forgets a source at zero', () => {
  const c = new PerSourceCount();
  c.add('a');
  c.add('a');
  c.add('b');
  expect([c.count('a'), c.count('b'), c.count('c')]).toEqual([2, 1, 0]);
  c.release('a');
  c.release('a');
  c.release('a');
  expect(c.count('a')).toBe(0);
});
