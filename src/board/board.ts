import type { Config } from '../config/types.js';
import { type Money, moneyChange } from '../money/money.js';
import { type AlertState, currentRunwayMs, type Level, type TimelineKind } from '../rules/alert.js';
import { compareText, SEEN_ORDER, type SeenState, seenState } from '../rules/seen-state.js';
import { isActive, type Silence, silenceCovers } from '../rules/silence.js';
import { type Thresholds, thresholdsIn } from '../rules/thresholds.js';
import type { ChannelHealth, LoggedEvent, OutboxMessage, StoredAlert } from '../store/store.js';

/** What a row shows as its state, with its colour: `silenced` is a firing alert someone muted. */
export type BoardState = SeenState;

/** A point of the 24-hour chart: the balance in major units (a chart needs no exactness). */
export interface ChartPoint {
  readonly at: number;
  readonly value: number;
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
  readonly thresholds: Thresholds | null;
  /** Time until the trend crosses the critical level (or zero), for rules with runway_below while it falls. */
  readonly runwayMs: number | null;
  readonly silence: Pick<Silence, 'id' | 'until' | 'reason' | 'level'> | null;
  readonly points: readonly ChartPoint[];
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
}

export interface Board {
  readonly generatedAt: number;
  /** The latest write behind these facts (a cycle, an event, a delivery): the page refreshes when it moves. */
  readonly updatedAt: number;
  readonly timezone: string | undefined;
  readonly role: 'leader' | 'follower';
  readonly leader: string | undefined;
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

function changeOf(state: AlertState): Money | null {
  return moneyChange(state.previousValue, state.lastValue);
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
    return {
      rule: alert.rule,
      account: alert.account,
      source: alert.source,
      state: seenState(state, silence),
      level: state.level,
      since: state.since,
      balance: state.lastValue ?? null,
      observedAt: state.lastObservedAt ?? null,
      missingSince: state.missingSince ?? null,
      acknowledged: state.acknowledged ? { by: state.acknowledged.by, note: state.acknowledged.note ?? null, at: state.acknowledged.at } : null,
      change: changeOf(state),
      thresholds: levelsOf(alert.rule, state.lastValue?.currency ?? null),
      runwayMs: currentRunwayMs(state) ?? null,
      silence: silence ? { id: silence.id, until: silence.until, reason: silence.reason, level: silence.level } : null,
      points: input.series.get(seriesKey(alert.source, alert.account)) ?? [],
    };
  });
  rows.sort(
    (a, b) =>
      SEEN_ORDER[a.state] - SEEN_ORDER[b.state] ||
      (a.runwayMs ?? Number.POSITIVE_INFINITY) - (b.runwayMs ?? Number.POSITIVE_INFINITY) ||
      compareText(a.rule, b.rule) ||
      compareText(a.account, b.account),
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
    rows,
    sources: input.config.sources.map((source) => ({
      id: source.id,
      type: source.type,
      url: publicUrl(source.base_url),
      lastReadAt: lastRead.get(source.id) ?? null,
    })),
    events: events.slice(0, BOARD_EVENTS),
    channels: input.channels,
    silences: inForce,
  };
}
