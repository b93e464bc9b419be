import type { Config, Rule, SourceConfig } from '../config/types.js';
import { nameMatcher } from '../glob.js';
import { type Decimal, decimalToNumber } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { catalogOf } from '../sources/index.js';
import type { AccountReading, FetchResult } from '../sources/source.js';
import { type AlertEvent, type AlertState, isResolve, type Observation, type RulePolicy } from './alert.js';
import { accountOfKey, alertKey } from './alert-key.js';
import { type DropPolicy, measureDrop, type Reading, STANDING_LOOKBACK_MS } from './drop.js';
import { evaluate } from './evaluate.js';
import { type Thresholds, thresholdsIn } from './thresholds.js';
import { escalate } from './escalate.js';
import { routeAlert } from './routes.js';
import { topUpFor } from './topup.js';
import { type Point, project } from './trend.js';

/** One line of `once` and `status`: a rule on an account, its balance and state after this cycle. */
export interface CheckedAlert {
  readonly rule: string;
  readonly source: string;
  readonly account: string;
  readonly state?: AlertState;
  readonly value?: Money;
  readonly thresholds?: Thresholds;
  /** Why there is no value this cycle. */
  readonly error?: string;
}

export interface CycleResult {
  readonly rows: readonly CheckedAlert[];
  readonly events: readonly AlertEvent[];
  /** The new state of every alert evaluated, by alertKey. */
  readonly states: ReadonlyMap<string, AlertState>;
  /** Every balance read, for the history. */
  readonly observations: readonly { readonly account: string; readonly value: Money }[];
}

/**
 * One source's cycle after its fetch: which alerts each rule covers, what each
 * observed, and what that changes. Pure: the store and the senders act on the result.
 */
export function planCycle(
  config: Config,
  source: SourceConfig,
  fetched: FetchResult,
  previous: ReadonlyMap<string, AlertState>,
  now: number,
  historyOf: HistoryLookup = () => [],
): CycleResult {
  const readings = readingsByAccount(fetched);
  const rows: CheckedAlert[] = [];
  const events: AlertEvent[] = [];
  const states = new Map<string, AlertState>();

  for (const rule of config.rules) {
    if (rule.source !== source.id) continue;
    const accounts = accountsOf(rule, source, readings, previous);
    if (accounts.length === 0) {
      const target = catalogOf(source).targetOf(rule) ?? '';
      const why = fetched.ok ? `no ${catalogOf(source).noun} matches ${target}` : fetched.failure.message;
      rows.push({ rule: rule.name, source: source.id, account: target, error: why });
      continue;
    }
    const policyIn = policiesOf(rule, source.id);
    const noun = catalogOf(source).noun;
    // One per rule, not per account: this loop runs for every account every cycle.
    const declaredCurrency = (account: string) => catalogOf(source).currencyOf(source, rule, account) ?? null;
    for (const account of accounts) {
      const key = alertKey(rule.name, account);
      const prior = previous.get(key);
      const observation = observe(fetched, readings.get(account), noun);
      const checked = checkAlert(rule, policyIn, source.id, account, prior, observation, now, historyOf, declaredCurrency);
      states.set(key, checked.state);
      for (const event of checked.events) events.push(event);
      rows.push(checked.row);
    }
  }
  const observations: { account: string; value: Money }[] = [];
  for (const reading of readings.values()) if (reading.balance.ok) observations.push({ account: reading.account, value: reading.balance.value });
  return { rows, events, states, observations };
}

export interface CheckedOne {
  readonly state: AlertState;
  readonly events: readonly AlertEvent[];
  readonly row: CheckedAlert;
}

/**
 * One alert's check: its observation through the rule's policy in the
 * observation's currency (or, without one, the last known or the declared
 * one), with the trend, the drop and the facts its events carry.
 */
export function checkAlert(
  rule: Rule,
  policyIn: PolicyIn,
  source: string,
  account: string,
  prior: AlertState | undefined,
  observation: Observation,
  now: number,
  historyOf: HistoryLookup,
  /** The currency the config gives the account, for an observation without a value and no reading before. */
  declaredCurrency: (account: string) => string | null,
): CheckedOne {
  const currency = observation.kind === 'value' ? observation.value.currency : (prior?.lastValue?.currency ?? declaredCurrency(account));
  const { policy, misfit } = policyIn(currency);
  const effective: Observation = misfit === undefined ? observation : { kind: 'failure', reason: `the rule does not fit this account: ${misfit}` };
  const trend =
    rule.runway_below !== undefined && effective.kind === 'value'
      ? project(pointsOf(rule, account, effective, now, historyOf), runwayTarget(policy.thresholds), now, rule.runway_window)
      : undefined;
  const drop = policy.drop && effective.kind === 'value' ? measureDrop(historyOf(account, now - policy.drop.withinMs - STANDING_LOOKBACK_MS), effective.value, now, policy.drop) : undefined;
  const result = evaluate(policy, account, prior, effective, now, trend, drop);
  let { state } = result;
  let events: readonly AlertEvent[] = result.events;
  if (rule.escalate.length > 0 || state.escalated !== undefined) {
    const escalated = escalate(rule.escalate, policy, account, state, now);
    state = escalated.state;
    if (escalated.events.length > 0) events = [...events, ...escalated.events];
  }
  if (events.length > 0) {
    const points = pointsOf(rule, account, effective, now, historyOf);
    ({ state, events } = routeAlert(
      rule.routes,
      state,
      events.map((event) => withTrend(event, points, now, rule.runway_window, rule.topup_cover)),
    ));
  }
  // Built field by field, not with conditional spreads: this runs for every account every cycle.
  const row: { -readonly [K in keyof CheckedAlert]: CheckedAlert[K] } = { rule: rule.name, source, account, state };
  if (effective.kind === 'value') row.value = effective.value;
  else row.error = effective.reason;
  if (misfit === undefined) row.thresholds = policy.thresholds;
  return { state, events, row };
}

/** The readings by account; an account listed twice is read from its first entry. */
function readingsByAccount(fetched: FetchResult): Map<string, AccountReading> {
  const readings = new Map<string, AccountReading>();
  if (fetched.ok) for (const reading of fetched.readings) if (!readings.has(reading.account)) readings.set(reading.account, reading);
  return readings;
}

/** A rule's policy in one currency; `misfit` says why its levels do not fit that currency (the policy then has none). */
export type PolicyIn = (currency: string | null) => { readonly policy: RulePolicy; readonly misfit?: string };

/**
 * A rule's policy in each currency its accounts use: one object for all of
 * them, since a rule's accounts share a handful of currencies.
 */
export function policiesOf(rule: Rule, source: string): PolicyIn {
  const byCurrency = new Map<string | null, ReturnType<PolicyIn>>();
  const policy = (thresholds: Thresholds): RulePolicy => ({
    name: rule.name,
    source,
    target: rule.payment_system ?? rule.account ?? rule.name,
    thresholds,
    for: rule.for,
    repeat: rule.repeat,
    staleAfter: rule.stale_after,
    ...(rule.runway_below === undefined ? {} : { runwayBelow: rule.runway_below }),
    ...(rule.drop_by === undefined ? {} : { drop: { by: rule.drop_by, withinMs: rule.drop_within } satisfies DropPolicy }),
  });
  return (currency) => {
    let found = byCurrency.get(currency);
    if (!found) {
      const thresholds = thresholdsIn(rule, currency);
      found = thresholds.ok ? { policy: policy(thresholds.value) } : { policy: policy(NO_THRESHOLDS), misfit: thresholds.error };
      byCurrency.set(currency, found);
    }
    return found;
  };
}

const NO_THRESHOLDS: Thresholds = Object.freeze({});

/** Reads stored observations of an account since a time, oldest first. */
export type HistoryLookup = (account: string, since: number) => readonly Reading[];

/** The history a trend and a sparkline are drawn from, with this cycle's reading last. */
function pointsOf(rule: Rule, account: string, observation: Observation, now: number, historyOf: HistoryLookup): Point[] {
  return withCurrent(historyOf(account, now - Math.max(rule.runway_window, TREND_DISPLAY_MS)), observation, now);
}

/** Sparklines show up to a day of observations. */
const TREND_DISPLAY_MS = 86_400_000;
const SPARKLINE_POINTS = 20;

function withCurrent(readings: readonly Reading[], observation: Observation, now: number): Point[] {
  const points: Point[] = [];
  for (const r of readings) if (observation.kind !== 'value' || r.at < now) points.push({ at: r.at, value: decimalToNumber(r.value.amount) });
  if (observation.kind === 'value') points.push({ at: now, value: decimalToNumber(observation.value.amount) });
  return points;
}

/** The level a runway counts down to: the critical threshold, or zero when the rule has none. */
function runwayTarget(thresholds: Thresholds): Decimal {
  return thresholds.critical ?? { units: 0n, scale: 0 };
}

/** The events that say a balance is low, and so how much would clear it. */
const TOPPED_UP: ReadonlySet<AlertEvent['kind']> = new Set(['firing', 'escalation', 'improvement', 'repeat']);

/**
 * Adds the sparkline values, the projection that every firing message shows
 * when the trend is falling, and on warning and critical events the top-up
 * that would clear it (and cover `coverMs` at the current rate).
 */
export function withTrend(event: AlertEvent, points: readonly Point[], now: number, windowMs: number, coverMs: number): AlertEvent {
  const recent = points.slice(-SPARKLINE_POINTS).map((p) => p.value);
  const showsForecast = !isResolve(event.kind);
  const trend = showsForecast && !event.projection ? project(points, runwayTarget(event.thresholds), now, windowMs) : undefined;
  const currency = event.value?.currency ?? null;
  // The top-up's cover comes from the trend's slope, which holds below the critical level too, where there is nothing left to project to.
  const slope = TOPPED_UP.has(event.kind) ? (trend ?? project(points, runwayTarget(event.thresholds), now, windowMs))?.slopePerHour : undefined;
  const topUp =
    event.value && TOPPED_UP.has(event.kind) && event.level !== 'ok'
      ? topUpFor(event.value, event.level, event.thresholds, { coverMs, ...(slope !== undefined && slope < 0 ? { fallingPerMs: -slope / 3_600_000 } : {}) })
      : undefined;
  return {
    ...event,
    ...(recent.length > 1 ? { recent } : {}),
    ...(trend?.msToTarget !== undefined && trend.msToTarget > 0 ? { projection: { ms: trend.msToTarget, target: { amount: trend.target, currency } } } : {}),
    ...(topUp ? { topUp } : {}),
  };
}

function observe(fetched: FetchResult, reading: AccountReading | undefined, noun: string): Observation {
  if (!fetched.ok) return { kind: 'failure', reason: fetched.failure.message };
  if (!reading) return { kind: 'failure', reason: `the response no longer lists this ${noun}`, missing: true };
  return reading.balance.ok ? { kind: 'value', value: reading.balance.value } : { kind: 'failure', reason: reading.balance.error };
}

/**
 * The accounts a rule covers: those its source's config names, or every name
 * its glob matches now plus those it matched before (so one that disappears
 * from the response goes stale instead of vanishing).
 */
function accountsOf(rule: Rule, source: SourceConfig, readings: ReadonlyMap<string, AccountReading>, previous: ReadonlyMap<string, AlertState>): readonly string[] {
  const covered = catalogOf(source).covers(source, rule);
  if (covered.kind === 'fixed') return covered.accounts;
  const matches = nameMatcher(covered.pattern);
  // No per-cycle Set of every account: with 10,000 of them it is a large object the GC sweeps only rarely.
  const accounts: string[] = [];
  for (const account of readings.keys()) if (matches(account)) accounts.push(account);
  for (const key of previous.keys()) {
    const account = accountOfKey(key, rule.name);
    if (account !== undefined && !readings.has(account) && matches(account)) accounts.push(account);
  }
  return accounts.sort();
}

