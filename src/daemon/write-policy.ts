import { HISTORY_HEARTBEAT_MS } from '../store/store.js';
import { type Money, sameMoney } from '../money/money.js';
import type { AlertState } from '../rules/alert.js';

/**
 * What a cycle needs to write, so that 10,000 balances read every second do not
 * mean 20,000 rows written every second. Pure: the daemon keeps the last cycle's
 * states and balances, and these decide from them.
 *
 * - A balance goes into the history when it differs from the last cycle's, and
 *   an alert's state is written when anything but the time of its last reading
 *   changed since the last cycle. Since every change is written, what is stored
 *   equals the last cycle's values but for time: no second copy is kept.
 * - Every `heartbeatMs`, the source's states and balances are all written: a
 *   steady balance leaves a point every few minutes (enough for charts,
 *   summaries and runway trends, which see a flat line either way). After a
 *   crash the store may say a balance was last read up to that long ago; the
 *   next cycle reads it again.
 */
export const WRITE_HEARTBEAT_MS = HISTORY_HEARTBEAT_MS;

/** Whether everything is owed this cycle: nothing written yet under this memory, or the last whole write a heartbeat ago. */
export function heartbeatDue(wholeWrittenAt: number | undefined, now: number, heartbeatMs = WRITE_HEARTBEAT_MS): boolean {
  return wholeWrittenAt === undefined || now - wholeWrittenAt >= heartbeatMs;
}

/** Whether a history point is owed for this balance, between heartbeats. */
export function observationDue(value: Money, previous: Money | undefined): boolean {
  return !sameMoney(value, previous);
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
    a.missingSince === b.missingSince &&
    a.lastNotifiedAt === b.lastNotifiedAt &&
    a.runwaySince === b.runwaySince &&
    a.dropSince === b.dropSince &&
    a.dropRatio === b.dropRatio &&
    a.acknowledged === b.acknowledged &&
    sameList(a.members, b.members) &&
    sameList(a.joined, b.joined) &&
    a.told === b.told &&
    a.escalated === b.escalated &&
    sameMoney(a.lastValue, b.lastValue) &&
    sameMoney(a.previousValue, b.previousValue) &&
    a.projection?.ms === b.projection?.ms &&
    a.projection?.target === b.projection?.target
  );
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((item, i) => item === b[i]);
}

/** Whether an alert's new state must be written, between heartbeats. */
export function stateDue(state: AlertState, previous: AlertState | undefined): boolean {
  return previous === undefined || !sameStateButTime(state, previous);
}
