import { compareDecimal, type Decimal, signOf, subtractDecimal } from '../money/decimal.js';
import type { Thresholds } from './thresholds.js';

/** How far a balance is from the nearest level under it (or, below every level, from the lowest). */
export interface Headroom {
  readonly side: 'above' | 'below';
  readonly level: 'warning' | 'critical';
  /** Exact, in the balance's currency; never negative. */
  readonly amount: Decimal;
  /** Whole percent of the level, rounded down (a level of 0 has none). */
  readonly percent: number | null;
}

function percentOf(part: Decimal, whole: Decimal): number | null {
  if (signOf(whole) <= 0) return null;
  const scale = Math.max(part.scale, whole.scale);
  const widen = (d: Decimal) => d.units * 10n ** BigInt(scale - d.scale);
  return Number((widen(part) * 100n) / widen(whole));
}

/**
 * What people scan a board for: "18 % above warning", "4 % above critical"
 * (already warning), "12 % below critical". Pure, exact: the amount is a
 * decimal subtraction, the percentage integer division.
 */
export function headroom(balance: Decimal, thresholds: Thresholds): Headroom | null {
  const levels = [
    ['warning', thresholds.warn],
    ['critical', thresholds.critical],
  ] as const;
  for (const [level, at] of levels) {
    if (at !== undefined && compareDecimal(balance, at) >= 0) {
      const amount = subtractDecimal(balance, at);
      return { side: 'above', level, amount, percent: percentOf(amount, at) };
    }
  }
  const lowest = thresholds.critical !== undefined ? (['critical', thresholds.critical] as const) : thresholds.warn !== undefined ? (['warning', thresholds.warn] as const) : undefined;
  if (!lowest) return null;
  const amount = subtractDecimal(lowest[1], balance);
  return { side: 'below', level: lowest[0], amount, percent: percentOf(amount, lowest[1]) };
}
