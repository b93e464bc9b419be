import { compareDecimal, type Decimal } from '../money/decimal.js';
import { formatMoney, type Money, sameMoney } from '../money/money.js';
import { type AlertEvent, type AlertState, type EventKind, initialState, isFiring, type Level, LEVEL_SEVERITY, type Observation, observedState, type RulePolicy } from './alert.js';
import { type DropMeasure, dropLimitText } from './drop.js';
import type { Projection } from './trend.js';

export interface Evaluation {
  readonly state: AlertState;
  readonly events: readonly AlertEvent[];
}

type EventBase = Pick<AlertEvent, 'rule' | 'source' | 'account' | 'target' | 'thresholds' | 'at'>;

const below = (value: Money, threshold: Decimal | undefined) => threshold !== undefined && compareDecimal(value.amount, threshold) < 0;
const atOrAbove = (value: Money, level: Decimal | undefined) => level === undefined || compareDecimal(value.amount, level) >= 0;

/**
 * The level after an observation. Entering a worse level needs `for` consecutive
 * observations; leaving one needs a single observation at or above its recovery
 * level. Between a threshold and its recovery level the level holds, whichever
 * way the value moves.
 */
function nextLevel(current: Level, value: Money, streaks: { warn: number; critical: number }, policy: RulePolicy): Level {
  const { thresholds } = policy;
  if (streaks.critical >= policy.for && current !== 'critical') return 'critical';
  if (current === 'critical') {
    if (!atOrAbove(value, thresholds.criticalRecover)) return 'critical';
    return thresholds.warn !== undefined && !atOrAbove(value, thresholds.warnRecover) ? 'warning' : 'ok';
  }
  if (current === 'warning') return atOrAbove(value, thresholds.warnRecover) ? 'ok' : 'warning';
  return streaks.warn >= policy.for ? 'warning' : 'ok';
}

function transitionKind(from: Level, to: Level): EventKind {
  if (to === 'ok') return 'resolved';
  if (from === 'ok') return 'firing';
  return LEVEL_SEVERITY[to] > LEVEL_SEVERITY[from] ? 'escalation' : 'improvement';
}

/**
 * Evaluates one observation for one alert: pure, `now` passed in, nothing
 * mutated. A failed fetch never changes the balance level (missing data never
 * resolves an alert); after `staleAfter` failures in a row it raises "no data".
 */
export function evaluate(
  policy: RulePolicy,
  account: string,
  previous: AlertState | undefined,
  observation: Observation,
  now: number,
  trend?: Projection,
  drop?: DropMeasure,
): Evaluation {
  const state = previous ?? initialState(now);
  const evaluated = observation.kind === 'failure' ? onFailure(policy, account, state, observation, now) : onValue(policy, account, state, observation.value, now);
  const judged = observation.kind === 'value' ? withDrop(policy, account, withRunway(policy, account, evaluated, observation.value, trend, now), observation.value, drop, now) : evaluated;
  const { state: next, events } = acknowledgement(state, judged);
  if (events.length > 0) return { state: { ...next, lastNotifiedAt: now }, events };
  // Acknowledged: someone is on it, so no reminders.
  if (next.acknowledged) return { state: next, events };
  const repeat = repeatEvent(policy, account, next, now, observation.kind === 'failure' ? observation.reason : undefined);
  return repeat ? { state: { ...next, lastNotifiedAt: now }, events: [repeat] } : { state: next, events };
}

/**
 * An acknowledgement lasts while the alert is no worse than when it was given:
 * an escalation (warning to critical, or a runway alert becoming a warning)
 * or a resolve ends it, and that event says who had acknowledged it.
 */
function acknowledgement(before: AlertState, evaluated: Evaluation): Evaluation {
  const ack = before.acknowledged;
  if (!ack) return evaluated;
  const ending = evaluated.events.find(
    (e) =>
      e.kind === 'escalation' ||
      e.kind === 'resolved' ||
      (e.kind === 'firing' && before.runwaySince !== undefined) ||
      ((e.kind === 'runway_resolved' || e.kind === 'drop_resolved') && !isFiring(evaluated.state)),
  );
  if (!ending) return evaluated;
  const { acknowledged: _ended, ...state } = evaluated.state;
  const said = { by: ack.by, at: ack.at };
  return { state, events: evaluated.events.map((e) => (e === ending ? { ...e, acknowledged: said } : e)) };
}

/** What every event of this alert says; built only when there is an event, since most cycles have none. */
function eventBase(policy: RulePolicy, account: string, now: number): EventBase {
  return { rule: policy.name, source: policy.source, account, target: policy.target, thresholds: policy.thresholds, at: now };
}

const NO_EVENTS: readonly AlertEvent[] = Object.freeze([]);

function onFailure(policy: RulePolicy, account: string, state: AlertState, { reason, missing }: { readonly reason: string; readonly missing?: boolean }, now: number): Evaluation {
  const failures = state.failures + 1;
  // A failed source says nothing of whether the account is still there: only an answer without it starts the count.
  const missingSince = missing ? (state.missingSince ?? now) : state.missingSince;
  const failed = missingSince === state.missingSince ? { ...state, failures } : { ...state, failures, missingSince };
  if (failures < policy.staleAfter || state.noDataSince !== undefined) return { state: failed, events: NO_EVENTS };
  return {
    state: { ...failed, noDataSince: now },
    events: [{ ...eventBase(policy, account, now), kind: 'no_data', level: state.level, previousLevel: state.level, since: now, reason, ...valueFacts(state) }],
  };
}

function onValue(policy: RulePolicy, account: string, state: AlertState, reading: Money, now: number): Evaluation {
  // A steady balance keeps the Money it was first read as: the state the daemon holds then refers to nothing made this cycle.
  const value = sameMoney(reading, state.lastValue) ? state.lastValue! : reading;
  const events: AlertEvent[] = [];
  if (state.noDataSince !== undefined) {
    events.push({ ...eventBase(policy, account, now), kind: 'no_data_resolved', level: state.level, previousLevel: state.level, since: state.noDataSince, value, ...optional('previousValue', state.lastValue) });
  }
  const warnStreak = below(value, policy.thresholds.warn) || below(value, policy.thresholds.critical) ? state.warnStreak + 1 : 0;
  const criticalStreak = below(value, policy.thresholds.critical) ? state.criticalStreak + 1 : 0;
  const level = nextLevel(state.level, value, { warn: warnStreak, critical: criticalStreak }, policy);
  const observed = observedState(state, {
    failures: 0,
    noDataSince: undefined,
    missingSince: undefined,
    previousValue: state.lastValue,
    lastValue: value,
    lastObservedAt: now,
    warnStreak,
    criticalStreak,
  });
  if (level === state.level) return { state: observed, events: events.length === 0 ? NO_EVENTS : events };
  // `since` marks the start of a firing episode: kept through escalation and improvement.
  const since = state.level === 'ok' || level === 'ok' ? now : state.since;
  events.push({
    ...eventBase(policy, account, now),
    kind: transitionKind(state.level, level),
    level,
    previousLevel: state.level,
    since: level === 'ok' ? state.since : since,
    value,
    ...optional('previousValue', state.lastValue),
  });
  return { state: { ...observed, level, since }, events };
}

/**
 * The runway alert, beside the balance alert: it fires when the trend reaches
 * the critical threshold (or zero) sooner than `runwayBelow`, and resolves when
 * the projection moves past 1.5 × `runwayBelow` or the trend is flat or rising.
 * Below the target already, the balance alert speaks and the runway holds.
 */
function withRunway(policy: RulePolicy, account: string, evaluated: Evaluation, value: Money, trend: Projection | undefined, now: number): Evaluation {
  const state = trend
    ? { ...evaluated.state, projection: { at: now, target: formatMoney({ amount: trend.target, currency: value.currency }), ...(trend.msToTarget === undefined ? {} : { ms: trend.msToTarget }) } }
    : evaluated.state;
  const limit = policy.runwayBelow;
  if (limit === undefined || !trend || compareDecimal(value.amount, trend.target) < 0) return { state, events: evaluated.events };
  const ms = trend.msToTarget;
  const facts = { ...eventBase(policy, account, now), level: state.level, previousLevel: state.level, value, runwayBelow: limit, ...optional('previousValue', evaluated.state.previousValue) };
  if (state.runwaySince === undefined && ms !== undefined && ms < limit) {
    return { state: { ...state, runwaySince: now }, events: [...evaluated.events, { ...facts, kind: 'runway', since: now, projection: { ms, target: { amount: trend.target, currency: value.currency } } }] };
  }
  if (state.runwaySince !== undefined && (ms === undefined || ms > 1.5 * limit)) {
    return { state: { ...state, runwaySince: undefined }, events: [...evaluated.events, { ...facts, kind: 'runway_resolved', since: state.runwaySince }] };
  }
  return { state, events: evaluated.events };
}

/**
 * The drop alert, beside the balance and runway alerts: it fires once when the
 * fall from the recent high reaches drop_by, and resolves when the fall within
 * the window is back under it. A rise never fires it; there are no repeats.
 */
function withDrop(policy: RulePolicy, account: string, evaluated: Evaluation, value: Money, drop: DropMeasure | undefined, now: number): Evaluation {
  if (!policy.drop || !drop) return evaluated;
  const measured = evaluated.state.dropRatio === drop.ratio ? evaluated.state : { ...evaluated.state, dropRatio: drop.ratio };
  const firing = measured.dropSince !== undefined;
  if (firing === drop.exceeds) return measured === evaluated.state ? evaluated : { state: measured, events: evaluated.events };
  const event: AlertEvent = {
    ...eventBase(policy, account, now),
    kind: drop.exceeds ? 'drop' : 'drop_resolved',
    level: measured.level,
    previousLevel: measured.level,
    since: measured.dropSince ?? now,
    value,
    ...optional('previousValue', evaluated.state.previousValue),
    drop: { from: drop.from, fall: drop.fall, ratio: drop.ratio, overMs: now - drop.fromAt, limit: dropLimitText(policy.drop.by, value.currency), withinMs: policy.drop.withinMs },
  };
  return { state: { ...measured, dropSince: drop.exceeds ? now : undefined }, events: [...evaluated.events, event] };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function valueFacts(state: AlertState): Pick<AlertEvent, 'value' | 'previousValue'> {
  return { ...optional('value', state.lastValue), ...optional('previousValue', state.previousValue) };
}

/** A reminder while firing (a balance level or no data), every `repeat`. */
function repeatEvent(policy: RulePolicy, account: string, state: AlertState, now: number, reason: string | undefined): AlertEvent | undefined {
  const noData = state.noDataSince !== undefined;
  if ((state.level === 'ok' && !noData) || policy.repeat <= 0) return undefined;
  if (now - (state.lastNotifiedAt ?? state.since) < policy.repeat) return undefined;
  return {
    ...eventBase(policy, account, now),
    kind: 'repeat',
    level: state.level,
    previousLevel: state.level,
    since: state.level !== 'ok' ? state.since : (state.noDataSince ?? state.since),
    noData,
    ...optional('reason', reason),
    ...valueFacts(state),
  };
}
