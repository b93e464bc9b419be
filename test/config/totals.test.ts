import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostic.js';
import { parseConfigText } from '../../src/config/load.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

/** VALID_CONFIG with USD balances in A-Pay too, and a total rule appended. */
const withTotal = (rule: string, currencies = '      upi_*: USD\n') =>
  VALID_CONFIG.replace('      bkash_a: BDT\n', `      bkash_a: BDT\n${currencies}`) + rule;
const load = (text: string) => parseConfigText(text, { file: '/etc/bw/config.yaml', env: TEST_ENV });
const lines = (text: string) => {
  const result = load(text);
  return [...result.errors, ...result.warnings].map((d) => formatDiagnostic('c.yaml', d));
};

const TOTAL = `  - name: USD liquidity
    total_of:
      - { source: apay, payment_system: "upi_*" }
      - { source: bepaid, account: "40701810842020395221" }
    warn_below: 2500000
`;

describe('total_of rules', () => {
  it('load with their own source id, the members resolved (a bePaid account by number is read by its name) and one currency', () => {
    const { config, errors } = load(withTotal(TOTAL));
    expect(errors).toEqual([]);
    const rule = config!.rules.find((r) => r.name === 'USD liquidity')!;
    expect(rule.source).toBe('total:USD liquidity');
    expect(rule.total).toEqual({
      members: [
        { source: 'apay', coverage: { kind: 'pattern', pattern: 'upi_*' } },
        { source: 'bepaid', coverage: { kind: 'fixed', accounts: ['usd-settlement'] } },
      ],
      currency: 'USD',
    });
  });

  it.each([
    ['an unknown member source', TOTAL.replace('source: bepaid', 'source: bepay'), 'c.yaml:37:19 error: rule "USD liquidity": no source has id "bepay" (sources: apay, bepaid)'],
    [
      'a member whose currency the config does not give',
      TOTAL.replace('"upi_*"', '"imps*"'),
      'c.yaml:36:9 error: rule "USD liquidity": the currency of apay/imps* is not in the config, and a total must know it: give it in source apay (for A-Pay a currencies entry such as "imps*": INR; for bePaid the account\'s currency)',
    ],
    [
      'members in two currencies',
      TOTAL.replace('"upi_*"', 'bkash_a'),
      'c.yaml:37:9 error: rule "USD liquidity": bepaid/40701810842020395221 is in USD, but apay/bkash_a is in BDT; a total adds balances of one currency (make a total per currency)',
    ],
    ['a bePaid member naming no declared account', TOTAL.replace('"40701810842020395221"', 'eur'), 'c.yaml:37:36 error: rule "USD liquidity", member bepaid/eur: source bepaid declares no account "eur" (accounts: usd-settlement)'],
    ['both source and total_of', TOTAL.replace('    total_of:', '    source: apay\n    total_of:'), 'c.yaml:35:13 error: rule "USD liquidity": set source (one balance) or total_of (a sum), not both; each member of total_of names its own source'],
    ['a payment system on the total itself', TOTAL.replace('    total_of:', '    payment_system: upi_a\n    total_of:'), 'c.yaml:35:21 error: rule "USD liquidity" is a total: name the payment_system in each member of total_of, not on the rule'],
    ['neither source nor total_of', TOTAL.replace(/ {4}total_of:\n.*\n.*\n/, ''), 'c.yaml:34:5 error: rule "USD liquidity" needs source (the source of one balance) or total_of (a list of members to add up)'],
    ['an empty total_of', TOTAL.replace(/total_of:\n.*\n.*\n/, 'total_of: []\n'), 'c.yaml:35:15 error: rules[2].total_of: list at least one member'],
    ['thresholds finer than the currency', TOTAL.replace('2500000', '"2500000.001"'), 'c.yaml:38:17 error: warn_below: USD has 2 decimal places, but 2500000.001 has 3'],
  ])('refuse %s, at its line and column', (_name, rule, expected) => {
    expect(lines(withTotal(rule)), lines(withTotal(rule)).join("\n")).toContain(expected);
  });

  it('take a glob member\'s currency from a currencies entry that covers the glob', () => {
    expect(load(withTotal(TOTAL, '      "*": USD\n')).errors).toEqual([]);
  });
});
