import type { Money } from '../money/money.js';
import type { AlertState } from '../rules/alert.js';

/** Money as stored: units as a decimal string (a bigint does not survive JSON), scale, currency. */
type StoredMoney = [units: string, scale: number, currency: string | null];

interface StoredState {
  l: AlertState['level'];
  s: number;
  w: number;
  c: number;
  f: number;
  n?: number;
  v?: StoredMoney;
  o?: number;
  p?: StoredMoney;
  t?: number;
  r?: number;
  j?: { a: number; m?: number; g: string };
}

const toStored = (money: Money): StoredMoney => [money.amount.units.toString(), money.amount.scale, money.currency];
const fromStored = ([units, scale, currency]: StoredMoney): Money => ({ amount: { units: BigInt(units), scale }, currency });

/**
 * Alert state as compact JSON, mapped field by field: every alert is written
 * every cycle, and a generic bigint-aware replacer costs several times more.
 */
export function encodeState(state: AlertState): string {
  const stored: StoredState = { l: state.level, s: state.since, w: state.warnStreak, c: state.criticalStreak, f: state.failures };
  if (state.noDataSince !== undefined) stored.n = state.noDataSince;
  if (state.lastValue) stored.v = toStored(state.lastValue);
  if (state.lastObservedAt !== undefined) stored.o = state.lastObservedAt;
  if (state.previousValue) stored.p = toStored(state.previousValue);
  if (state.lastNotifiedAt !== undefined) stored.t = state.lastNotifiedAt;
  if (state.runwaySince !== undefined) stored.r = state.runwaySince;
  if (state.projection) stored.j = { a: state.projection.at, g: state.projection.target, ...(state.projection.ms === undefined ? {} : { m: state.projection.ms }) };
  return JSON.stringify(stored);
}

export function decodeState(text: string): AlertState {
  const stored = JSON.parse(text) as StoredState;
  return {
    level: stored.l,
    since: stored.s,
    warnStreak: stored.w,
    criticalStreak: stored.c,
    failures: stored.f,
    ...(stored.n === undefined ? {} : { noDataSince: stored.n }),
    ...(stored.v === undefined ? {} : { lastValue: fromStored(stored.v) }),
    ...(stored.o === undefined ? {} : { lastObservedAt: stored.o }),
    ...(stored.p === undefined ? {} : { previousValue: fromStored(stored.p) }),
    ...(stored.t === undefined ? {} : { lastNotifiedAt: stored.t }),
    ...(stored.r === undefined ? {} : { runwaySince: stored.r }),
    ...(stored.j === undefined ? {} : { projection: { at: stored.j.a, target: stored.j.g, ...(stored.j.m === undefined ? {} : { ms: stored.j.m }) } }),
  };
}
