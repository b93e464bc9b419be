import { describe, expect, it } from 'vitest';
import { accountOfKey, alertKey, splitAlertKey } from '../../src/rules/alert-key.js';

describe('alert keys', () => {
  it('split back into their rule and account', () => {
    expect(splitAlertKey(alertKey('UPI', 'upi_a'))).toEqual({ rule: 'UPI', account: 'upi_a' });
  });

  it.each([
    ['UPI', 'upi_a', 'UPI', 'upi_a'],
    ['UPI', 'upi_a', 'UP', undefined],
    ['UPI fast', 'upi_a', 'UPI', undefined],
    ['UPI', '', 'UPI', ''],
  ])('a key of rule %j and account %j, asked for rule %j: %j', (rule, account, asked, expected) => {
    expect(accountOfKey(alertKey(rule, account), asked)).toBe(expected);
  });
});
