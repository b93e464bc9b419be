import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

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
  it('format and parse round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (seconds) => {
        const ms = seconds * 1000;
        const parsed = parseDuration(formatDuration(ms));
        return parsed.ok && parsed.value === ms;
      }),
    );
  });
});
