import type { Hysteresis } from '../config/fields.js';
import { minorUnitExponent } from '../money/currency.js';
import { addDecimal, type Decimal, percentOf, rescale, significantScale } from '../money/decimal.js';
import { inCurrency } from '../money/money.js';
import { err, ok, type Result } from '../result.js';

/** A rule's levels in one account's currency; recovery levels are already resolved. */
export interface Thresholds {
  readonly warn?: Decimal;
  readonly critical?: Decimal;
  readonly warnRecover?: Decimal;
  readonly criticalRecover?: Decimal;
}

interface ThresholdSettings {
  readonly warn_below?: Decimal;
  readonly critical_below?: Decimal;
  readonly recover_above?: Decimal;
  readonly critical_recover_above?: Decimal;
  readonly hysteresis: Hysteresis;
}

function withHysteresis(threshold: Decimal, hysteresis: Hysteresis, scale: number | undefined): Decimal {
  const band = hysteresis.kind === 'percent' ? percentOf(threshold, hysteresis.percent, scale) : hysteresis.amount;
  const level = addDecimal(threshold, band);
  // Without a currency the exact level is kept, shown with no more digits than it needs.
  if (scale !== undefined) return level;
  const trimmed = rescale(level, Math.max(threshold.scale, significantScale(level)));
  return trimmed.ok ? trimmed.value : level;
}

/**
 * Recovery levels: the explicit `recover_above` / `critical_recover_above`, or
 * the threshold plus hysteresis. `scale` is the currency's exponent when known,
 * so a percentage band is rounded up to a whole minor unit.
 */
export function recoveryLevels(settings: ThresholdSettings, scale?: number): { warnRecover?: Decimal; criticalRecover?: Decimal } {
  return {
    warnRecover: settings.recover_above ?? (settings.warn_below && withHysteresis(settings.warn_below, settings.hysteresis, scale)),
    criticalRecover:
      settings.critical_recover_above ?? (settings.critical_below && withHysteresis(settings.critical_below, settings.hysteresis, scale)),
  };
}

/** A rule's thresholds for an account in `currency` (null: unknown, compared as exact decimals). */
export function thresholdsIn(settings: ThresholdSettings, currency: string | null): Result<Thresholds> {
  const exponent = currency === null ? undefined : minorUnitExponent(currency);
  const convert = (amount: Decimal | undefined, key: string): Result<Decimal | undefined> => {
    if (amount === undefined) return ok(undefined);
    const money = inCurrency(amount, currency);
    return money.ok ? ok(money.value.amount) : err(`${key}: ${money.error}`);
  };
  const converted = {
    warn_below: convert(settings.warn_below, 'warn_below'),
    critical_below: convert(settings.critical_below, 'critical_below'),
    recover_above: convert(settings.recover_above, 'recover_above'),
    critical_recover_above: convert(settings.critical_recover_above, 'critical_recover_above'),
  };
  for (const result of Object.values(converted)) if (!result.ok) return result;
  const value = (r: Result<Decimal | undefined>) => (r.ok ? r.value : undefined);
  const scaled: ThresholdSettings = {
    warn_below: value(converted.warn_below),
    critical_below: value(converted.critical_below),
    recover_above: value(converted.recover_above),
    critical_recover_above: value(converted.critical_recover_above),
    hysteresis: settings.hysteresis,
  };
  return ok({ warn: scaled.warn_below, critical: scaled.critical_below, ...recoveryLevels(scaled, exponent) });
}
