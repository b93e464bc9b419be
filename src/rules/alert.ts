import type { Money } from '../money/money.js';
import type { DropPolicy } from './drop.js';
import type { Thresholds } from './thresholds.js';

/** A confirmed alert level. */
export type Level = 'ok' | 'warning' | 'critical';

/** What people see: `pending` while a worse level is not yet confirmed (`for` > 1). */
export type DisplayState = 'ok' | 'pending' | 'warning' | 'critical';

export const LEVEL_SEVERITY: Readonly<Record<Level, number>> = { ok: 0, warning: 1, critical: 2 };

/** How much would clear a firing alert, and, while the balance falls, how much covers a period at the current rate. */
export interface TopUp {
  /** The least that brings the balance to `to`: exact, rounded up to the currency's minor unit. */
  readonly atLeast: Money;
  /** The level at which the alert clears: the warning's recovery level, or the critical's when the rule has no warning. */
  readonly to: Money;
  /** While falling: `atLeast` plus what the current rate takes away in `ms`, rounded up to the minor unit. */
  readonly cover?: { readonly amount: Money; readonly ms: number };
}

/** What a drop message says: "fell 35 % (−70,000.00 BDT) in 40 min: 200,000.00 → 130,000.00 BDT". */
export interface DropFacts {
  readonly from: Money;
  readonly fall: Money;
  readonly ratio: number;
  /** How long the fall took: from the high to this reading. */
  readonly overMs: number;
  /** drop_by as people wrote it: "30 %" or "50,000.00 BDT". */
  readonly limit: string;
  readonly withinMs: number;
}

/** The kinds of trouble an alert tracks apart: each fires and resolves on its own. */
export type Track = 'level' | 'no_data' | 'runway' | 'drop';

/** Per track, the channels told of the episode now firing. */
export type Told = Readonly<Partial<Record<Track, readonly string[]>>>;

/** The alert state of one rule for one account. Plain data: stored as is, compared as is. */
export interface AlertState {
  readonly level: Level;
  /** When the alert left `ok` (kept through escalation and improvement), or when it last resolved. */
  readonly since: number;
  /** Consecutive observations below warn_below (including those below critical_below). */
  readonly warnStreak: number;
  /** Consecutive observations below critical_below. */
  readonly criticalStreak: number;
  /** Consecutive failed fetches (of the source, or of this account). */
  readonly failures: number;
  /** Set while a "no data" alert is firing: when it started. */
  readonly noDataSince?: number;
  /** Set while the source answers without this account (a payment system A-Pay no longer lists): since when. */
  readonly missingSince?: number;
  readonly lastValue?: Money;
  readonly lastObservedAt?: number;
  /** The value before `lastValue`, for "change since the last check". */
  readonly previousValue?: Money;
  readonly lastNotifiedAt?: number;
  /** Set while a runway alert is firing: when it started. */
  readonly runwaySince?: number;
  /** The last runway projection, for `status`: when, ms to the crossing (absent: not falling), and the level crossed. */
  readonly projection?: { readonly at: number; readonly ms?: number; readonly target: string };
  /** Set while a drop alert is firing: when it started. */
  readonly dropSince?: number;
  /** Rules with drop_by: how far the last reading fell from its recent high, as a share of it (0 when it did not fall). */
  readonly dropRatio?: number;
  /** Someone said "I'm on it": no repeats while it lasts; it ends when the alert gets worse or resolves. */
  readonly acknowledged?: Acknowledgement;
  /** Totals: every member (`source/account`) of the total, so one missing later is noticed and a new one is said to join. */
  readonly members?: readonly string[];
  /** Totals: members that joined since the alert last had an event; its next message names them, once. */
  readonly joined?: readonly string[];
  /** Per kind of trouble firing, the channels told of it this episode: its improvement and resolve go to them (see routes.ts). */
  readonly told?: Told;
  /** The escalation steps taken this episode, by index (see escalate.ts). */
  readonly escalated?: readonly number[];
}

/** Who acknowledged an alert, when, and what they said. */
export interface Acknowledgement {
  readonly by: string;
  readonly note?: string;
  readonly at: number;
}

/** Every field of an alert state, each present (undefined when unset): see observedState. */
type EveryField = { readonly [K in keyof Required<AlertState>]: AlertState[K] | undefined };

/**
 * The state after an observation, written out field by field rather than
 * spread: every state then has one shape, so the daemon's and backtest's hot
 * path (one per account per check) reads and copies them at full speed. A field
 * added to AlertState fails to compile here until it is carried over.
 */
export function observedState(state: AlertState, observed: Pick<EveryField, 'failures' | 'noDataSince' | 'missingSince' | 'lastValue' | 'previousValue' | 'lastObservedAt' | 'warnStreak' | 'criticalStreak'>): AlertState {
  const every: EveryField = {
    level: state.level,
    since: state.since,
    warnStreak: observed.warnStreak,
    criticalStreak: observed.criticalStreak,
    failures: observed.failures,
    noDataSince: observed.noDataSince,
    missingSince: observed.missingSince,
    lastValue: observed.lastValue,
    lastObservedAt: observed.lastObservedAt,
    previousValue: observed.previousValue,
    lastNotifiedAt: state.lastNotifiedAt,
    runwaySince: state.runwaySince,
    projection: state.projection,
    dropSince: state.dropSince,
    dropRatio: state.dropRatio,
    acknowledged: state.acknowledged,
    members: state.members,
    joined: state.joined,
    told: state.told,
    escalated: state.escalated,
  };
  return every as AlertState;
}

export function initialState(now: number): AlertState {
  return { level: 'ok', since: now, warnStreak: 0, criticalStreak: 0, failures: 0 };
}

export function displayState(state: AlertState): DisplayState {
  if (state.level === 'ok' && (state.warnStreak > 0 || state.criticalStreak > 0)) return 'pending';
  return state.level;
}

/** Ms until the trend crosses its level, while the last projection is of the latest reading and the balance is falling. */
export function currentRunwayMs(state: AlertState): number | undefined {
  const projection = state.projection;
  return projection !== undefined && projection.at === state.lastObservedAt ? projection.ms : undefined;
}

/** What happened to an alert and when, as logs and summaries keep it: the event without its rendering details. */
export interface EventRecord {
  readonly rule: string;
  readonly account: string;
  readonly kind: TimelineKind;
  readonly level: Level;
  readonly at: number;
  readonly value: Money | null;
}

/** What an observation cycle brings for one alert: a balance, or the reason there is none. */
export type Observation =
  | { readonly kind: 'value'; readonly value: Money }
  /** `missing`: the source answered, but not for this account; otherwise the source (or this one reading) failed. */
  | { readonly kind: 'failure'; readonly reason: string; readonly missing?: boolean };

export type EventKind =
  | 'firing'
  | 'escalation'
  | 'improvement'
  | 'resolved'
  | 'repeat'
  | 'no_data'
  | 'no_data_resolved'
  | 'runway'
  | 'runway_resolved'
  | 'drop'
  | 'drop_resolved'
  /** An escalation step: firing so long without an acknowledgement that someone else is told (not `escalation`, a worse level). */
  | 'escalated';

/** The events that end something that fired: a level, a runway, a drop, a no-data alert. */
export const RESOLVE_KINDS: readonly EventKind[] = ['resolved', 'runway_resolved', 'drop_resolved', 'no_data_resolved'];
const RESOLVES: ReadonlySet<string> = new Set(RESOLVE_KINDS);
export const isResolve = (kind: EventKind): boolean => RESOLVES.has(kind);

/** What an alert's timeline records: its events, and what people did to it (`forget`). */
export type TimelineKind = EventKind | 'forgotten' | 'acknowledged' | 'unacknowledged';

/** Something people must hear about. Carries every fact a message shows, so rendering needs nothing else. */
export interface AlertEvent {
  readonly kind: EventKind;
  readonly rule: string;
  readonly source: string;
  readonly account: string;
  /** What the rule names (a payment system, a glob, an account): messages name the account too when it differs. */
  readonly target: string;
  readonly level: Level;
  readonly previousLevel: Level;
  readonly value?: Money;
  readonly previousValue?: Money;
  readonly thresholds: Thresholds;
  /** When the alert began firing (for firing, repeats and resolves), or the no-data alert began. */
  readonly since: number;
  readonly at: number;
  /** Set on no-data events: why the data is missing. */
  readonly reason?: string;
  /** Whether a no-data alert is firing as well (on repeats). */
  readonly noData?: boolean;
  /** When the trend is falling: the time until it crosses `target` at the current rate. */
  readonly projection?: { readonly ms: number; readonly target: Money };
  /** On warning and critical events: how much would clear it, and cover `topup_cover` while it falls. */
  readonly topUp?: TopUp;
  /** The last observed values, oldest first, for a sparkline. */
  readonly recent?: readonly number[];
  /** Drop events: the fall from the recent high, the limit as written, and the window. */
  readonly drop?: DropFacts;
  /** Runway events: the rule's runway_below, in ms. */
  readonly runwayBelow?: number;
  /** A resolve that ended a silence on this alert. */
  readonly silenceEnded?: boolean;
  /** A resolve (or an escalation) that ended an acknowledgement: who had acknowledged it, and when. */
  readonly acknowledged?: { readonly by: string; readonly at: number };
  /** Totals: the largest members with their balances (at most MEMBERS_SHOWN), and how many there are in all. */
  readonly members?: { readonly shown: readonly { readonly key: string; readonly value: Money }[]; readonly count: number };
  /** Totals: members that joined the total since its last message. */
  readonly joined?: readonly string[];
  /** The channels this event is owed to (see routes.ts); absent on events from before routing: the rule's every channel. */
  readonly to?: readonly string[];
  /** Escalation steps: which step this is, of how many. */
  readonly step?: { readonly number: number; readonly of: number };
}

/**
 * A rule as the evaluator sees it: levels already in one currency. The same for
 * every account of that rule and currency, so the account is passed beside it.
 */
export interface RulePolicy {
  readonly name: string;
  readonly source: string;
  /** What the rule names (a payment system, a glob, an account). */
  readonly target: string;
  readonly thresholds: Thresholds;
  readonly for: number;
  /** ms; 0 = never repeat. */
  readonly repeat: number;
  readonly staleAfter: number;
  /** ms; when set, a projected crossing sooner than this raises a runway alert. */
  readonly runwayBelow?: number;
  /** When set, a fall this far within its window raises a drop alert. */
  readonly drop?: DropPolicy;
}

/** The state with an acknowledgement given (`ack`) or taken back (`null`). */
export function withAcknowledgement(state: AlertState, ack: Acknowledgement | null): AlertState {
  if (ack) return { ...state, acknowledged: ack };
  const { acknowledged: _taken, ...rest } = state;
  return rest;
}

/** Whether there is anything to acknowledge: a level, a runway, a drop or a no-data alert firing. */
export const isFiring = (state: AlertState): boolean =>
  state.level !== 'ok' || state.runwaySince !== undefined || state.dropSince !== undefined || state.noDataSince !== undefined;
