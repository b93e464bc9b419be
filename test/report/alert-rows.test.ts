import { describe, expect, it } from 'vitest';
import { rowState } from '../../src/report/alert-rows.js';
import { initialState } from '../../src/rules/alert.js';

describe('rowState', () => {
  const value = { amount: { units: 13_000_000n, scale: 2 }, currency: 'BDT' };
  it.each([
    ['an ok balance', { ...initialState(0), lastValue: value }, 'ok'],
    ['a firing drop beside an ok level', { ...initialState(0), lastValue: value, dropSince: 0, dropRatio: 0.35 }, 'ok, drop 35 %'],
    ['a warning with a drop', { ...initialState(0), level: 'warning' as const, lastValue: value, dropSince: 0, dropRatio: 0.4 }, 'warning, drop 40 %'],
  ])('%s', (_, state, expected) => {
    expect(rowState({ rule: 'r', source: 'apay', account: 'bkash_a', state, value })).toBe(expected);
  });
});
