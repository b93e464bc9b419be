import type { Hysteresis } from '../config/fields.js';
import { compareDecimal, type Decimal, decimalToNumber, percentOf, signOf, subtractDecimal } from '../money/decimal.js';
import { formatMoney, inCurrency, type Money } from '../money/money.js';

/** How far a balance may fall within `withinMs` before a drop alert: a percentage of where it stood, or an amount. */
export interface DropPolicy {
  readonly by: Hysteresis;
  readonly withinMs: number;
}

/** Where a balance stands against its highest recent value. */
export interface DropMeasure {
  /** The highest balance within the window since the last top-up: what the fall is measured from. */
  readonly from: Money;
  /** When `from` was read (the window's start when it was read before and still stood then). */
  readonly fromAt: number;
  /** `from` minus the balance now; zero or negative when it did not fall. */
  readonly fall: Money;
  /** The fall as a share of `from` (0 when it rose, or when `from` is not positive): for the metric and for people, never to decide. */
  readonly ratio: number;
  /** Whether the fall reaches the limit: decided exactly. */
  readonly exceeds: boolean;
}

/**
 * How far before a drop window the history is read, for the reading that stood
 * when the window began: the history holds a steady balance every 5 minutes, so
 * twice that finds it unless the daemon was down.
 */
export const STANDING_LOOKBACK_MS = 10 * 60_000;

/** A balance read at a time: what the history holds. */
export interface Reading {
  readonly at: number;
  readonly value: Money;
}

/** Whether `change` (positive) reaches the limit measured against `base`: exact, in decimals. */
function reaches(change: Decimal, base: Decimal, limit: Hysteresis): boolean {
  if (signOf(change) <= 0) return false;
  if (limit.kind === 'amount') return compareDecimal(change, limit.amount) >= 0;
  return signOf(base) > 0 && compareDecimal(change, percentOf(base, limit.percent)) >= 0;
}

/**
 * The fall of `current` from the highest balance read within the last
 * `withinMs`. A rise of at least the limit (a top-up) starts the reference
 * afresh; a smaller rise (an incoming payment) only raises it when it is a new
 * high. The history holds every change and a heartbeat, so the reading that
 * stood when the window began counts from the window's start. Readings in
 * another currency than `current` are ignored. Pure: `now` passed in.
 */
export function measureDrop(history: readonly Reading[], current: Money, now: number, policy: DropPolicy): DropMeasure {
  const start = now - policy.withinMs;
  let reference: Reading | undefined;
  let previous: Reading | undefined;
  const visit = (reading: Reading) => {
    if (!reference || !previous) reference = reading;
    else {
      const rise = subtractDecimal(reading.value.amount, previous.value.amount);
      if (reaches(rise, previous.value.amount, policy.by) || compareDecimal(reading.value.amount, reference.value.amount) > 0) reference = reading;
    }
    previous = reading;
  };
  let standing: Reading | undefined;
  for (const reading of history) {
    if (reading.value.currency !== current.currency || reading.at >= now) continue;
    if (reading.at <= start) standing = reading;
    else {
      if (standing) {
        visit({ at: start, value: standing.value });
        standing = undefined;
      }
      visit(reading);
    }
  }
  if (standing) visit({ at: start, value: standing.value });
  visit({ at: now, value: current });
  const from = reference!;
  const fall = subtractDecimal(from.value.amount, current.amount);
  const fromNumber = decimalToNumber(from.value.amount);
  const ratio = signOf(fall) > 0 && fromNumber > 0 ? decimalToNumber(fall) / fromNumber : 0;
  return { from: from.value, fromAt: from.at, fall: { amount: fall, currency: current.currency }, ratio, exceeds: reaches(fall, from.value.amount, policy.by) };
}

/** "30 %" or "50,000.00 BDT": the limit as people wrote it. */
export function dropLimitText(by: Hysteresis, currency: string | null): string {
  if (by.kind === 'percent') return `${formatPercent(by.percent)} %`;
  const inIts = inCurrency(by.amount, currency);
  return formatMoney(inIts.ok ? inIts.value : { amount: by.amount, currency });
}

function formatPercent(percent: Decimal): string {
  return decimalToNumber(percent).toString();
}

/** ", drop 35 %" while a drop alert fires, for the state cells of `status` and `once`; "" otherwise. */
export function dropLabel(state: { readonly dropSince?: number; readonly dropRatio?: number }): string {
  return state.dropSince === undefined ? '' : `, drop ${ratioText(state.dropRatio ?? 0)}`;
}

/** "35 %": a share for people, whole percent from 10 up and one decimal below (never "0 %" for a real fall). */
export function ratioText(ratio: number): string {
  const percent = ratio * 100;
  if (percent >= 9.95) return `${Math.round(percent)} %`;
  return `${(Math.round(percent * 10) / 10).toFixed(1)} %`;
}
