import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { SourceConfig } from '../../src/config/types.js';
import { catalogOf } from '../../src/sources/index.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const config = parseConfigText(VALID_CONFIG.replace('      bkash_a: BDT', '      bkash_a: BDT\n      "upi_*": INR'), { file: '/etc/bw/c.yaml', env: TEST_ENV }).config!;
const source = (id: string): SourceConfig => config.sources.find((s) => s.id === id)!;

describe('what each source type knows of its accounts', () => {
  it.each([
    ['an A-Pay name', 'apay', { name: 'r', payment_system: 'bkash_a' }, { kind: 'fixed', accounts: ['bkash_a'] }],
    ['an A-Pay glob', 'apay', { name: 'r', payment_system: 'upi_*' }, { kind: 'pattern', pattern: 'upi_*' }],
    ['a bePaid account by name', 'bepaid', { name: 'r', account: 'usd-settlement' }, { kind: 'fixed', accounts: ['usd-settlement'] }],
    ['a bePaid account by number, shown by its name', 'bepaid', { name: 'r', account: '40701810842020395221' }, { kind: 'fixed', accounts: ['usd-settlement'] }],
    ['a bePaid account the config does not declare', 'bepaid', { name: 'r', account: 'eur' }, { kind: 'fixed', accounts: [] }],
  ])('%s', (_what, id, rule, covered) => {
    expect(catalogOf(source(id)).covers(source(id), rule)).toEqual(covered);
  });

  it.each([
    ['apay', { name: 'r', payment_system: 'upi_*' }, 'upi_sbi', 'INR'],
    ['apay', { name: 'r', payment_system: 'bkash_a' }, 'bkash_a', 'BDT'],
    ['apay', { name: 'r', payment_system: 'nagad' }, 'nagad', undefined],
    ['bepaid', { name: 'r', account: 'usd-settlement' }, 'usd-settlement', 'USD'],
  ])('%s: the currency of %o for %s', (id, rule, account, currency) => {
    expect(catalogOf(source(id)).currencyOf(source(id), rule, account)).toBe(currency);
  });

  it('names its accounts for messages', () => {
    expect([catalogOf(source('apay')).noun, catalogOf(source('bepaid')).noun]).toEqual(['payment system', 'account']);
  });
});
