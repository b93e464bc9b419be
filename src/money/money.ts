import { err, ok, type Result } from '../result.js';
import { minorUnitExponent } from './currency.js';
import { type Decimal, formatDecimal, rescale, subtractDecimal } from './decimal.js';

/**
 * An exact amount with its currency. With a known currency the amount is held at
 * its ISO 4217 exponent (so `units` are minor units); with none (A-Pay does not
 * say), it keeps the digits the API sent.
 */
export interface Money {
  readonly amount: Decimal;
  readonly currency: string | null;
}

/** A balance reported in minor units (bePaid's `amount`). */
export function moneyFromMinorUnits(minor: bigint, currency: string): Result<Money> {
  const exponent = minorUnitExponent(currency);
  if (exponent === undefined) return err(`unknown currency "${currency}" (expected an ISO 4217 code such as USD)`);
  return ok({ amount: { units: minor, scale: exponent }, currency });
}

/**
 * Puts a decimal into a currency's minor units. Trailing zeros are fine
 * (`1000.00` JPY); a digit that the currency cannot hold is an error.
 */
export function inCurrency(amount: Decimal, currency: string | null): Result<Money> {
  if (currency === null) return ok({ amount, currency });
  const exponent = minorUnitExponent(currency);
  if (exponent === undefined) return err(`unknown currency "${currency}" (expected an ISO 4217 code such as USD)`);
  const scaled = rescale(amount, exponent);
  if (!scaled.ok) {
    return err(
      `${currency} has ${exponent} decimal place${exponent === 1 ? '' : 's'}, but ${formatDecimal(amount, { grouping: false })} has ${scaled.error.needed}`,
    );
  }
  return ok({ amount: scaled.value, currency });
}

/** The same amount written the same way (scale too, so `100.0` and `100.00` stay apart), in the same currency; both absent counts as the same. */
export function sameMoney(a: Money | undefined, b: Money | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.amount.units === b.amount.units && a.amount.scale === b.amount.scale && a.currency === b.currency);
}

/** How far `from` moved to `to`; none unless both are known and in one currency. */
export function moneyChange(from: Money | null | undefined, to: Money | null | undefined): Money | null {
  if (!from || !to || from.currency !== to.currency) return null;
  return { amount: subtractDecimal(to.amount, from.amount), currency: to.currency };
}

/** For people: `12,900,921.62 RUB`. */
export function formatMoney(money: Money): string {
  const figure = formatDecimal(money.amount);
  return money.currency ? `${figure} ${money.currency}` : figure;
}
