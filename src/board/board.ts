import type { Config } from '../config/types.js';
import { type Money, moneyChange } from '../money/money.js';
import { type AlertState, currentRunwayMs, type Level, type TimelineKind, type TopUp } from '../rules/alert.js';
import { type Headroom, headroom } from '../rules/headroom.js';
import { compareNames, SEEN_ORDER, type SeenState, seenState } from '../rules/seen-state.js';
import { isActive, type Silence, silenceCovers } from '../rules/silence.js';
import { type Thresholds, thresholdsIn } from '../rules/thresholds.js';
import { topUpOfState } from '../rules/topup.js';
import { type SourceHealth, sourceLateAfterMs } from '../sources/source.js';
import { isTotalSource } from '../rules/total.js';
import { type ChannelHealth, type LoggedEvent, type OutboxMessage, readingHoldsMs, type StoredAlert } from '../store/store.js';

/** What a row shows as its state, with its colour: `silenced` is a firing alert someone muted. */
export type BoardState = SeenState;

/** A point of the 24-hour chart: a stored reading, exact (the first is what "change over 24 h" starts from). */
export interface ChartPoint {
  readonly at: number;
  readonly value: Money;
}

export interface BoardRow {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  readonly state: BoardState;
  readonly level: Level;
  /** When the alert left ok (or last resolved). */
  readonly since: number;
  readonly balance: Money | null;
  readonly observedAt: number | null;
  /** Since when the source answers without this account (a payment system A-Pay no longer lists). */
  readonly missingSince: number | null;
  /** Who said they are on it, and when. */
  readonly acknowledged: { readonly by: string; readonly note: string | null; readonly at: number } | null;
  /** The balance minus the one before it, in its currency. */
  readonly change: Money | null;
  /** The balance minus the one that stood a day ago (or at the first reading since, `since`). */
  readonly dayChange: { readonly amount: Money; readonly since: number } | null;
  readonly thresholds: Thresholds | null;
  readonly headroom: Headroom | null;
  /** While warning or critical: how much clears it (and covers the rule's topup_cover while its runway trend falls). */
  readonly topUp: TopUp | null;
  /** When the balance was last known to be current: its source's last good answer that listed it, else its reading. */
  readonly readAt: number | null;
  /** The balance is older than two schedule intervals: its age is shown. */
  readonly stale: boolean;
  /** Set while the alert has no data (its source fails, or answers without the account): since when and why. */
  readonly noData: { readonly since: number; readonly why: string } | null;
  /** Time until the trend crosses the critical level (or zero), for rules with runway_below while it falls. */
  readonly runwayMs: number | null;
  /** Set while a drop alert fires: since when, and how far the balance is below its recent high. */
  readonly drop: { readonly since: number; readonly ratio: number } | null;
  readonly silence: Pick<Silence, 'id' | 'until' | 'reason' | 'level'> | null;
  readonly points: readonly ChartPoint[];
  /** A total rule: its members (`source/account`); null for one balance. */
  readonly members: readonly string[] | null;
}

export interface BoardEvent {
  readonly at: number;
  readonly kind: TimelineKind | 'delivery_failed' | 'silenced' | 'silence_ended';
  readonly rule: string;
  readonly account: string;
  readonly level: Level | null;
  readonly value: Money | null;
  readonly detail: string | null;
}

/** A source as the board shows it: its address without credentials, query or fragment. */
export interface BoardSource {
  readonly id: string;
  readonly type: string;
  readonly url: string;
  /** The latest balance read from it. */
  readonly lastReadAt: number | null;
  /** Since when it fails, and why (known to the replica that fetches). */
  readonly failure: SourceHealth['failure'];
}


export interface Board {
  readonly generatedAt: number;
  /** The latest write behind these facts (a cycle, an event, a delivery): the page refreshes when it moves. */
  readonly updatedAt: number;
  readonly timezone: string | undefined;
  readonly role: 'leader' | 'follower';
  readonly leader: string | undefined;
  /** The longest gap between scheduled cycles (0 on a follower). */
  readonly intervalMs: number;
  readonly rows: readonly BoardRow[];
  readonly sources: readonly BoardSource[];
  readonly events: readonly BoardEvent[];
  readonly channels: readonly ChannelHealth[];
  readonly silences: readonly Silence[];
}

export interface BoardInput {
  readonly config: Pick<Config, 'rules' | 'timezone' | 'sources'>;
  readonly alerts: readonly StoredAlert[];
  /** Chart points by seriesKey(source, account), oldest first. */
  readonly series: ReadonlyMap<string, readonly ChartPoint[]>;
  /** Silences in force, and those that ended lately (their end is an event). */
  readonly silences: readonly Silence[];
  readonly events: readonly LoggedEvent[];
  /** Messages given up on, newest first. */
  readonly failed: readonly OutboxMessage[];
  readonly channels: readonly ChannelHealth[];
  readonly now: number;
  readonly role: 'leader' | 'follower';
  readonly leader?: string;
  /** The longest gap between scheduled cycles (0 on a follower): a balance older than two is stale. */
  readonly intervalMs: number;
  /** By source id, from the replica that fetches. */
  readonly sourceHealth?: ReadonlyMap<string, SourceHealth>;
}

/** How many recent events the board lists. */
export const BOARD_EVENTS = 50;

/** An address fit to show anyone: user, password, query and fragment dropped (a key may hide in any of them). */
export function publicUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** Code-point order: stable across hosts and locales, and far cheaper than localeCompare for a thousand rows. */
export const seriesKey = (source: string, account: string): string => `${source}\u0000${account}`;

/** A balance falling fast sorts among the warnings, though its level may still be ok. */
const rowRank = (row: BoardRow): number => (row.drop && SEEN_ORDER[row.state] > SEEN_ORDER.warning ? SEEN_ORDER.warning : SEEN_ORDER[row.state]);

function changeOf(state: AlertState): Money | null {
  return moneyChange(state.previousValue, state.lastValue);
}

function dayChangeOf(state: AlertState, points: readonly ChartPoint[]): BoardRow['dayChange'] {
  const first = points[0];
  const amount = first && moneyChange(first.value, state.lastValue);
  return amount && first.at < (state.lastObservedAt ?? 0) ? { amount, since: first.at } : null;
}

/**
 * How stale a balance is. The replica that fetches knows each source's last
 * good answer, and a balance in it is current as of then (its stored reading
 * is refreshed only on a change or a heartbeat). A follower knows only the
 * stored reading, so it allows the heartbeat too.
 */
function freshness(alert: StoredAlert, health: SourceHealth | undefined, intervalMs: number, now: number): { readAt: number | null; stale: boolean } {
  const { state } = alert;
  const observed = state.lastObservedAt ?? null;
  if (observed === null) return { readAt: null, stale: false };
  // An answer without the account says nothing of its balance.
  const lastOk = state.missingSince === undefined ? (health?.lastOkAt ?? null) : null;
  const readAt = lastOk === null ? observed : Math.max(observed, lastOk);
  const allowance = health ? sourceLateAfterMs(intervalMs) : readingHoldsMs(intervalMs);
  return { readAt, stale: now - readAt > allowance };
}

function noDataOf(alert: StoredAlert, health: SourceHealth | undefined): BoardRow['noData'] {
  const { state, source } = alert;
  if (state.missingSince !== undefined) return { since: state.missingSince, why: `not in ${source}'s answers` };
  if (state.noDataSince === undefined) return null;
  if (isTotalSource(source)) return { since: state.noDataSince, why: 'a member of the total is unknown (its source fails, or no longer lists it)' };
  return { since: state.noDataSince, why: health?.failure ? `${source} fails: ${health.failure.message}` : `no reading from ${source}` };
}

/**
 * The board's facts, from what the store holds: one row per rule and account,
 * firing first, then by severity, then the shortest runway; the recent events
 * and delivery failures, newest first.
 */
export function buildBoard(input: BoardInput): Board {
  const rules = new Map(input.config.rules.map((rule) => [rule.name, rule]));
  // One rule's accounts share a handful of currencies: its levels are worked out once per currency (and shared, so rendering formats them once).
  const levels = new Map<string, Thresholds | null>();
  const levelsOf = (ruleName: string, currency: string | null): Thresholds | null => {
    const key = `${ruleName}\u0000${currency ?? ''}`;
    if (!levels.has(key)) {
      const rule = rules.get(ruleName);
      const found = rule ? thresholdsIn(rule, currency) : undefined;
      levels.set(key, found?.ok ? found.value : null);
    }
    return levels.get(key)!;
  };
  const inForce = input.silences.filter((s) => isActive(s, input.now));
  const rows = input.alerts.map((alert): BoardRow => {
    const { state } = alert;
    const silence = inForce.find((s) => silenceCovers(s, alert.rule, alert.account));
    const health = input.sourceHealth?.get(alert.source);
    const noData = noDataOf(alert, health);
    const seen = seenState(state, silence);
    const points = input.series.get(seriesKey(alert.source, alert.account)) ?? [];
    const thresholds = levelsOf(alert.rule, state.lastValue?.currency ?? null);
    return {
      rule: alert.rule,
      account: alert.account,
      source: alert.source,
      // Without data, a level is a memory: "no data" comes first (the row still says what it was).
      state: noData && seen !== 'silenced' ? 'no data' : seen,
      level: state.level,
      since: state.since,
      balance: state.lastValue ?? null,
      observedAt: state.lastObservedAt ?? null,
      missingSince: state.missingSince ?? null,
      acknowledged: state.acknowledged ? { by: state.acknowledged.by, note: state.acknowledged.note ?? null, at: state.acknowledged.at } : null,
      change: changeOf(state),
      dayChange: dayChangeOf(state, points),
      thresholds,
      headroom: thresholds && state.lastValue ? headroom(state.lastValue.amount, thresholds) : null,
      topUp: (thresholds && topUpOfState(state, thresholds, rules.get(alert.rule)?.topup_cover ?? 0)) || null,
      ...freshness(alert, health, input.intervalMs, input.now),
      noData,
      runwayMs: currentRunwayMs(state) ?? null,
      drop: state.dropSince === undefined ? null : { since: state.dropSince, ratio: state.dropRatio ?? 0 },
      silence: silence ? { id: silence.id, until: silence.until, reason: silence.reason, level: silence.level } : null,
      points,
      members: isTotalSource(alert.source) ? (state.members ?? []) : null,
    };
  });
  rows.sort(
    (a, b) =>
      rowRank(a) - rowRank(b) ||
      (a.runwayMs ?? Number.POSITIVE_INFINITY) - (b.runwayMs ?? Number.POSITIVE_INFINITY) ||
      compareNames(a.rule, b.rule) ||
      compareNames(a.account, b.account),
  );
  const events: BoardEvent[] = [
    ...input.events.map((e): BoardEvent => ({ at: e.at, kind: e.kind, rule: e.rule, account: e.account, level: e.level, value: e.value, detail: null })),
    ...input.silences.flatMap((s): BoardEvent[] => [
      { at: s.createdAt, kind: 'silenced', rule: s.rule, account: s.account ?? '*', level: s.level, value: null, detail: s.reason },
      ...(s.endedAt === null ? [] : [{ at: s.endedAt, kind: 'silence_ended' as const, rule: s.rule, account: s.account ?? '*', level: s.level, value: null, detail: s.endReason }]),
    ]),
    ...input.failed.flatMap((m): BoardEvent[] =>
      m.failedAt === null ? [] : [{ at: m.failedAt, kind: 'delivery_failed', rule: m.channel, account: '', level: null, value: null, detail: m.lastError }],
    ),
  ];
  events.sort((a, b) => b.at - a.at);
  let updatedAt = 0;
  for (const alert of input.alerts) updatedAt = Math.max(updatedAt, alert.updatedAt);
  for (const event of events) updatedAt = Math.max(updatedAt, event.at);
  for (const h of input.channels) updatedAt = Math.max(updatedAt, h.lastSuccessAt ?? 0, h.lastFailureAt ?? 0);
  // The latest reading of each source, in one pass over the rows.
  const lastRead = new Map<string, number>();
  for (const row of rows) if (row.observedAt !== null) lastRead.set(row.source, Math.max(lastRead.get(row.source) ?? 0, row.observedAt));
  return {
    generatedAt: input.now,
    updatedAt,
    timezone: input.config.timezone,
    role: input.role,
    leader: input.leader,
    intervalMs: input.intervalMs,
    rows,
    sources: input.config.sources.map((source) => ({
      id: source.id,
      type: source.type,
      url: publicUrl(source.base_url),
      lastReadAt: lastRead.get(source.id) ?? null,
      failure: input.sourceHealth?.get(source.id)?.failure ?? null,
    })),
    events: events.slice(0, BOARD_EVENTS),
    channels: input.channels,
    silences: inForce,
  };
}
