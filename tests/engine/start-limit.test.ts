import { StartLimit } from '../../src/engine/start-limit';

describe('StartLimit', () => {
  it('allows burst starts within the interval, then refuses', () => {
    const l = new StartLimit(10_000_000, 5);
    for (let i = 0; i < 5; i++) expect(l.tryStart(i * 1000)).toBe(true);
    expect(l.tryStart(6000)).toBe(false);
  });

  it('opens a new window once the interval has passed', () => {
    const l = new StartLimit(10_000_000, 2);
    expect(l.tryStart(0)).toBe(true);
    expect(l.tryStart(1)).toBe(true);
    expect(l.tryStart(2)).toBe(false);
    expect(l.tryStart(10_000_001)).toBe(true);
  });

  it('is off when the interval or the burst is 0, and forgets on reset', () => {
    const off = new StartLimit(0, 5);
    for (let i = 0; i < 100; i++) expect(off.tryStart(i)).toBe(true);
    const l = new StartLimit(10_000_000, 1);
    expect(l.tryStart(0)).toBe(true);
    expect(l.tryStart(1)).toBe(false);
    l.reset();
    expect(l.tryStart(2)).toBe(true);
  });
});
