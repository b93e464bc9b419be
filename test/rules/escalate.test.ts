import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headline } from '../../src/notify/format.js';
import type { AlertState, RulePolicy } from '../../src/rules/alert.js';
import { dueSteps, escalate, type EscalationStep } from '../../src/rules/escalate.js';
import { decodeState, encodeState } from '../../src/store/state-codec.js';

const MIN = 60_000;
const STEPS: EscalationStep[] = [
  { afterMs: 30 * MIN, notify: ['finance'] },
  { afterMs: 120 * MIN, notify: ['cfo-email'] },
  { afterMs: 60 * MIN, notify: ['ops'], level: 'critical' as const },
].sort((a, b) => a.afterMs - b.afterMs);
const policy: RulePolicy = { name: 'bKash agent float', source: 'apay', target: 'bkash_a', thresholds: { critical: { units: 1_000_000n, scale: 2 } }, for: 1, repeat: 0, staleAfter: 3 };
const firing = (level: AlertState['level'], extra: Partial<AlertState> = {}): AlertState => ({
  level,
  since: 0,
  warnStreak: 1,
  criticalStreak: level === 'critical' ? 1 : 0,
  failures: 0,
  lastValue: { amount: { units: 850_000n, scale: 2 }, currency: 'BDT' },
  ...extra,
});

describe('dueSteps', () => {
  it.each<[string, AlertState, number, number[]]>([
    ['nothing before the first step', firing('critical'), 29 * MIN, []],
    ['the first step at 30 min', firing('critical'), 30 * MIN, [0]],
    ['a critical-only step waits for a warning', firing('warning', { escalated: [0] }), 90 * MIN, []],
    ['and fires once it is critical', firing('critical', { escalated: [0] }), 90 * MIN, [1]],
    ['steps that fell due meanwhile (a restart) all fire, none twice', firing('critical', { escalated: [0] }), 180 * MIN, [1, 2]],
    ['nothing while acknowledged', firing('critical', { acknowledged: { by: 'anna', at: 1 } }), 180 * MIN, []],
    ['nothing once resolved', { ...firing('ok'), warnStreak: 0 }, 180 * MIN, []],
  ])('%s', (_name, state, now, expected) => {
    expect(dueSteps(STEPS, state, now)).toEqual(expected);
  });
});

describe('escalate', () => {
  it('says who did not answer, for how long, with the balance', () => {
    const { events, state } = escalate(STEPS, policy, 'bkash_a', firing('critical'), 30 * MIN);
    expect(events.map((e) => [e.kind, e.to, e.step])).toEqual([['escalated', ['finance'], { number: 1, of: 3 }]]);
    expect(headline(events[0]!)).toBe('[ESCALATED] bKash agent float: critical for 30 min, not acknowledged: 8,500.00 BDT (below 10,000.00)');
    expect(state.escalated).toEqual([0]);
  });

  it('forgets the steps taken once the level resolves, so the next episode starts over', () => {
    expect(escalate(STEPS, policy, 'bkash_a', { ...firing('ok'), escalated: [0, 1] }, 0).state.escalated).toBeUndefined();
  });

  it('across restarts (the state through the store), never repeats a step and never skips one that fell due', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 90 * MIN }), { minLength: 1, maxLength: 12 }), (gaps) => {
        let state = firing('critical');
        let now = 0;
        const fired: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const result = escalate(STEPS, policy, 'bkash_a', state, now);
          fired.push(...result.events.map((e) => e.step!.number - 1));
          state = decodeState(encodeState(result.state))!;
        }
        expect(new Set(fired).size).toBe(fired.length);
        expect(fired.sort()).toEqual(STEPS.flatMap((step, i) => (now >= step.afterMs ? [i] : [])));
      }),
    );
  });
});
