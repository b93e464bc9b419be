import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { decimalToString, parseDecimal } from '../../src/money/decimal.js';
import { displayState, type AlertState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import { planCycle } from '../../src/rules/cycle.js';
import type { FetchResult } from '../../src/sources/source.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const config: Config = parseConfigText(
  VALID_CONFIG.replace('rules:', 'defaults:\n  stale_after: 2\nrules:\n  - name: UPI\n    source: apay\n    payment_system: "upi_*"\n    warn_below: 100'),
  { file: 'c.yaml', env: TEST_ENV },
).config!;
const apay = config.sources[0]!;
const bepaid = config.sources[1]!;

const money = (text: string, currency: string | null) => {
  const amount = parseDecimal(text);
  if (!amount.ok) throw new Error(amount.error);
  return { amount: amount.value, currency };
};
const fetched = (balances: Record<string, string>): FetchResult => ({
  ok: true,
  readings: Object.entries(balances).map(([account, text]) => ({ account, balance: text === 'bad' ? { ok: false, error: 'not a number' } : { ok: true, value: money(text, null) } })),
});
const failed: FetchResult = { ok: false, failure: { reason: 'timeout', retryable: true, message: 'A-Pay: no answer within 10s' } };

describe('planCycle', () => {
  it('evaluates each payment system a glob matches as its own alert', () => {
    const result = planCycle(config, apay, fetched({ bkash_a: '60000', upi_a: '50', upi_fast: '500', nagad_a: '1' }), new Map(), 0);
    expect(result.rows.map((r) => [r.rule, r.account, r.state && displayState(r.state)])).toEqual([
      ['UPI', 'upi_a', 'warning'],
      ['UPI', 'upi_fast', 'ok'],
      ['bKash agent float', 'bkash_a', 'ok'],
    ]);
    expect(result.events.map((e) => [e.kind, e.rule, e.account])).toEqual([['firing', 'UPI', 'upi_a']]);
    expect(result.observations).toHaveLength(4);
  });

  it('keeps a payment system that left the response, and lets it go stale', () => {
    let states: ReadonlyMap<string, AlertState> = planCycle(config, apay, fetched({ bkash_a: '60000', upi_a: '50' }), new Map(), 0).states;
    const first = planCycle(config, apay, fetched({ bkash_a: '60000' }), states, 1);
    expect(first.rows.find((r) => r.account === 'upi_a')?.error).toBe('the response no longer lists this payment system');
    expect(first.events).toEqual([]);
    states = first.states;
    const second = planCycle(config, apay, fetched({ bkash_a: '60000' }), states, 2);
    expect(second.events.map((e) => [e.kind, e.account, e.level])).toEqual([['no_data', 'upi_a', 'warning']]);
  });

  it('treats a failed fetch as a failure of every alert of the source, changing no level', () => {
    const before = planCycle(config, apay, fetched({ bkash_a: '40000', upi_a: '500' }), new Map(), 0);
    const after = planCycle(config, apay, failed, before.states, 1);
    expect(after.rows.map((r) => [r.account, r.state?.level, r.error])).toEqual([
      ['upi_a', 'ok', 'A-Pay: no answer within 10s'],
      ['bkash_a', 'warning', 'A-Pay: no answer within 10s'],
    ]);
    expect(after.events).toEqual([]);
  });

  it('puts thresholds into the currency of the reading', () => {
    const result = planCycle(config, apay, { ok: true, readings: [{ account: 'bkash_a', balance: { ok: true, value: money('8500.00', 'BDT') } }] }, new Map(), 0);
    expect(result.rows.find((r) => r.account === 'bkash_a')!.thresholds?.warn).toEqual({ units: 5000000n, scale: 2 });
    expect(result.rows.find((r) => r.rule === 'UPI')?.error).toBe('no payment system matches upi_*');
    expect(result.events[0]).toMatchObject({ kind: 'firing', level: 'critical' });
  });

  it('makes a bad balance a failure for that alert only', () => {
    const result = planCycle(config, apay, fetched({ bkash_a: 'bad', upi_a: '50' }), new Map(), 0);
    expect(result.rows.find((r) => r.account === 'bkash_a')?.error).toBe('not a number');
    expect(result.events.map((e) => e.account)).toEqual(['upi_a']);
  });

  it('reads an account listed twice from its first entry, and records it once', () => {
    const twice: FetchResult = {
      ok: true,
      readings: [
        { account: 'upi_a', balance: { ok: true, value: money('50', null) } },
        { account: 'upi_a', balance: { ok: true, value: money('500', null) } },
      ],
    };
    const result = planCycle(config, apay, twice, new Map(), 0);
    expect(result.rows.filter((r) => r.account === 'upi_a').map((r) => r.value && decimalToString(r.value.amount))).toEqual(['50']);
    expect(result.observations.map((o) => [o.account, decimalToString(o.value.amount)])).toEqual([['upi_a', '50']]);
  });

  it('shares one policy among the accounts of a rule in one currency', () => {
    const result = planCycle(config, apay, fetched({ upi_a: '50', upi_b: '40', upi_c: '500' }), new Map(), 0);
    const [a, b] = result.events;
    expect(a?.thresholds).toBe(b?.thresholds);
    expect(result.events.map((e) => [e.account, e.target])).toEqual([
      ['upi_a', 'upi_*'],
      ['upi_b', 'upi_*'],
    ]);
  });

  it('names bePaid alerts by the account label', () => {
    const result = planCycle(config, bepaid, { ok: true, readings: [{ account: 'usd-settlement', balance: { ok: true, value: money('999.99', 'USD') } }] }, new Map(), 0);
    expect(result.rows).toHaveLength(1);
    expect(result.states.has(alertKey('USD settlement', 'usd-settlement'))).toBe(true);
    expect(result.events[0]).toMatchObject({ kind: 'firing', level: 'warning', rule: 'USD settlement' });
  });
});

describe('planCycle with history', () => {
  const runwayConfig: Config = parseConfigText(
    VALID_CONFIG.replace('    critical_below: 10000\n', '    critical_below: 10000\n    runway_below: 6h\n'),
    { file: 'c.yaml', env: TEST_ENV },
  ).config!;
  const apaySource = runwayConfig.sources[0]!;
  const HOUR = 3_600_000;
  const NOW = 100 * HOUR;
  /** The hours before now, falling `perHour` to `latest`. */
  const history = (latest: number, perHour = 1000) =>
    Array.from({ length: 10 }, (_, i) => ({ at: NOW - (10 - i) * HOUR, value: money(`${latest + (10 - i) * perHour}.00`, 'BDT') }));
  const reading = (text: string): FetchResult => ({ ok: true, readings: [{ account: 'bkash_a', balance: { ok: true, value: money(text, 'BDT') } }] });

  it('raises a runway alert before the warning, with the forecast and a sparkline', () => {
    // Falling 1,000 an hour from 60,000: 50 hours to 10,000.
    const far = planCycle(runwayConfig, apaySource, reading('60000.00'), new Map(), NOW, () => history(60_000));
    expect(far.events).toEqual([]);
    // Falling 10,000 an hour, now at 60,000: 5 hours to 10,000, and still above warn_below.
    const near = planCycle(runwayConfig, apaySource, reading('60000.00'), new Map(), NOW, () => history(60_000, 10_000));
    expect(near.events.map((e) => e.kind)).toEqual(['runway']);
    const [event] = near.events;
    expect(event!.projection!.target).toEqual({ amount: { units: 1_000_000n, scale: 2 }, currency: 'BDT' });
    expect(event!.recent).toHaveLength(11);
  });

  it('adds the forecast to a firing message when the trend is falling', () => {
    const plan = planCycle(config, apay, reading('45000.00'), new Map(), NOW, () => history(46_000));
    const firing = plan.events.find((e) => e.kind === 'firing');
    expect(firing?.projection?.ms).toBeGreaterThan(30 * HOUR);
    expect(firing?.recent?.at(-1)).toBe(45_000);
  });
});

describe('planCycle with drop_by', () => {
  const dropConfig = (by: string): Config =>
    parseConfigText(VALID_CONFIG.replace('    critical_below: 10000\n', `    critical_below: 10000\n    drop_by: ${by}\n    drop_within: 1h\n`), { file: 'c.yaml', env: TEST_ENV }).config!;
  const NOW = 100 * 3_600_000;
  const reading = (text: string): FetchResult => ({ ok: true, readings: [{ account: 'bkash_a', balance: { ok: true, value: money(text, 'BDT') } }] });

  it('reads the window and the reading standing at its start from the history, and fires a drop', () => {
    const config = dropConfig('30%');
    const asked: number[] = [];
    const plan = planCycle(config, config.sources[0]!, reading('130000.00'), new Map(), NOW, (_, since) => {
      asked.push(since);
      return [{ at: NOW - 40 * 60_000, value: money('200000.00', 'BDT') }];
    });
    expect(Math.min(...asked)).toBeLessThan(NOW - 3_600_000);
    const drop = plan.events.find((e) => e.kind === 'drop');
    expect(drop?.drop).toMatchObject({ from: money('200000.00', 'BDT'), fall: money('70000.00', 'BDT'), overMs: 40 * 60_000, limit: '30 %', withinMs: 3_600_000 });
    expect(plan.states.get(alertKey('bKash agent float', 'bkash_a'))?.dropSince).toBe(NOW);
  });

  it('says an amount limit in the currency', () => {
    const config = dropConfig('50000');
    const plan = planCycle(config, config.sources[0]!, reading('100000.00'), new Map(), NOW, () => [{ at: NOW - 60_000, value: money('200000.00', 'BDT') }]);
    expect(plan.events.find((e) => e.kind === 'drop')?.drop?.limit).toBe('50,000.00 BDT');
  });

  it.each([['0'], ['0%'], ['150%'], ['-5%']])('refuses drop_by: %s', (by) => {
    const loaded = parseConfigText(VALID_CONFIG.replace('    critical_below: 10000\n', `    critical_below: 10000\n    drop_by: "${by}"\n`), { file: 'c.yaml', env: TEST_ENV });
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors[0]?.message).toMatch(/drop_by/);
  });
});

describe('check of drop_by', () => {
  it('reports an amount the currency cannot hold, where it is written', () => {
    const loaded = parseConfigText(VALID_CONFIG.replace('    critical_below: 10000\n', '    critical_below: 10000\n    drop_by: 5000.555\n'), { file: 'c.yaml', env: TEST_ENV });
    expect(loaded.errors.map((e) => `${e.position.line}:${e.position.col} ${e.message}`)).toEqual(['29:14 drop_by: BDT has 2 decimal places, but 5000.555 has 3']);
  });
});
