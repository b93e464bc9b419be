import { describe, expect, it } from 'vitest';
import type { Money } from '../../src/money/money.js';
import { comparedRules, renderBacktest, ruleDifference } from '../../src/report/backtest.js';
import type { AlertTally, ReplayResult, RuleTally } from '../../src/rules/replay.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const bdt = (major: number): Money => ({ amount: { units: BigInt(major) * 100n, scale: 2 }, currency: 'BDT' });
const tally = (overrides: Partial<AlertTally> = {}): AlertTally => ({
  rule: 'bKash agent float',
  source: 'apay',
  account: 'bkash_a',
  notifications: { firing: 41, resolved: 40 },
  byChannel: { treasury: 81 },
  warningMs: 10 * H,
  criticalMs: 3 * H + 600_000,
  episodes: 41,
  longestEpisodeMs: 2 * H,
  lowest: { value: bdt(8_000), at: T0 + 5 * H },
  firstFirings: [{ at: T0 + 4 * H, level: 'warning', value: bdt(45_000) }],
  observations: 8_640,
  timeline: [],
  ...overrides,
});
const rule = (alerts: AlertTally[], extra: Partial<RuleTally> = {}): RuleTally => ({ rule: 'bKash agent float', alerts, noHistory: [], unjudged: [], ...extra });
const result = (rules: RuleTally[]): ReplayResult => ({ since: T0, until: T0 + 30 * 24 * H, rules, footnotes: ['for counts observations'] });

describe('the backtest report', () => {
  it('lists each account with its notifications by kind, its time firing and its lowest balance, then the footnotes', () => {
    const text = renderBacktest(result([rule([tally()], { noHistory: ['bkash_b'], unjudged: [{ account: 'bkash_c', why: 'fewer than for' }] })]), 'c.yaml', { timezone: 'UTC' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Backtest of c.yaml: 2026-11-01 00:00 UTC to 2026-12-01 00:00 UTC (30 d); nothing was sent or written.');
    expect(lines).toContain('bKash agent float');
    expect(text).toMatch(/ACCOUNT\s+FIRED\s+ESCALATED\s+IMPROVED\s+RESOLVED\s+REPEATS\s+RUNWAY\s+DROP\s+NO DATA\s+STEPS\s+WARNING TIME\s+CRITICAL TIME\s+EPISODES\s+LONGEST\s+LOWEST/);
    expect(text).toMatch(/bkash_a\s+41\s+0\s+0\s+40\s+0\s+0\s+0\s+0\s+0\s+10 h\s+3 h 10 min\s+41\s+2 h\s+8,000\.00 BDT at 2026-11-01 05:00 UTC/);
    expect(text).toContain('  messages per channel: treasury 81');
    expect(text).toContain('  first firings: 2026-11-01 04:00 UTC warning 45,000.00 BDT');
    expect(text).toContain('  no history in the period: bkash_b');
    expect(text).toContain('  cannot judge bkash_c: fewer than for');
    expect(lines.at(-1)).toBe('Note: for counts observations');
  });

  it('adds a line for all accounts of a rule', () => {
    const text = renderBacktest(result([rule([tally(), tally({ account: 'bkash_b', notifications: { firing: 1 }, warningMs: H })])]), 'c.yaml', { timezone: 'UTC' });
    expect(text).toMatch(/\(all\)\s+42\s+0\s+0\s+40\s+.*11 h/);
  });
});

describe('ruleDifference', () => {
  it.each<[string, RuleTally | undefined, RuleTally | undefined, string]>([
    [
      'fewer warnings, the same critical time, the first warning later',
      rule([tally({ notifications: { firing: 6, resolved: 6 }, warningMs: 2 * H, firstFirings: [{ at: T0 + 6 * H, level: 'warning', value: null }] })]),
      rule([tally()]),
      'notifications 81 → 12; fired 41 → 6; warning time 10 h → 2 h; critical time 3 h 10 min → 3 h 10 min; first firing 2 h later',
    ],
    ['a rule only in the new config', rule([tally()]), undefined, 'added (not in the other config)'],
    ['a rule only in the old one', undefined, rule([tally()]), 'removed (only in the other config)'],
    ['a rule that no longer fires', rule([tally({ notifications: {}, warningMs: 0, criticalMs: 0, firstFirings: [] })]), rule([tally()]), 'notifications 81 → 0; fired 41 → 0; warning time 10 h → -; critical time 3 h 10 min → -; no longer fires'],
  ])('%s', (_name, now, before, expected) => {
    expect(ruleDifference(now, before)).toBe(expected);
  });

  it('compares by rule name, this config first, then those only in the other', () => {
    const a = result([rule([tally()]), { ...rule([]), rule: 'new' }]);
    const b = result([rule([tally()]), { ...rule([]), rule: 'old' }]);
    expect(comparedRules(a, b).map((r) => [r.rule, Boolean(r.now), Boolean(r.before)])).toEqual([
      ['bKash agent float', true, true],
      ['new', true, false],
      ['old', false, true],
    ]);
  });
});
