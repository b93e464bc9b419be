import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money } from '../../src/money/money.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { AlertState, RulePolicy } from '../../src/rules/alert.js';
import type { TotalMemberSpec } from '../../src/rules/total.js';
import { membersText, readTotal, type SourceAnswer } from '../../src/rules/total.js';

const NOW = 1_000_000_000;
const MAX_AGE = 120_000;
const inr = (paise: bigint): Money => ({ amount: { units: paise, scale: 2 }, currency: 'INR' });
const ok = (balances: Record<string, bigint>, at = NOW): SourceAnswer => ({
  ok: true,
  at,
  balances: new Map(Object.entries(balances).map(([account, paise]) => [account, { ok: true as const, value: inr(paise) }])),
});
const SPECS: TotalMemberSpec[] = [
  { source: 'apay', coverage: { kind: 'pattern', pattern: 'upi_*' } },
  { source: 'bepaid', coverage: { kind: 'fixed', accounts: ['inr-settlement'] } },
];
const both = (apay: Record<string, bigint>, bepaid = 80_000_000n) => new Map([['apay', ok(apay)], ['bepaid', ok({ 'inr-settlement': bepaid })]]);

describe('readTotal', () => {
  it('sums every glob match and the named account, and lists the largest first', () => {
    const total = readTotal(SPECS, both({ upi_a: 120_000_000n, upi_b: 5_050n, bkash_a: 1n }), new Set(), 'INR', NOW, MAX_AGE);
    expect(total.observation).toEqual({ kind: 'value', value: inr(200_005_050n) });
    expect(total.members.map((m) => m.key)).toEqual(['apay/upi_a', 'bepaid/inr-settlement', 'apay/upi_b']);
    expect(total.joined).toEqual([]);
  });

  it.each<[string, Map<string, SourceAnswer>, Set<string>, RegExp]>([
    ['a source that has not answered', new Map([['apay', ok({ upi_a: 1n })]]), new Set(), /bepaid\/inr-settlement \(no answer from bepaid yet\)/],
    ['a failing source', new Map<string, SourceAnswer>([['apay', ok({ upi_a: 1n })], ['bepaid', { ok: false, at: NOW, failure: 'HTTP 503' }]]), new Set(), /bepaid fails: HTTP 503/],
    ['an answer older than two intervals', new Map([['apay', ok({ upi_a: 1n }, NOW - MAX_AGE - 1)], ['bepaid', ok({ 'inr-settlement': 1n })]]), new Set(), /apay last answered 120 s ago/],
    ['a member seen before and missing now', both({ upi_a: 1n }), new Set(['apay/upi_a', 'apay/upi_b', 'bepaid/inr-settlement']), /apay\/upi_b \(missing from apay's answer\)/],
    ['the named account missing', new Map([['apay', ok({ upi_a: 1n })], ['bepaid', ok({})]]), new Set(), /bepaid\/inr-settlement \(missing from bepaid's answer\)/],
  ])('is unknown, not a smaller sum, with %s', (_, answers, known, why) => {
    const total = readTotal(SPECS, answers, known, 'INR', NOW, MAX_AGE);
    expect(total.observation.kind).toBe('failure');
    expect(total.observation.kind === 'failure' && total.observation.reason).toMatch(why);
  });

  it('waits, rather than counting a failed check, until every source has answered once', () => {
    const total = readTotal(SPECS, new Map([['apay', ok({ upi_a: 1n })]]), new Set(), 'INR', NOW, MAX_AGE);
    expect(total.waiting).toBe(true);
    expect(readTotal(SPECS, both({ upi_a: 1n }), new Set(), 'INR', NOW, MAX_AGE).waiting).toBe(false);
  });

  it('keeps the members it knew while their source fails, so that none "joins" when it answers again', () => {
    const known = new Set(['apay/upi_a', 'apay/upi_b', 'bepaid/inr-settlement']);
    const failing = new Map<string, SourceAnswer>([['apay', { ok: false, at: NOW, failure: 'timeout' }], ['bepaid', ok({ 'inr-settlement': 1n })]]);
    const during = readTotal(SPECS, failing, known, 'INR', NOW, MAX_AGE);
    expect(during.keys).toEqual(['apay/upi_a', 'apay/upi_b', 'bepaid/inr-settlement']);
    expect(during.waiting).toBe(false);
    expect(readTotal(SPECS, both({ upi_a: 1n, upi_b: 2n }), new Set(during.keys), 'INR', NOW, MAX_AGE).joined).toEqual([]);
  });

  it('is unknown when a member is in another currency', () => {
    const answers = both({ upi_a: 1n });
    answers.set('bepaid', { ok: true, at: NOW, balances: new Map([['inr-settlement', { ok: true, value: { amount: { units: 1n, scale: 2 }, currency: 'USD' } }]]) });
    expect(readTotal(SPECS, answers, new Set(), 'INR', NOW, MAX_AGE).observation).toMatchObject({ kind: 'failure', reason: expect.stringMatching(/in USD, not INR/) });
  });

  it('says once which members joined', () => {
    const known = new Set(['apay/upi_a', 'bepaid/inr-settlement']);
    const total = readTotal(SPECS, both({ upi_a: 1n, upi_new: 2n }), known, 'INR', NOW, MAX_AGE);
    expect(total.joined).toEqual(['apay/upi_new']);
    expect(readTotal(SPECS, both({ upi_a: 1n, upi_new: 2n }), new Set(total.keys), 'INR', NOW, MAX_AGE).joined).toEqual([]);
  });

  it('the sum is exact for any amounts of one currency', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 30 }), (amounts) => {
        const apay = Object.fromEntries(amounts.map((a, i) => [`upi_${i}`, a]));
        const total = readTotal(SPECS, both(apay, 0n), new Set(), 'INR', NOW, MAX_AGE);
        return total.observation.kind === 'value' && total.observation.value.amount.units === amounts.reduce((s, a) => s + a, 0n);
      }),
    );
  });

  it('a missing member never fires or resolves the total', () => {
    const policy: RulePolicy = { name: 'INR liquidity', source: 'total', target: 'total', thresholds: { warn: { units: 250_000_000n, scale: 2 }, warnRecover: { units: 275_000_000n, scale: 2 } }, for: 1, repeat: 0, staleAfter: 3 };
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.bigInt({ min: 0n, max: 10n ** 10n }), { minLength: 1, maxLength: 5 }), (firing, amounts) => {
        const state: AlertState = { level: firing ? 'warning' : 'ok', since: 0, warnStreak: firing ? 1 : 0, criticalStreak: 0, failures: 0 };
        const apay = Object.fromEntries(amounts.map((a, i) => [`upi_${i}`, a]));
        const known = new Set([...Object.keys(apay).map((k) => `apay/${k}`), 'apay/upi_gone', 'bepaid/inr-settlement']);
        const total = readTotal(SPECS, both(apay), known, 'INR', NOW, MAX_AGE);
        const result = evaluate(policy, 'total', state, total.observation, NOW);
        return result.state.level === state.level && result.events.every((e) => e.kind === 'no_data' || e.kind === 'repeat');
      }),
    );
  });
});

describe('membersText', () => {
  it('cuts at ten, the largest first, with "and N more"', () => {
    const members = Array.from({ length: 12 }, (_, i) => ({ key: `apay/upi_${i}`, value: inr(BigInt(100 - i) * 100n) }));
    const text = membersText(members);
    expect(text.startsWith('apay/upi_0 100.00 INR, apay/upi_1 99.00 INR')).toBe(true);
    expect(text.endsWith('apay/upi_9 91.00 INR and 2 more')).toBe(true);
  });
});
