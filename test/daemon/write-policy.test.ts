import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueWrites, rememberWrites, SourceMemory } from '../../src/daemon/source-cycle.js';
import type { Money } from '../../src/money/money.js';
import { type AlertState, initialState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import { heartbeatDue, observationDue, sameStateButTime, stateDue, WRITE_HEARTBEAT_MS } from '../../src/daemon/write-policy.js';
import { bdt, T0 } from '../helpers/events.js';

describe('what a cycle writes', () => {
  it.each([
    ['nothing read yet', undefined, bdt(100n), true],
    ['the same balance', bdt(100n), bdt(100n), false],
    ['a changed balance', bdt(100n), bdt(101n), true],
    ['the same amount in another currency', bdt(100n), { ...bdt(100n), currency: 'INR' }, true],
    ['the same amount at another scale', bdt(100n), { amount: { units: 1_000n, scale: 3 }, currency: 'BDT' }, true],
  ])('a history point between heartbeats: %s', (_what, previous, value, due) => {
    expect(observationDue(value, previous)).toBe(due);
  });

  it.each([
    ['nothing written whole yet', undefined, T0, true],
    ['just written whole', T0, T0 + 1_000, false],
    ['a heartbeat later', T0, T0 + WRITE_HEARTBEAT_MS, true],
  ])('everything at once: %s', (_what, wholeWrittenAt, now, due) => {
    expect(heartbeatDue(wholeWrittenAt, now)).toBe(due);
  });

  it('writes an alert state when anything but the time of its reading changed', () => {
    const state = { ...initialState(T0), lastValue: bdt(100n), lastObservedAt: T0, projection: { at: T0, ms: 60_000, target: 'critical' } };
    const later = { ...state, lastObservedAt: T0 + 1_000, projection: { ...state.projection, at: T0 + 1_000 } };
    expect(sameStateButTime(state, later)).toBe(true);
    expect(stateDue(later, state)).toBe(false);
    for (const changed of [{ warnStreak: 1 }, { level: 'warning' as const }, { failures: 1 }, { noDataSince: T0 }, { lastValue: bdt(99n) }, { lastNotifiedAt: T0 }, { projection: { at: T0, ms: 59_000, target: 'critical' } }, { members: ['apay/upi_a'] }, { joined: ['apay/upi_a'] }]) {
      expect(stateDue({ ...later, ...changed }, state)).toBe(true);
    }
    expect(stateDue(state, undefined)).toBe(true);
    expect(stateDue({ ...state, members: ['apay/upi_a'] }, { ...state, members: ['apay/upi_a'] })).toBe(false);
  });
});

describe('the daemon memory and the store', () => {
  const change = fc.oneof(
    fc.constant({}),
    fc.record({ warnStreak: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ failures: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ level: fc.constantFrom('ok' as const, 'warning' as const) }),
  );
  const cycle = fc.record({ gap: fc.integer({ min: 1, max: 120_000 }), units: fc.integer({ min: 98, max: 100 }), change, commits: fc.boolean() });

  it('keeps what is stored equal to the latest cycle but for time, never more than a heartbeat old, over failed commits too', () => {
    fc.assert(
      fc.property(fc.array(cycle, { minLength: 1, maxLength: 100 }), (cycles) => {
        const key = alertKey('float', 'bkash_a');
        const memory = new SourceMemory();
        let now = T0;
        const stored: { state?: AlertState; balance?: Money; stateAt?: number; balanceAt?: number } = {};
        for (const { gap, units, change: changed, commits } of cycles) {
          now += gap;
          // As the daemon does: the memory's states, or after a failed commit what the store holds.
          const previous = memory.states ?? new Map(stored.state ? [[key, stored.state]] : []);
          const balance = bdt(BigInt(units));
          const state: AlertState = { ...(previous.get(key) ?? initialState(T0)), ...changed, lastValue: balance, lastObservedAt: now };
          const plan = { rows: [], events: [], states: new Map([[key, state]]), observations: [{ account: 'bkash_a', value: balance }] };
          const due = dueWrites(plan, previous, memory, now);
          if (!commits) {
            memory.states = undefined;
            continue;
          }
          for (const alert of due.alerts) Object.assign(stored, { state: alert.state, stateAt: now });
          for (const o of due.observations) Object.assign(stored, { balance: o.value, balanceAt: now });
          rememberWrites(memory, previous, plan, due, now);
          expect(sameStateButTime(stored.state!, state)).toBe(true);
          expect(observationDue(balance, stored.balance)).toBe(false);
          expect(now - stored.stateAt!).toBeLessThan(WRITE_HEARTBEAT_MS);
          expect(now - stored.balanceAt!).toBeLessThan(WRITE_HEARTBEAT_MS);
        }
      }),
    );
  });
});
