import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headroomText } from '../../src/board/levels-text.js';
import { decimal } from '../../src/money/decimal.js';
import { headroom } from '../../src/rules/headroom.js';

const d = (units: bigint) => decimal(units, 2);
const levels = { warn: d(5_000_000n), critical: d(1_000_000n) };

describe('headroom to the nearest level', () => {
  it.each([
    ['well above warning', 5_900_000n, levels, '18 % above warning', 900_000n],
    ['on the warning level', 5_000_000n, levels, '0 % above warning', 0n],
    ['just above warning', 5_000_001n, levels, '<1 % above warning', 1n],
    ['in the warning band', 1_050_000n, levels, '5 % above critical', 50_000n],
    ['below critical', 880_000n, levels, '12 % below critical', 120_000n],
    ['below warning with no critical', 4_000_000n, { warn: d(5_000_000n) }, '20 % below warning', 1_000_000n],
    ['above a critical of zero', 100n, { critical: d(0n) }, 'above critical', 100n],
  ])('%s', (_what, balance, thresholds, text, amount) => {
    const h = headroom(d(balance), thresholds)!;
    expect(headroomText(h)).toBe(text);
    expect(h.amount.units * 10n ** BigInt(2 - h.amount.scale)).toBe(amount);
  });

  it('has none without levels', () => {
    expect(headroom(d(1n), {})).toBeNull();
  });

  it('is never negative, and is the exact distance to the level it names', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), fc.bigInt({ min: 0n, max: 10n ** 10n }), (balance, critical, gap) => {
        const t = { critical: d(critical), warn: d(critical + gap) };
        const h = headroom(d(balance), t)!;
        expect(h.amount.units >= 0n).toBe(true);
        const level = h.level === 'warning' ? t.warn.units : t.critical.units;
        expect(h.side === 'above' ? balance - level : level - balance).toBe(h.amount.units);
        expect(h.side === 'above' ? balance >= level : balance < level).toBe(true);
      }),
    );
  });
});
