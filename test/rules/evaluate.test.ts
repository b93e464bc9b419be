import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money } from '../../src/money/money.js';
import { type AlertState, displayState, type Observation, type RulePolicy } from '../../src/rules/alert.js';
import { evaluate } from '../../src/rules/evaluate.js';

const d = (n: number) => ({ units: BigInt(n), scale: 0 });
const money = (n: number): Money => ({ amount: d(n), currency: null });

/** warn below 100 (recovers at 110), critical below 50 (recovers at 55). */
const POLICY: RulePolicy = {
  name: 'float',
  source: 'apay',
  target: 'bkash_a',
  thresholds: { warn: d(100), warnRecover: d(110), critical: d(50), criticalRecover: d(55) },
  for: 1,
  repeat: 0,
  staleAfter: 3,
};

type Step = number | 'fail';
const MINUTE = 60_000;

function run(steps: readonly Step[], policy: RulePolicy = POLICY, start?: AlertState) {
  let state = start;
  const kinds: string[] = [];
  const states: string[] = [];
  steps.forEach((step, i) => {
    const observation: Observation = step === 'fail' ? { kind: 'failure', reason: 'timeout' } : { kind: 'value', value: money(step) };
    const result = evaluate(policy, 'bkash_a', state, observation, i * MINUTE);
    state = result.state;
    kinds.push(...result.events.map((e) => (e.kind === 'firing' || e.kind === 'escalation' || e.kind === 'improvement' ? `${e.kind}:${e.level}` : e.kind)));
    states.push(displayState(state) + (state.noDataSince !== undefined ? '+no_data' : ''));
  });
  return { kinds, states, state: state! };
}

describe('transitions', () => {
  it.each<[string, Step[], Partial<RulePolicy>, string[], string]>([
    ['stays quiet above the thresholds', [500, 400, 300], {}, [], 'ok'],
    ['fires a warning', [500, 90], {}, ['firing:warning'], 'warning'],
    ['fires critical straight from ok', [500, 40], {}, ['firing:critical'], 'critical'],
    ['escalates from warning to critical', [90, 40], {}, ['firing:warning', 'escalation:critical'], 'critical'],
    ['improves from critical to warning (not "resolved")', [40, 60], {}, ['firing:critical', 'improvement:warning'], 'warning'],
    ['resolves at the recovery level', [90, 110], {}, ['firing:warning', 'resolved'], 'ok'],
    ['holds warning between threshold and recovery', [90, 105, 100, 109, 95], {}, ['firing:warning'], 'warning'],
    ['holds critical between threshold and recovery', [40, 54, 50, 45, 54], {}, ['firing:critical'], 'critical'],
    ['resolves critical straight to ok on a big top-up', [40, 500], {}, ['firing:critical', 'resolved'], 'ok'],
    ['critical recovered but inside the warning band is warning', [40, 105], {}, ['firing:critical', 'improvement:warning'], 'warning'],
    ['waits for `for` observations (pending meanwhile)', [90, 90, 90], { for: 3 }, ['firing:warning'], 'warning'],
    ['a recovery resets the pending count', [90, 90, 120, 90, 90], { for: 3 }, [], 'pending'],
    ['pending critical fires as critical', [40, 40], { for: 2 }, ['firing:critical'], 'critical'],
    ['mixed low values confirm the milder level', [40, 90], { for: 2 }, ['firing:warning'], 'warning'],
    ['escalation also waits for `for`', [90, 90, 40, 90, 40, 40], { for: 2 }, ['firing:warning', 'escalation:critical'], 'critical'],
    ['a failure never changes the level', [90, 'fail', 'fail'], {}, ['firing:warning'], 'warning'],
    ['no data after stale_after failures, once', ['fail', 'fail', 'fail', 'fail'], {}, ['no_data'], 'ok+no_data'],
    ['no data resolves when data returns', ['fail', 'fail', 'fail', 500], {}, ['no_data', 'no_data_resolved'], 'ok'],
    ['data back below a threshold resolves no-data and fires', [500, 'fail', 'fail', 'fail', 40], {}, ['no_data', 'no_data_resolved', 'firing:critical'], 'critical'],
    ['missing data never resolves an alert', [40, 'fail', 'fail', 'fail', 'fail', 'fail'], {}, ['firing:critical', 'no_data'], 'critical+no_data'],
    ['a failure in between keeps counting failures only in a row', ['fail', 'fail', 500, 'fail', 'fail'], {}, [], 'ok'],
  ])('%s', (_name, steps, overrides, expectedKinds, finalState) => {
    const { kinds, states } = run(steps, { ...POLICY, ...overrides });
    expect(kinds).toEqual(expectedKinds);
    expect(states.at(-1)).toBe(finalState);
  });

  it('works for a warning-only rule and a critical-only rule', () => {
    const warnOnly: RulePolicy = { ...POLICY, thresholds: { warn: d(100), warnRecover: d(110) } };
    expect(run([10, 105, 120], warnOnly).kinds).toEqual(['firing:warning', 'resolved']);
    const criticalOnly: RulePolicy = { ...POLICY, thresholds: { critical: d(50), criticalRecover: d(55) } };
    expect(run([80, 49, 54, 55], criticalOnly).kinds).toEqual(['firing:critical', 'resolved']);
  });
});

describe('repeat', () => {
  const every5 = { ...POLICY, repeat: 5 * MINUTE };

  it('re-notifies every `repeat` while firing, and not after resolving', () => {
    const steps: Step[] = [90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 200, 90];
    expect(run(steps, every5).kinds).toEqual(['firing:warning', 'repeat', 'repeat', 'resolved', 'firing:warning']);
  });

  it('repeats a no-data alert too', () => {
    const { kinds } = run(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail'], every5);
    expect(kinds).toEqual(['no_data', 'repeat']);
  });

  it('never repeats with repeat 0', () => {
    expect(run(Array<Step>(50).fill(40)).kinds).toEqual(['firing:critical']);
  });
});

describe('event facts', () => {
  it('carries value, previous value, since and thresholds', () => {
    let state = evaluate(POLICY, 'bkash_a', undefined, { kind: 'value', value: money(120) }, 0).state;
    const fired = evaluate(POLICY, 'bkash_a', state, { kind: 'value', value: money(90) }, 1000);
    expect(fired.events).toEqual([
      {
        kind: 'firing',
        rule: 'float',
        source: 'apay',
        account: 'bkash_a',
        target: 'bkash_a',
        level: 'warning',
        previousLevel: 'ok',
        value: money(90),
        previousValue: money(120),
        thresholds: POLICY.thresholds,
        since: 1000,
        at: 1000,
      },
    ]);
    state = evaluate(POLICY, 'bkash_a', fired.state, { kind: 'value', value: money(40) }, 2000).state;
    const resolved = evaluate(POLICY, 'bkash_a', state, { kind: 'value', value: money(300) }, 3000);
    expect(resolved.events[0]).toMatchObject({ kind: 'resolved', since: 1000, previousValue: money(40), value: money(300) });
    expect(resolved.state.since).toBe(3000);
  });
});

describe('properties', () => {
  const policyArb = fc.record({ for: fc.integer({ min: 1, max: 4 }), repeat: fc.constantFrom(0, 3 * MINUTE), staleAfter: fc.integer({ min: 1, max: 4 }) });

  it('a value moving inside the warning band never notifies', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 100, max: 109 }), { minLength: 1, maxLength: 30 }), (p, band) => {
        const policy = { ...POLICY, ...p, repeat: 0 };
        const fired = run([90, 90, 90, 90], policy);
        const after = run(band, policy, fired.state);
        return fired.state.level === 'warning' && after.kinds.length === 0 && after.state.level === 'warning';
      }),
    );
  });

  it('a value moving inside the critical band never notifies', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 50, max: 54 }), { minLength: 1, maxLength: 30 }), (p, band) => {
        const policy = { ...POLICY, ...p, repeat: 0 };
        const fired = run([10, 10, 10, 10], policy);
        return run(band, policy, fired.state).kinds.length === 0;
      }),
    );
  });

  it('remembers since when an account is missing from the answers, through source failures, until it is read again', () => {
    const missing: Observation = { kind: 'failure', reason: 'the response no longer lists this payment system', missing: true };
    const failed: Observation = { kind: 'failure', reason: 'timeout' };
    let state = evaluate(POLICY, 'bkash_a', undefined, { kind: 'value', value: money(90) }, 0).state;
    const seen: (number | undefined)[] = [];
    for (const [i, observation] of [missing, failed, missing, missing].entries()) {
      state = evaluate(POLICY, 'bkash_a', state, observation, (i + 1) * MINUTE).state;
      seen.push(state.missingSince);
    }
    expect(seen).toEqual([MINUTE, MINUTE, MINUTE, MINUTE]);
    expect(state.noDataSince).toBe(3 * MINUTE);
    expect(state.level).toBe('warning');
    state = evaluate(POLICY, 'bkash_a', state, { kind: 'value', value: money(90) }, 9 * MINUTE).state;
    expect(state.missingSince).toBeUndefined();
  });

  it('missing data never resolves an alert nor changes its level', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 20 }), (p, values, failures) => {
        const policy = { ...POLICY, ...p };
        const before = run(values, policy);
        const after = run(Array<Step>(failures).fill('fail'), policy, before.state);
        return after.state.level === before.state.level && !after.kinds.some((k) => k === 'resolved' || k.startsWith('improvement'));
      }),
    );
  });

  it('the same observation twice gives no second event, unless a repeat is due', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 200 }), (p, values, value) => {
        const policy = { ...POLICY, ...p, for: 1 };
        const before = run([...values, value], policy);
        const again = evaluate(policy, 'bkash_a', before.state, { kind: 'value', value: money(value) }, values.length * MINUTE + 1);
        return again.events.every((event) => event.kind === 'repeat');
      }),
    );
  });

  it('the level is always consistent with the last value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 40 }), (values) => {
        const { state } = run(values);
        const last = values.at(-1)!;
        if (last < 50) return state.level === 'critical';
        if (last < 100) return state.level !== 'ok';
        if (last >= 110) return state.level === 'ok';
        return true;
      }),
    );
  });
});

describe('runway', () => {
  const RUNWAY: RulePolicy = { ...POLICY, runwayBelow: 6 * 3_600_000 };
  const HOUR = 3_600_000;
  const trend = (ms: number | undefined) => ({ msToTarget: ms, slopePerHour: -1, target: d(50), points: 10 });
  const step = (state: AlertState | undefined, value: number, ms: number | undefined, now: number) =>
    evaluate(RUNWAY, 'bkash_a', state, { kind: 'value', value: money(value) }, now, trend(ms));

  it('fires when the crossing is sooner than runway_below, before any threshold', () => {
    const result = step(undefined, 500, 3 * HOUR, 0);
    expect(result.events.map((e) => e.kind)).toEqual(['runway']);
    expect(result.events[0]).toMatchObject({ projection: { ms: 3 * HOUR, target: { amount: d(50), currency: null } }, runwayBelow: 6 * HOUR });
    expect(result.state.runwaySince).toBe(0);
  });

  it('holds between runway_below and 1.5 × runway_below, then resolves', () => {
    let state = step(undefined, 500, 3 * HOUR, 0).state;
    const held = step(state, 500, 8 * HOUR, MINUTE);
    expect(held.events).toEqual([]);
    state = held.state;
    const resolved = step(state, 500, 9.5 * HOUR, 2 * MINUTE);
    expect(resolved.events.map((e) => e.kind)).toEqual(['runway_resolved']);
    expect(resolved.state.runwaySince).toBeUndefined();
  });

  it('resolves when the trend turns flat or rising', () => {
    const state = step(undefined, 500, HOUR, 0).state;
    expect(step(state, 500, undefined, MINUTE).events.map((e) => e.kind)).toEqual(['runway_resolved']);
  });

  it('stays quiet without enough history, and below the target the balance alert speaks', () => {
    expect(evaluate(RUNWAY, 'bkash_a', undefined, { kind: 'value', value: money(500) }, 0).events).toEqual([]);
    expect(step(undefined, 40, 0, 0).events.map((e) => e.kind)).toEqual(['firing']);
  });

  it('records the projection for status', () => {
    expect(step(undefined, 500, 2 * HOUR, 0).state.projection).toEqual({ at: 0, ms: 2 * HOUR, target: '50' });
  });
});

describe('acknowledgements', () => {
  const ack = { by: 'Anna', note: 'top-up requested', at: 5 * MINUTE };
  const REPEATING: RulePolicy = { ...POLICY, repeat: 2 * MINUTE };
  /** From a warning (90) acknowledged at minute 5, then one value a minute. */
  function afterAck(values: readonly number[], policy = REPEATING) {
    let state = evaluate(policy, 'bkash_a', undefined, { kind: 'value', value: money(90) }, 0).state;
    state = { ...state, acknowledged: ack };
    const kinds: string[] = [];
    let last = state;
    values.forEach((v, i) => {
      const result = evaluate(policy, 'bkash_a', last, { kind: 'value', value: money(v) }, (6 + i) * MINUTE);
      kinds.push(...result.events.map((e) => (e.acknowledged ? `${e.kind}(ack by ${e.acknowledged.by})` : e.kind)));
      last = result.state;
    });
    return { kinds, acknowledged: last.acknowledged };
  }

  it.each<[string, number[], string[], boolean]>([
    ['no repeats while acknowledged', [90, 90, 90, 90, 90], [], true],
    ['a move inside the band keeps it', [95, 105, 99, 108], [], true],
    ['escalation ends it, and says who had acknowledged', [40, 40, 40], ['escalation(ack by Anna)', 'repeat'], false],
    ['a resolve ends it, and says who had acknowledged', [120], ['resolved(ack by Anna)'], false],
  ])('%s', (_name, values, kinds, stillAcknowledged) => {
    const result = afterAck(values);
    expect(result.kinds).toEqual(kinds);
    expect(result.acknowledged !== undefined).toBe(stillAcknowledged);
  });

  it('an improvement keeps it: critical to warning is not worse', () => {
    const critical = { ...evaluate(REPEATING, 'bkash_a', undefined, { kind: 'value', value: money(40) }, 0).state, acknowledged: ack };
    expect(critical.level).toBe('critical');
    const result = evaluate(REPEATING, 'bkash_a', critical, { kind: 'value', value: money(70) }, 6 * MINUTE);
    expect(result.events.map((e) => [e.kind, e.level, e.acknowledged])).toEqual([['improvement', 'warning', undefined]]);
    expect(result.state.acknowledged).toEqual(ack);
  });

  it('a missing reading keeps it, and no no-data repeat is sent', () => {
    let state: AlertState = { ...evaluate(REPEATING, 'bkash_a', undefined, { kind: 'value', value: money(90) }, 0).state, acknowledged: ack };
    const kinds: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const result = evaluate(REPEATING, 'bkash_a', state, { kind: 'failure', reason: 'timeout' }, (6 + i) * MINUTE);
      kinds.push(...result.events.map((e) => e.kind));
      state = result.state;
    }
    expect(kinds).toEqual(['no_data']);
    expect(state.acknowledged).toEqual(ack);
  });

  it('property: while acknowledged and no worse, nothing repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 51, max: 109 }), { maxLength: 30 }), (values) => {
        const { kinds } = afterAck(values);
        expect(kinds.filter((k) => k === 'repeat')).toEqual([]);
      }),
    );
  });
});
