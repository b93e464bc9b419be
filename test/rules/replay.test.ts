import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { Money } from '../../src/money/money.js';
import type { AlertEvent, AlertState } from '../../src/rules/alert.js';
import { planCycle } from '../../src/rules/cycle.js';
import { Replay, type ReplayedObservation } from '../../src/rules/replay.js';
import type { FetchResult } from '../../src/sources/source.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const config = (rules = ''): Config => {
  const text = rules === '' ? VALID_CONFIG : VALID_CONFIG.replace(/rules:\n[\s\S]*$/, `rules:\n${rules}`);
  return parseConfigText(text.replace('"*/5 * * * *"', '"* * * * *"'), { file: 'c.yaml', env: TEST_ENV }).config!;
};
const bdt = (major: number): Money => ({ amount: { units: BigInt(major) * 100n, scale: 2 }, currency: 'BDT' });
const at = (minute: number, major: number): ReplayedObservation => ({ source: 'apay', account: 'bkash_a', at: T0 + minute * MIN, value: bdt(major) });
const replay = (c: Config, observations: readonly ReplayedObservation[], onEvent?: (e: AlertEvent) => void) => {
  const r = new Replay(c, { intervalMs: MIN, holdsMs: 10 * MIN, ...(onEvent ? { onEvent } : {}) });
  for (const o of observations) r.observe(o);
  return r.finish(observations.at(-1)!.at + MIN);
};

describe('Replay', () => {
  it('tallies what a series would have sent, how long it fired, and its lowest balance', () => {
    const result = replay(config(), [at(0, 80_000), at(1, 45_000), at(2, 8_000), at(5, 30_000), at(9, 90_000)]);
    const bkash = result.rules.find((r) => r.rule === 'bKash agent float')!.alerts[0]!;
    expect(bkash.notifications).toEqual({ firing: 1, escalation: 1, improvement: 1, resolved: 1 });
    expect(bkash.byChannel).toEqual({ treasury: 4 });
    expect(bkash.warningMs).toBe(1 * MIN + 4 * MIN);
    expect(bkash.criticalMs).toBe(3 * MIN);
    expect(bkash).toMatchObject({ episodes: 1, longestEpisodeMs: 8 * MIN, lowest: { value: bdt(8_000), at: T0 + 2 * MIN }, observations: 5 });
    expect(bkash.firstFirings).toEqual([
      { at: T0 + MIN, level: 'warning', value: bdt(45_000) },
      { at: T0 + 2 * MIN, level: 'critical', value: bdt(8_000) },
    ]);
    expect(result.rules.find((r) => r.rule === 'USD settlement')!.noHistory).toEqual(['usd-settlement']);
  });

  it('replays a gap longer than a reading stands for as failed checks: no data after stale_after, back with the next reading', () => {
    const events: string[] = [];
    replay(config(), [at(0, 80_000), at(60, 80_000)], (e) => events.push(`${e.kind}@${(e.at - T0) / MIN}`));
    // The reading holds 10 min; then one failed check a minute; stale_after 3.
    expect(events).toEqual(['no_data@13', 'no_data_resolved@60']);
  });

  it('says what it cannot judge: fewer observations than for', () => {
    const result = replay(config('  - name: slow\n    source: apay\n    payment_system: bkash_a\n    warn_below: 50000\n    for: 5\n'), [at(0, 1_000), at(1, 1_000)]);
    expect(result.rules[0]!.unjudged).toEqual([{ account: 'bkash_a', why: '2 observations in the period, fewer than for: 5' }]);
  });

  it('notes that for counts observations where they are further apart than the schedule', () => {
    expect(replay(config(), [at(0, 80_000), at(5, 80_000)]).footnotes[0]).toMatch(/counts observations, not schedule ticks/);
    expect(replay(config(), [at(0, 80_000), at(1, 80_000)]).footnotes).toEqual([]);
  });

  it('sends, notification by notification, what the daemon would: the same evaluator, one check per stored observation', () => {
    const c = config(`  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000
    for: 2
    repeat: 3m
    notify: { warning: [treasury], critical: [treasury, finance] }
`.replace('finance', 'treasury'));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 40 }), (balances) => {
        const observations = balances.map((b, i) => at(i, b));
        const replayed: string[] = [];
        replay(c, observations, (e) => replayed.push(`${e.kind}:${e.level}@${e.at}:${(e.to ?? []).join(',')}`));
        // The daemon: a cycle per observation, its state carried from one to the next.
        const live: string[] = [];
        let states = new Map<string, AlertState>();
        for (const o of observations) {
          const fetched: FetchResult = { ok: true, readings: [{ account: o.account, balance: { ok: true, value: o.value } }] };
          const plan = planCycle(c, c.sources[0]!, fetched, states, o.at);
          states = new Map(plan.states);
          for (const e of plan.events) live.push(`${e.kind}:${e.level}@${e.at}:${(e.to ?? []).join(',')}`);
        }
        expect(replayed).toEqual(live);
      }),
    );
  });
});
