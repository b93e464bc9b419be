import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFacts, topUpLines } from '../../src/notify/format.js';
import { withTrend } from '../../src/rules/cycle.js';
import { topUpFor } from '../../src/rules/topup.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';

const d = (units: bigint, scale = 2) => ({ units, scale });
const levels = { warn: d(5_000_000n), warnRecover: d(5_500_000n), critical: d(1_000_000n), criticalRecover: d(1_100_000n) };
const HOUR = 3_600_000;

describe('how much to top up', () => {
  it.each([
    ['a warning: to the recovery level', 'warning' as const, 3_500_000n, levels, 'at least 20,000.00 BDT (to 55,000.00, the recovery level)'],
    ['a critical: to the warning\'s recovery level, which clears it', 'critical' as const, 800_000n, levels, 'at least 47,000.00 BDT (to 55,000.00, the recovery level)'],
    ['a critical-only rule: to its own recovery level', 'critical' as const, 800_000n, { critical: d(1_000_000n), criticalRecover: d(1_100_000n) }, 'at least 3,000.00 BDT (to 11,000.00, the recovery level)'],
    ['already back above it (the alert resolves at the next check)', 'warning' as const, 5_600_000n, levels, 'at least 0.00 BDT (to 55,000.00, the recovery level)'],
  ])('%s', (_what, level, balance, thresholds, text) => {
    expect(topUpLines(topUpFor(bdt(balance), level, thresholds, { coverMs: 24 * HOUR }))?.clear).toBe(text);
  });

  it('says nothing for an ok alert or a rule without levels', () => {
    expect(topUpFor(bdt(1n), 'ok', levels, { coverMs: HOUR })).toBeUndefined();
    expect(topUpFor(bdt(1n), 'warning', {}, { coverMs: HOUR })).toBeUndefined();
  });

  it('rounds a recovery level finer than the currency up to its minor unit', () => {
    const topUp = topUpFor(bdt(100n), 'warning', { warn: d(2_000n), warnRecover: d(20_001n, 3) }, { coverMs: HOUR })!;
    expect(topUp.atLeast).toEqual(bdt(1_901n));
  });

  it('adds what the current rate takes in the cover period, while the balance falls', () => {
    // 1,000.00 an hour: 24,000.00 in a day.
    const topUp = topUpFor(bdt(3_500_000n), 'warning', levels, { coverMs: 24 * HOUR, fallingPerMs: 1_000 / HOUR })!;
    expect(topUpLines(topUp)).toEqual({
      clear: 'at least 20,000.00 BDT (to 55,000.00, the recovery level)',
      cover: '44,000.00 BDT covers the next 24 h at the current rate',
    });
  });

  it('is never short: the balance plus the top-up reaches the recovery level, and the cover is at least that', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.double({ min: 1e-9, max: 1e3, noNaN: true }), (balance, perMs) => {
        const topUp = topUpFor(bdt(balance), 'critical', levels, { coverMs: HOUR, fallingPerMs: perMs })!;
        expect(balance + topUp.atLeast.amount.units >= 5_500_000n).toBe(true);
        expect(topUp.atLeast.amount.units >= 0n).toBe(true);
        expect(topUp.cover!.amount.amount.units >= topUp.atLeast.amount.units).toBe(true);
      }),
    );
  });

  it('is in every warning and critical message, and in no resolve', () => {
    // Falling 1,000.00 an hour for the last 6 hours.
    const points = Array.from({ length: 7 }, (_, i) => ({ at: T0 - (6 - i) * HOUR, value: 14_000 - i * 1_000 }));
    const event = withTrend(criticalEvent({ kind: 'firing', level: 'critical', value: bdt(800_000n), at: T0 }), points, T0, 6 * HOUR, 24 * HOUR);
    const facts = new Map(eventFacts(event, { timezone: 'UTC' }));
    expect(facts.get('Top up')).toBe('at least 52,000.00 BDT (to 60,000.00, the recovery level)');
    // 52,000.00 and 24 h at 1,000.00 an hour.
    expect(facts.get('To cover the trend')).toBe('76,000.00 BDT covers the next 24 h at the current rate');
    const resolved = withTrend(criticalEvent({ kind: 'resolved', level: 'ok', previousLevel: 'critical', value: bdt(6_000_000n), at: T0 }), points, T0, 6 * HOUR, 24 * HOUR);
    expect(new Map(eventFacts(resolved, { timezone: 'UTC' })).has('Top up')).toBe(false);
  });
});
