import { formatBytes } from '../../ctl/format';

describe('formatBytes (systemctl status Memory:)', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [1536, '1.5K'],
    [1048576, '1M'],
    [5.5 * 1024 ** 3, '5.5G'],
  ])('%d bytes -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
