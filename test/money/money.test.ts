import { describe, expect, it } from 'vitest';
import { minorUnitExponent } from '../../src/money/currency.js';
import { formatMoney, inCurrency, moneyFromMinorUnits } from '../../src/money/money.js';

describe('ISO 4217 exponents, not Intl display digits', () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['BHD', 3],
    ['PKR', 2],
    ['IDR', 2],
    ['HUF', 2],
    ['BDT', 2],
    ['RUB', 2],
  ])('%s has %i', (code, digits) => {
    expect(minorUnitExponent(code)).toBe(digits);
  });

  it.each(['usd', 'XYZ', 'US', ''])('%j is not a currency', (code) => {
    expect(minorUnitExponent(code)).toBeUndefined();
  });
});

describe('money', () => {
  it('scales minor units by the exponent', () => {
    const rub = moneyFromMinorUnits(1290092162n, 'RUB');
    expect(rub.ok && formatMoney(rub.value)).toBe('12,900,921.62 RUB');
    const jpy = moneyFromMinorUnits(1500n, 'JPY');
    expect(jpy.ok && formatMoney(jpy.value)).toBe('1,500 JPY');
    const bhd = moneyFromMinorUnits(1500n, 'BHD');
    expect(bhd.ok && formatMoney(bhd.value)).toBe('1.500 BHD');
    const pkr = moneyFromMinorUnits(150075n, 'PKR');
    expect(pkr.ok && formatMoney(pkr.value)).toBe('1,500.75 PKR');
  });

  it('refuses an unknown currency', () => {
    expect(moneyFromMinorUnits(1n, 'ZZZ')).toEqual({ ok: false, error: 'unknown currency "ZZZ" (expected an ISO 4217 code such as USD)' });
  });

  it('says how many decimal places a currency has', () => {
    expect(inCurrency({ units: 10005n, scale: 3 }, 'USD')).toEqual({ ok: false, error: 'USD has 2 decimal places, but 10.005 has 3' });
    expect(inCurrency({ units: 105n, scale: 1 }, 'JPY')).toEqual({ ok: false, error: 'JPY has 0 decimal places, but 10.5 has 1' });
  });

  it('pads to the currency and accepts harmless trailing zeros', () => {
    expect(inCurrency({ units: 1000n, scale: 0 }, 'USD')).toEqual({ ok: true, value: { amount: { units: 100000n, scale: 2 }, currency: 'USD' } });
    expect(inCurrency({ units: 100000n, scale: 2 }, 'JPY')).toEqual({ ok: true, value: { amount: { units: 1000n, scale: 0 }, currency: 'JPY' } });
  });

  it('keeps the digits sent when the currency is unknown', () => {
    const money = inCurrency({ units: 123456n, scale: 3 }, null);
    expect(money.ok && formatMoney(money.value)).toBe('123.456');
  });
});
