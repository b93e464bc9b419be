import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s', 93_784_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it('accepts 0 only where allowed', () => {
    expect(parseDuration('0', { allowZero: true })).toEqual({ ok: true, value: 0 });
    expect(parseDuration('0')).toEqual({ ok: false, error: 'must be longer than 0' });
    expect(parseDuration('0s')).toEqual({ ok: false, error: 'must be longer than 0' });
  });

  it.each(['', '5', '5 m', '1.5h', 'h', '30m1h', '1h1h', '5min', '-5m'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });
});

describe('properties', () => {
  it('a combination of units is the sum of its parts', () => {
    const part = fc.integer({ min: 0, max: 400 });
    fc.assert(
      fc.property(part, part, part, part, (d, h, m, s) => {
        const parts: [number, string, number][] = [[d, 'd', 86_400_000], [h, 'h', 3_600_000], [m, 'm', 60_000], [s, 's', 1_000]];
        const written = parts.filter(([n]) => n > 0);
        fc.pre(written.length > 0);
        const parsed = parseDuration(written.map(([n, unit]) => `${n}${unit}`).join(''));
        return parsed.ok && parsed.value === written.reduce((sum, [n, , ms]) => sum + n * ms, 0);
      }),
    );
  });
});
