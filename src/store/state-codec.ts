import { z } from 'zod';
import type { Money } from '../money/money.js';
import type { AlertState, Told } from '../rules/alert.js';

/**
 * The shape alert state is written in now, stored under `_` (the compact
 * form's letters are its fields). A row without `_` is version 0, what every
 * earlier release wrote: the same fields. Bump it, with an upgrader in
 * UPGRADES, when a field changes meaning.
 */
export const STATE_VERSION = 1;

/** Money as stored: units as a decimal string (a bigint does not survive JSON), scale, currency. */
type StoredMoney = [units: string, scale: number, currency: string | null];

interface StoredState {
  _?: number;
  l: AlertState['level'];
  s: number;
  w: number;
  c: number;
  f: number;
  n?: number;
  m?: number;
  v?: StoredMoney;
  o?: number;
  p?: StoredMoney;
  t?: number;
  r?: number;
  d?: number;
  q?: number;
  j?: { a: number; m?: number; g: string };
  k?: { b: string; n?: string; a: number };
  b?: string[];
  u?: string[];
  h?: Told;
  x?: number[];
}

const storedMoney = z.tuple([z.string().regex(/^-?\d+$/), z.number().int().min(0), z.string().nullable()]);
const storedState = z.object({
  _: z.number().int().optional(),
  l: z.enum(['ok', 'warning', 'critical']),
  s: z.number(),
  w: z.number().int().min(0),
  c: z.number().int().min(0),
  f: z.number().int().min(0),
  n: z.number().optional(),
  m: z.number().optional(),
  v: storedMoney.optional(),
  o: z.number().optional(),
  p: storedMoney.optional(),
  t: z.number().optional(),
  r: z.number().optional(),
  // Added within version 1 (drops): optional, so every state written before reads as it is.
  d: z.number().optional(),
  q: z.number().optional(),
  j: z.object({ a: z.number(), m: z.number().optional(), g: z.string() }).optional(),
  k: z.object({ b: z.string(), n: z.string().optional(), a: z.number() }).optional(),
  // Added within version 1 (totals): optional, as above.
  b: z.array(z.string()).optional(),
  u: z.array(z.string()).optional(),
  // Added within version 1 (routing): who was told of each kind of trouble firing.
  x: z.array(z.number().int().min(0)).optional(),
  h: z.strictObject({ level: z.array(z.string()).optional(), no_data: z.array(z.string()).optional(), runway: z.array(z.string()).optional(), drop: z.array(z.string()).optional() }).optional(),
});

/** Each reads its version's shape and returns the next one's; version 0 is version 1 without `_`. */
const UPGRADES: readonly ((stored: Record<string, unknown>) => Record<string, unknown>)[] = [(bare) => ({ ...bare, _: 1 })];

const toStored = (money: Money): StoredMoney => [money.amount.units.toString(), money.amount.scale, money.currency];
const fromStored = ([units, scale, currency]: StoredMoney): Money => ({ amount: { units: BigInt(units), scale }, currency });

/**
 * Alert state as compact JSON, mapped field by field: every alert is written
 * every cycle, and a generic bigint-aware replacer costs several times more.
 */
export function encodeState(state: AlertState): string {
  const stored: StoredState = { _: STATE_VERSION, l: state.level, s: state.since, w: state.warnStreak, c: state.criticalStreak, f: state.failures };
  if (state.noDataSince !== undefined) stored.n = state.noDataSince;
  if (state.missingSince !== undefined) stored.m = state.missingSince;
  if (state.lastValue) stored.v = toStored(state.lastValue);
  if (state.lastObservedAt !== undefined) stored.o = state.lastObservedAt;
  if (state.previousValue) stored.p = toStored(state.previousValue);
  if (state.lastNotifiedAt !== undefined) stored.t = state.lastNotifiedAt;
  if (state.runwaySince !== undefined) stored.r = state.runwaySince;
  if (state.dropSince !== undefined) stored.d = state.dropSince;
  if (state.dropRatio !== undefined) stored.q = state.dropRatio;
  if (state.acknowledged) stored.k = { b: state.acknowledged.by, a: state.acknowledged.at, ...(state.acknowledged.note === undefined ? {} : { n: state.acknowledged.note }) };
  if (state.members) stored.b = [...state.members];
  if (state.joined) stored.u = [...state.joined];
  if (state.told) stored.h = state.told;
  if (state.escalated) stored.x = [...state.escalated];
  if (state.projection) stored.j = { a: state.projection.at, g: state.projection.target, ...(state.projection.ms === undefined ? {} : { m: state.projection.ms }) };
  return JSON.stringify(stored);
}

/** A stored alert state in the current shape, or undefined when no version can read it (the alert then starts afresh). */
export function decodeState(text: string): AlertState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  let upgraded = raw as Record<string, unknown>;
  const version = upgraded['_'] ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > STATE_VERSION) return undefined;
  for (let at = version; at < STATE_VERSION; at += 1) upgraded = UPGRADES[at]!(upgraded);
  const checked = storedState.safeParse(upgraded);
  if (!checked.success) return undefined;
  const stored = checked.data as StoredState;
  return {
    level: stored.l,
    since: stored.s,
    warnStreak: stored.w,
    criticalStreak: stored.c,
    failures: stored.f,
    ...(stored.n === undefined ? {} : { noDataSince: stored.n }),
    ...(stored.m === undefined ? {} : { missingSince: stored.m }),
    ...(stored.v === undefined ? {} : { lastValue: fromStored(stored.v) }),
    ...(stored.o === undefined ? {} : { lastObservedAt: stored.o }),
    ...(stored.p === undefined ? {} : { previousValue: fromStored(stored.p) }),
    ...(stored.t === undefined ? {} : { lastNotifiedAt: stored.t }),
    ...(stored.r === undefined ? {} : { runwaySince: stored.r }),
    ...(stored.d === undefined ? {} : { dropSince: stored.d }),
    ...(stored.q === undefined ? {} : { dropRatio: stored.q }),
    ...(stored.k === undefined ? {} : { acknowledged: { by: stored.k.b, at: stored.k.a, ...(stored.k.n === undefined ? {} : { note: stored.k.n }) } }),
    ...(stored.b === undefined ? {} : { members: stored.b }),
    ...(stored.u === undefined ? {} : { joined: stored.u }),
    ...(stored.h === undefined ? {} : { told: stored.h }),
    ...(stored.x === undefined ? {} : { escalated: stored.x }),
    ...(stored.j === undefined ? {} : { projection: { at: stored.j.a, target: stored.j.g, ...(stored.j.m === undefined ? {} : { ms: stored.j.m }) } }),
  };
}
