import type { Money } from '../money/money.js';
import type { AlertState } from '../rules/alert.js';

/**
 * What a cycle needs to write, so that 10,000 balances read every second do not
 * mean 20,000 rows written every second. Pure: the daemon keeps what it last
 * wrote, and these decide from it.
 *
 * - A balance goes into the history when it differs from the last one written
 *   for its account, or when that one is `heartbeatMs` old: a steady balance
 *   leaves a point every few minutes (enough for charts, summaries and runway
 *   trends, which see a flat line either way), a moving one leaves every point.
 * - An alert's state is written when anything but the time of its last reading
 *   changed since the cycle before, or when the stored one is `heartbeatMs` old.
 *   After a crash the store may say a balance was last read up to that long ago;
 *   the next cycle reads it again.
 */
export const WRITE_HEARTBEAT_MS = 5 * 60_000;

export interface Written<T> {
  readonly value: T;
  readonly at: number;
}

const sameMoney = (a: Money | undefined, b: Money | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.amount.units === b.amount.units && a.amount.scale === b.amount.scale && a.currency === b.currency);

/** Whether a history point is owed for this balance. */
export function observationDue(value: Money, last: Written<Money> | undefined, now: number, heartbeatMs = WRITE_HEARTBEAT_MS): boolean {
  return last === undefined || !sameMoney(value, last.value) || now - last.at >= heartbeatMs;
}

/** Equal but for the time of the last reading (and of the projection made from it). */
export function sameStateButTime(a: AlertState, b: AlertState): boolean {
  return (
    a.level === b.level &&
    a.since === b.since &&
    a.warnStreak === b.warnStreak &&
    a.criticalStreak === b.criticalStreak &&
    a.failures === b.failures &&
    a.noDataSince === b.noDataSince &&
    a.lastNotifiedAt === b.lastNotifiedAt &&
    a.runwaySince === b.runwaySince &&
    sameMoney(a.lastValue, b.lastValue) &&
    sameMoney(a.previousValue, b.previousValue) &&
    a.projection?.ms === b.projection?.ms &&
    a.projection?.target === b.projection?.target
  );
}

/**
 * Whether an alert's new state must be written. It is compared with the state
 * the cycle before left, not with the one last written: every change is
 * written, so the two are equal but for time, and the daemon need not keep a
 * second copy of every state.
 */
export function stateDue(state: AlertState, previous: AlertState | undefined, writtenAt: number | undefined, now: number, heartbeatMs = WRITE_HEARTBEAT_MS): boolean {
  return previous === undefined || writtenAt === undefined || !sameStateButTime(state, previous) || now - writtenAt >= heartbeatMs;
}
