import type { Money } from '../../src/money/money.js';
import type { AlertEvent } from '../../src/rules/alert.js';

export const T0 = Date.parse('2026-11-21T09:00:00Z');

export const bdt = (units: bigint): Money => ({ amount: { units, scale: 2 }, currency: 'BDT' });

/** A critical firing for bKash: 8,500.00 BDT below 10,000.00. */
export function criticalEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    kind: 'firing',
    rule: 'bKash agent float',
    source: 'apay',
    account: 'bkash_a',
    target: 'bkash_a',
    level: 'critical',
    previousLevel: 'ok',
    value: bdt(850_000n),
    previousValue: bdt(1_200_000n),
    thresholds: { warn: { units: 5_000_000n, scale: 2 }, warnRecover: { units: 6_000_000n, scale: 2 }, critical: { units: 1_000_000n, scale: 2 }, criticalRecover: { units: 1_100_000n, scale: 2 } },
    since: T0,
    at: T0 + 3_600_000,
    ...overrides,
  };
}
