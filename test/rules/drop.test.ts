import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money } from '../../src/money/money.js';
import type { AlertEvent, AlertState, RulePolicy } from '../../src/rules/alert.js';
import { type DropPolicy, measureDrop, ratioText, type Reading, STANDING_LOOKBACK_MS } from '../../src/rules/drop.js';
import { HISTORY_HEARTBEAT_MS } from '../../src/store/store.js';
import { evaluate } from '../../src/rules/evaluate.js';
import { headline } from '../../src/notify/format.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const bdt = (major: number): Money => ({ amount: { units: BigInt(major) * 100n, scale: 2 }, currency: 'BDT' });
const percent = (n: number): DropPolicy => ({ by: { kind: 'percent', percent: { units: BigInt(n), scale: 0 } }, withinMs: HOUR });
const amount = (n: number): DropPolicy => ({ by: { kind: 'amount', amount: { units: BigInt(n), scale: 0 } }, withinMs: HOUR });

/** Readings a minute apart ending one minute before `now` (the last value is the current one). */
function series(values: readonly number[], now: number): { history: Reading[]; current: Money } {
  const history = values.slice(0, -1).map((v, i) => ({ at: now - (values.length - 1 - i) * MINUTE, value: bdt(v) }));
  return { history, current: bdt(values.at(-1)!) };
}

describe('measureDrop', () => {
  const NOW = 10 * HOUR;
  it('reads far enough before the window to find the reading that stood at its start, whatever the history heartbeat', () => {
    expect(STANDING_LOOKBACK_MS).toBeGreaterThanOrEqual(2 * HISTORY_HEARTBEAT_MS);
  });

  it.each<[string, number[], DropPolicy, boolean, number]>([
    ['a fall of a third from the high fires at 30 %', [200_000, 190_000, 150_000, 130_000], percent(30), true, 200_000],
    ['a fall just under the limit does not', [200_000, 140_001], percent(30), false, 200_000],
    ['exactly at the limit fires', [200_000, 140_000], percent(30), true, 200_000],
    ['a rise never fires', [100_000, 150_000, 200_000], percent(30), false, 200_000],
    ['a small rise (an incoming payment) keeps the high', [200_000, 150_000, 151_000, 130_000], percent(30), true, 200_000],
    ['a top-up of at least the limit starts afresh', [200_000, 60_000, 120_000, 110_000], percent(30), false, 120_000],
    ['an amount limit', [200_000, 149_999], amount(50_000), true, 200_000],
    ['an amount limit not reached', [200_000, 150_001], amount(50_000), false, 200_000],
  ])('%s', (_, values, policy, exceeds, from) => {
    const { history, current } = series(values, NOW);
    const measure = measureDrop(history, current, NOW, policy);
    expect(measure.exceeds).toBe(exceeds);
    expect(measure.from).toEqual(bdt(from));
  });

  it('counts the reading that stood when the window began, from the window start', () => {
    // 200,000 read 2 h ago and not changed until 10 minutes ago: it stood when the 1 h window began.
    const history = [
      { at: NOW - 2 * HOUR, value: bdt(200_000) },
      { at: NOW - 10 * MINUTE, value: bdt(150_000) },
    ];
    const measure = measureDrop(history, bdt(130_000), NOW, percent(30));
    expect(measure).toMatchObject({ exceeds: true, from: bdt(200_000), fromAt: NOW - HOUR });
    expect(measure.fall).toEqual(bdt(70_000));
    expect(ratioText(measure.ratio)).toBe('35 %');
  });

  it('forgets a high older than the window once a later reading replaced it', () => {
    const history = [
      { at: NOW - 3 * HOUR, value: bdt(200_000) },
      { at: NOW - 2 * HOUR, value: bdt(130_000) },
    ];
    expect(measureDrop(history, bdt(130_000), NOW, percent(30)).exceeds).toBe(false);
  });

  it('ignores readings in another currency', () => {
    const history = [{ at: NOW - MINUTE, value: { amount: { units: 100_000_000n, scale: 2 }, currency: 'USD' } }];
    expect(measureDrop(history, bdt(100), NOW, percent(30))).toMatchObject({ exceeds: false, from: bdt(100) });
  });

  it('a series that only rises never fires, whatever the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 100 }), (steps, limit) => {
        let total = 0;
        const values = steps.map((s) => (total += s));
        const { history, current } = series(values, NOW);
        const measure = measureDrop(history, current, NOW, percent(limit));
        return !measure.exceeds && measure.ratio === 0;
      }),
    );
  });

  it('fires exactly when the fall from the highest reading since the last top-up reaches the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 40 }), (values) => {
        const { history, current } = series(values, NOW);
        const limit = 50_000;
        let reference = values[0]!;
        for (let i = 1; i < values.length; i += 1) if (values[i]! - values[i - 1]! >= limit || values[i]! > reference) reference = values[i]!;
        return measureDrop(history, current, NOW, amount(limit)).exceeds === reference - values.at(-1)! >= limit;
      }),
    );
  });
});

describe('the drop alert', () => {
  const POLICY: RulePolicy = {
    name: 'bKash agent float',
    source: 'apay',
    target: 'bkash_a',
    thresholds: { warn: { units: 5_000_000n, scale: 2 }, warnRecover: { units: 5_500_000n, scale: 2 } },
    for: 1,
    repeat: HOUR,
    staleAfter: 3,
    drop: percent(30),
  };

  /** Runs the readings a minute apart through the evaluator, measuring each drop from those before it. */
  function run(values: readonly number[]) {
    let state: AlertState | undefined;
    const history: Reading[] = [];
    const events: AlertEvent[] = [];
    values.forEach((v, i) => {
      const now = i * MINUTE;
      const drop = measureDrop(history, bdt(v), now, POLICY.drop!);
      const result = evaluate(POLICY, 'bkash_a', state, { kind: 'value', value: bdt(v) }, now, undefined, drop);
      state = result.state;
      events.push(...result.events);
      history.push({ at: now, value: bdt(v) });
    });
    return { events, state: state! };
  }

  it('fires once per episode, beside the level, and resolves when the fall is back under the limit', () => {
    const { events, state } = run([200_000, 150_000, 130_000, 120_000, 110_000, 200_000, 190_000]);
    expect(events.map((e) => e.kind)).toEqual(['drop', 'drop_resolved']);
    expect(state.dropSince).toBeUndefined();
    expect(headline(events[0]!)).toBe('[DROP] bKash agent float fell 35 % (−70,000.00 BDT) in 2 min: 200,000.00 → 130,000.00 BDT');
    expect(headline(events[1]!)).toMatch(/^\[RESOLVED\] bKash agent float: 200,000.00 BDT, no longer falling fast/);
  });

  it('a drop and a warning can both fire, and a drop has no repeats', () => {
    const values = [200_000, 40_000, ...Array.from({ length: 120 }, () => 40_000)];
    const { events, state } = run(values);
    expect(events.slice(0, 2).map((e) => e.kind).sort()).toEqual(['drop', 'firing']);
    // The warning repeats every hour; the drop resolves once its high leaves the window.
    expect(events.filter((e) => e.kind === 'drop')).toHaveLength(1);
    expect(events.some((e) => e.kind === 'drop_resolved')).toBe(true);
    expect(state.level).toBe('warning');
  });

  it('keeps the measured share in the state, for the metric and the board', () => {
    expect(run([200_000, 190_000]).state.dropRatio).toBeCloseTo(0.05);
  });
});
