import { minorUnitExponent } from '../money/currency.js';
import { addDecimal, ceilToScale, type Decimal, decimalToNumber, decimalToString, signOf, subtractDecimal, ZERO } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { type AlertState, currentRunwayMs, type Level, type TopUp } from './alert.js';
import type { Thresholds } from './thresholds.js';

/**
 * The top-up that clears an alert at `level`: to the warning's recovery level
 * (clearing a critical means clearing its warning too), or to the critical's
 * when there is no warning. `fallingPerMs` is the current trend's fall (major
 * units a millisecond, positive); the cover adds what it takes in `coverMs`.
 */
export function topUpFor(balance: Money, level: Level, thresholds: Thresholds, options: { readonly coverMs: number; readonly fallingPerMs?: number }): TopUp | undefined {
  if (level === 'ok') return undefined;
  const to = thresholds.warn !== undefined ? (thresholds.warnRecover ?? thresholds.warn) : (thresholds.criticalRecover ?? thresholds.critical);
  if (to === undefined) return undefined;
  const scale = (balance.currency === null ? undefined : minorUnitExponent(balance.currency)) ?? Math.max(balance.amount.scale, to.scale);
  const short = subtractDecimal(to, balance.amount);
  const atLeast = ceilToScale(signOf(short) > 0 ? short : ZERO, scale);
  const money = (amount: Decimal): Money => ({ amount, currency: balance.currency });
  const result = { atLeast: money(atLeast), to: money(to) };
  const rate = options.fallingPerMs;
  if (rate === undefined || !(rate > 0) || options.coverMs <= 0) return result;
  // The rate is the trend's estimate (a float); what it takes in the period is rounded up to a whole minor unit.
  const drop = rate * options.coverMs;
  if (!Number.isFinite(drop)) return result;
  const dropUnits = BigInt(Math.ceil(drop * 10 ** scale));
  return { ...result, cover: { amount: money(addDecimal(atLeast, { units: dropUnits, scale })), ms: options.coverMs } };
}

/**
 * The top-up an alert's stored state calls for: its balance and level, and the
 * runway trend the daemon keeps (rules with runway_below) while it falls to the
 * critical level (or zero). For the board and `status`.
 */
export function topUpOfState(state: AlertState, thresholds: Thresholds, coverMs: number): TopUp | undefined {
  if (!state.lastValue) return undefined;
  // The stored projection keeps the time to the critical level (or zero), not the rate: the rate is the distance over that time.
  const runway = currentRunwayMs(state);
  const distance = decimalToNumber(subtractDecimal(state.lastValue.amount, thresholds.critical ?? ZERO));
  const fallingPerMs = runway !== undefined && runway > 0 && distance > 0 ? distance / runway : undefined;
  return topUpFor(state.lastValue, state.level, thresholds, { coverMs, ...(fallingPerMs === undefined ? {} : { fallingPerMs }) });
}

/** For JSON (`status --json`, `/api/status`): exact decimal strings, the cover period in seconds. */
export function topUpJson(topUp: TopUp | undefined | null) {
  if (!topUp) return null;
  return {
    at_least: decimalToString(topUp.atLeast.amount),
    to: decimalToString(topUp.to.amount),
    currency: topUp.atLeast.currency,
    cover: topUp.cover ? { amount: decimalToString(topUp.cover.amount.amount), seconds: Math.round(topUp.cover.ms / 1000) } : null,
  };
}
