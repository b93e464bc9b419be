import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { Rule } from '../../src/config/types.js';
import type { Money } from '../../src/money/money.js';
import { eventFacts } from '../../src/notify/format.js';
import type { AlertState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import type { SourceAnswer } from '../../src/rules/total.js';
import { planTotal } from '../../src/rules/total-cycle.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const TEXT = `${VALID_CONFIG.replace('      bkash_a: BDT\n', '      bkash_a: BDT\n      upi_*: USD\n')}  - name: USD liquidity
    total_of:
      - { source: apay, payment_system: "upi_*" }
      - { source: bepaid, account: usd-settlement }
    warn_below: 2500
    hysteresis: 0
    stale_after: 2
`;
const rule: Rule = parseConfigText(TEXT, { file: 'c.yaml', env: TEST_ENV }).config!.rules.find((r) => r.name === 'USD liquidity')!;
const KEY = alertKey('USD liquidity', 'total');
const MAX_AGE = 60_000;
const usd = (dollars: number): Money => ({ amount: { units: BigInt(dollars) * 100n, scale: 2 }, currency: 'USD' });
const answer = (balances: Record<string, number>, at: number): SourceAnswer => ({ ok: true, at, balances: new Map(Object.entries(balances).map(([a, d]) => [a, { ok: true as const, value: usd(d) }])) });

/** Runs checks in order, each 10 s apart, carrying the state: what each produced. */
function run(steps: readonly (readonly [apay: Record<string, number> | 'fails', bepaid: number])[]) {
  let states = new Map<string, AlertState>();
  return steps.map(([apay, bepaid], i) => {
    const now = 1_000_000 + i * 10_000;
    const answers = new Map<string, SourceAnswer>([
      ['apay', apay === 'fails' ? { ok: false, at: now, failure: 'HTTP 503' } : answer(apay, now)],
      ['bepaid', answer({ 'usd-settlement': bepaid }, now)],
    ]);
    const plan = planTotal(rule, answers, states, now, MAX_AGE)!;
    states = new Map(plan.states);
    return plan;
  });
}

describe('planTotal', () => {
  it('fires on the sum, and its events list the members, the largest first', () => {
    const [first, low] = run([
      [{ upi_a: 2000, upi_b: 500 }, 1000],
      [{ upi_a: 1000, upi_b: 400 }, 1000],
    ]);
    expect(first!.events).toEqual([]);
    expect(first!.observations).toEqual([{ account: 'total', value: usd(3500) }]);
    expect(low!.events.map((e) => [e.kind, e.account, e.value])).toEqual([['firing', 'total', usd(2400)]]);
    expect(low!.events[0]!.members).toEqual({
      shown: [
        { key: 'apay/upi_a', value: usd(1000) },
        { key: 'bepaid/usd-settlement', value: usd(1000) },
        { key: 'apay/upi_b', value: usd(400) },
      ],
      count: 3,
    });
    const facts = new Map(eventFacts(low!.events[0]!, {}));
    expect(facts.get('Members')).toBe('apay/upi_a 1,000.00 USD, bepaid/usd-settlement 1,000.00 USD, apay/upi_b 400.00 USD');
    expect(facts.has('Source')).toBe(false);
  });

  it('neither fires nor resolves while a member is missing, and says which after stale_after checks', () => {
    const plans = run([
      [{ upi_a: 1000, upi_b: 400 }, 1000], // 2,400: firing
      [{ upi_a: 1000 }, 9000], // upi_b missing: 10,000 without it would resolve falsely
      [{ upi_a: 1000 }, 9000],
      [{ upi_a: 1000, upi_b: 400 }, 9000], // back: 10,400 resolves
    ]);
    expect(plans.map((p) => p.events.map((e) => e.kind))).toEqual([['firing'], [], ['no_data'], ['no_data_resolved', 'resolved']]);
    expect(plans[2]!.events[0]!.reason).toMatch(/apay\/upi_b \(missing from apay's answer\)/);
    expect(plans[1]!.observations).toEqual([]);
    expect(plans[1]!.states.get(KEY)!.level).toBe('warning');
  });

  it('treats a failing source as unknown members, not as a smaller total', () => {
    const plans = run([
      [{ upi_a: 100 }, 100],
      ['fails', 9000],
    ]);
    expect(plans[0]!.events.map((e) => e.kind)).toEqual(['firing']);
    expect(plans[1]!.events).toEqual([]);
    expect(plans[1]!.states.get(KEY)).toMatchObject({ level: 'warning', failures: 1, members: ['apay/upi_a', 'bepaid/usd-settlement'] });
  });

  it('names a member that joined in the next message, once', () => {
    const plans = run([
      [{ upi_a: 3000 }, 1000],
      [{ upi_a: 3000, upi_new: 5 }, 1000], // joins while all is well: no message yet
      [{ upi_a: 1000, upi_new: 5 }, 1000], // fires: names it
      [{ upi_a: 1000, upi_new: 5 }, 9000], // resolves: not again
    ]);
    expect(plans[1]!.events).toEqual([]);
    expect(plans[1]!.states.get(KEY)!.joined).toEqual(['apay/upi_new']);
    expect(plans[2]!.events[0]).toMatchObject({ kind: 'firing', joined: ['apay/upi_new'] });
    expect(new Map(eventFacts(plans[2]!.events[0]!, {})).get('Joined the total')).toBe('apay/upi_new');
    expect(plans[2]!.states.get(KEY)!.joined).toBeUndefined();
    expect(plans[3]!.events[0]!.joined).toBeUndefined();
  });

  it('is no check at all until every source has answered once', () => {
    const answers = new Map<string, SourceAnswer>([['apay', answer({ upi_a: 1 }, 0)]]);
    expect(planTotal(rule, answers, new Map(), 0, MAX_AGE)).toBeUndefined();
  });
});
