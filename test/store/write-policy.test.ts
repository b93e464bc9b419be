import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertState, initialState } from '../../src/rules/alert.js';
import { observationDue, sameStateButTime, stateDue, WRITE_HEARTBEAT_MS } from '../../src/store/write-policy.js';
import { bdt, T0 } from '../helpers/events.js';

describe('what a cycle writes', () => {
  it.each([
    ['nothing written yet', undefined, bdt(100n), T0, true],
    ['the same balance, just written', { value: bdt(100n), at: T0 }, bdt(100n), T0 + 1_000, false],
    ['the same balance, a heartbeat later', { value: bdt(100n), at: T0 }, bdt(100n), T0 + WRITE_HEARTBEAT_MS, true],
    ['a changed balance', { value: bdt(100n), at: T0 }, bdt(101n), T0 + 1_000, true],
    ['the same amount in another currency', { value: bdt(100n), at: T0 }, { ...bdt(100n), currency: 'INR' }, T0 + 1_000, true],
    ['the same amount at another scale', { value: bdt(100n), at: T0 }, { amount: { units: 1_000n, scale: 3 }, currency: 'BDT' }, T0 + 1_000, true],
  ])('a history point: %s', (_what, last, value, now, due) => {
    expect(observationDue(value, last, now)).toBe(due);
  });

  it('writes an alert state when anything but the time of its reading changed, or a heartbeat later', () => {
    const state = { ...initialState(T0), lastValue: bdt(100n), lastObservedAt: T0, projection: { at: T0, ms: 60_000, target: 'critical' } };
    const later = { ...state, lastObservedAt: T0 + 1_000, projection: { ...state.projection, at: T0 + 1_000 } };
    expect(sameStateButTime(state, later)).toBe(true);
    expect(stateDue(later, state, T0, T0 + 1_000)).toBe(false);
    expect(stateDue(later, state, T0, T0 + WRITE_HEARTBEAT_MS)).toBe(true);
    for (const changed of [{ warnStreak: 1 }, { level: 'warning' as const }, { failures: 1 }, { noDataSince: T0 }, { lastValue: bdt(99n) }, { lastNotifiedAt: T0 }, { projection: { at: T0, ms: 59_000, target: 'critical' } }]) {
      expect(stateDue({ ...later, ...changed }, state, T0, T0 + 1_000)).toBe(true);
    }
    expect(stateDue(state, undefined, undefined, T0)).toBe(true);
    expect(stateDue(later, state, undefined, T0 + 1_000)).toBe(true);
  });

  it('keeps the stored state equal to the latest but for time, comparing each state only with the one before', () => {
    const change = fc.oneof(
      fc.constant({}),
      fc.record({ warnStreak: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ failures: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ level: fc.constantFrom('ok' as const, 'warning' as const) }),
      fc.integer({ min: 98, max: 100 }).map((units) => ({ lastValue: bdt(BigInt(units)) })),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 1, max: 120_000 }), change }), { minLength: 1, maxLength: 100 }), (steps) => {
        let now = T0;
        let previous: AlertState | undefined;
        let stored: AlertState | undefined;
        let writtenAt: number | undefined;
        for (const { gap, change: changed } of steps) {
          now += gap;
          const state: AlertState = { ...(previous ?? initialState(T0)), ...changed, lastObservedAt: now };
          if (stateDue(state, previous, writtenAt, now)) [stored, writtenAt] = [state, now];
          expect(sameStateButTime(stored!, state)).toBe(true);
          expect(now - writtenAt!).toBeLessThan(WRITE_HEARTBEAT_MS);
          previous = state;
        }
      }),
    );
  });

  it('never lets the stored history lag a balance by more than a heartbeat, and never misses a change', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 1, max: 120_000 }), units: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 200 }), (readings) => {
        let now = T0;
        let last: { value: ReturnType<typeof bdt>; at: number } | undefined;
        for (const { gap, units } of readings) {
          now += gap;
          const value = bdt(BigInt(units));
          const changed = last !== undefined && last.value.amount.units !== value.amount.units;
          const due = observationDue(value, last, now);
          if (changed || last === undefined) expect(due).toBe(true);
          if (due) last = { value, at: now };
          expect(now - last!.at).toBeLessThan(WRITE_HEARTBEAT_MS);
        }
      }),
    );
  });
});
