import t from 'tap';
import { Clock } from '../../src/core/clock.js';

t.test('a running clock follows its source plus the offset that set() and advance() give it', async (t) => {
  let real = Date.parse('2026-01-01T00:00:00Z');
  const clock = new Clock(() => real);
  t.equal(clock.iso(), '2026-01-01T00:00:00.000Z');
  clock.set(new Date('2030-05-05T05:05:05Z'));
  real += 1500;
  t.equal(clock.iso(), '2030-05-05T05:05:06.500Z', 'keeps running after set()');
  clock.advance(60_000);
  t.equal(clock.iso(), '2030-05-05T05:06:06.500Z');
});

t.test('a frozen clock stands still until advanced, and set() without freezing starts it again', async (t) => {
  let real = 0;
  const clock = new Clock(() => real);
  clock.set(new Date('2026-11-23T00:00:00Z'), true);
  real += 10_000;
  t.equal(clock.iso(), '2026-11-23T00:00:00.000Z');
  clock.advance(7 * 24 * 3600 * 1000);
  t.equal(clock.iso(), '2026-11-30T00:00:00.000Z');
  clock.set(new Date('2026-12-01T00:00:00Z'));
  real += 250;
  t.equal(clock.nowMs(), Date.parse('2026-12-01T00:00:00.250Z'));
});
