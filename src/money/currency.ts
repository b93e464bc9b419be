import currencyCodes from 'currency-codes';

/**
 * ISO 4217 minor-unit exponents. Intl's display digits differ (it shows PKR,
 * IDR and HUF without decimals), so they must never be used for scaling.
 */
export function minorUnitExponent(code: string): number | undefined {
  if (exponents.has(code)) return exponents.get(code);
  const entry = /^[A-Z]{3}$/.test(code) ? currencyCodes.code(code) : undefined;
  const digits = entry && typeof entry.digits === 'number' && Number.isInteger(entry.digits) ? entry.digits : undefined;
  exponents.set(code, digits);
  return digits;
}

/** currency-codes searches a list; balances are scaled thousands of times a cycle, so answers are kept. */
const exponents = new Map<string, number | undefined>();

export function isKnownCurrency(code: string): boolean {
  return minorUnitExponent(code) !== undefined;
}
