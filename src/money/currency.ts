import currencyCodes from 'currency-codes';

/**
 * ISO 4217 minor-unit exponents. Intl's display digits differ (it shows PKR,
 * IDR and HUF without decimals), so they must never be used for scaling.
 */
export function minorUnitExponent(code: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  const entry = currencyCodes.code(code);
  if (!entry) return undefined;
  return typeof entry.digits === 'number' && Number.isInteger(entry.digits) ? entry.digits : undefined;
}

export function isKnownCurrency(code: string): boolean {
  return minorUnitExponent(code) !== undefined;
}
