import type { Money } from '../money/money.js';
import type { Message } from '../notify/message.js';
import { type AlertState, initialState, type Level, type TimelineKind } from '../rules/alert.js';
import { alertKey } from '../rules/alert-key.js';
import type { Silence } from '../rules/silence.js';
import { decodeMessage } from './message-codec.js';
import { decodeState } from './state-codec.js';
import type { AlertRequest, ChannelHealth, LoggedEvent, Observed, OutboxMessage, StoredAlert } from './store.js';

/*
 * Rows as both engines return them, and their conversion to the store's types.
 * PostgreSQL returns BIGINT columns as strings (they may exceed 2^53); times in
 * ms and ids do not, so both are read with Number.
 */

type Int = number | string;
const int = (value: Int): number => Number(value);
const intOrNull = (value: Int | null): number | null => (value === null ? null : Number(value));

export interface ObservationRow {
  readonly at: Int;
  readonly units: string;
  readonly scale: Int;
  readonly currency: string | null;
}

export const toMoney = (r: { units: string; scale: Int; currency: string | null }): Money => ({ amount: { units: BigInt(r.units), scale: int(r.scale) }, currency: r.currency });

export const toObserved = (r: ObservationRow): Observed => ({ at: int(r.at), value: toMoney(r) });

export interface AlertRow {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  readonly state: string;
  readonly updated_at: Int;
}

/** The alerts whose state this version can read; one it cannot starts afresh at its next evaluation (see state-codec.ts). */
export function toStoredAlerts(rows: readonly AlertRow[]): StoredAlert[] {
  return rows.flatMap((r) => {
    const state = decodeState(r.state);
    return state ? [{ rule: r.rule, account: r.account, source: r.source, state, updatedAt: int(r.updated_at) }] : [];
  });
}

/** The alert a `forget` closed, as it was; one whose state this version cannot read is reported as if new. */
export function forgottenAlert(row: AlertRow, now: number): StoredAlert {
  return toStoredAlerts([row])[0] ?? { rule: row.rule, account: row.account, source: row.source, state: initialState(now), updatedAt: now };
}

export interface RequestRow {
  readonly rule: string;
  readonly account: string;
  readonly kind: string;
  readonly by: string | null;
  readonly note: string | null;
  readonly at: Int;
}

/** What the timeline keeps of an acknowledgement: who, and their note. */
export const requestDetail = (ack: { readonly by: string; readonly note?: string } | null): string | null => (ack ? `by ${ack.by}${ack.note ? `: ${ack.note}` : ''}` : null);

/** A pending request as both engines store it; an unknown kind (a newer release's) is left for that release. */
export function toAlertRequests(rows: readonly RequestRow[]): AlertRequest[] {
  return rows.flatMap((r): AlertRequest[] => {
    if (r.kind === 'forget' || r.kind === 'unack') return [{ rule: r.rule, account: r.account, kind: r.kind }];
    if (r.kind === 'ack' && r.by !== null) return [{ rule: r.rule, account: r.account, kind: 'ack', ack: { by: r.by, at: int(r.at), ...(r.note === null ? {} : { note: r.note }) } }];
    return [];
  });
}

/** Alert states by alertKey, those this version can read. */
export function statesByKey(rows: readonly Pick<AlertRow, 'rule' | 'account' | 'state'>[]): Map<string, AlertState> {
  const states = new Map<string, AlertState>();
  for (const r of rows) {
    const state = decodeState(r.state);
    if (state) states.set(alertKey(r.rule, r.account), state);
  }
  return states;
}

export interface SilenceRow {
  readonly id: Int;
  readonly rule: string;
  readonly account: string | null;
  readonly level: 'warning' | 'critical';
  readonly reason: string;
  readonly created_at: Int;
  readonly until: Int;
  readonly ended_at: Int | null;
  readonly end_reason: string | null;
}

export const toSilence = (r: SilenceRow): Silence => ({
  id: int(r.id),
  rule: r.rule,
  account: r.account,
  level: r.level,
  reason: r.reason,
  createdAt: int(r.created_at),
  until: int(r.until),
  endedAt: intOrNull(r.ended_at),
  endReason: r.end_reason,
});

export interface OutboxRow {
  readonly id: Int;
  readonly channel: string;
  readonly source: string;
  readonly message: string;
  readonly created_at: Int;
  readonly attempts: Int;
  readonly next_attempt_at: Int;
  readonly last_error: string | null;
  readonly last_reason: string | null;
  readonly sent_at: Int | null;
  readonly failed_at: Int | null;
}

function readMessage(text: string): Message {
  const decoded = decodeMessage(text);
  return decoded.ok ? decoded.message : { kind: 'unreadable', why: decoded.why };
}

export const toOutbox = (r: OutboxRow): OutboxMessage => ({
  id: int(r.id),
  channel: r.channel,
  source: r.source,
  message: readMessage(r.message),
  createdAt: int(r.created_at),
  attempts: int(r.attempts),
  nextAttemptAt: int(r.next_attempt_at),
  lastError: r.last_error,
  lastReason: r.last_reason,
  sentAt: intOrNull(r.sent_at),
  failedAt: intOrNull(r.failed_at),
});

export interface EventRow {
  readonly source: string;
  readonly rule: string;
  readonly account: string;
  readonly kind: TimelineKind;
  readonly level: Level;
  readonly at: Int;
  readonly units: string | null;
  readonly scale: Int | null;
  readonly currency: string | null;
  readonly detail?: string | null;
}

export const toLoggedEvent = (r: EventRow): LoggedEvent => ({
  source: r.source,
  rule: r.rule,
  account: r.account,
  kind: r.kind,
  level: r.level,
  at: int(r.at),
  value: r.units === null || r.scale === null ? null : toMoney({ units: r.units, scale: r.scale, currency: r.currency }),
  ...(r.detail ? { detail: r.detail } : {}),
});

export interface HealthRow {
  readonly channel: string;
  readonly last_success_at: Int | null;
  readonly last_failure_at: Int | null;
  readonly last_failure: string | null;
  readonly last_reason: string | null;
  readonly last_gave_up_at: Int | null;
  readonly waiting: Int;
  readonly gave_up_last_day: Int;
}

export const toChannelHealth = (r: HealthRow): ChannelHealth => ({
  channel: r.channel,
  lastSuccessAt: intOrNull(r.last_success_at),
  lastFailureAt: intOrNull(r.last_failure_at),
  lastFailure: r.last_failure,
  lastReason: r.last_reason,
  lastGaveUpAt: intOrNull(r.last_gave_up_at),
  waiting: int(r.waiting),
  gaveUpLastDay: int(r.gave_up_last_day),
});

/** Groups observation rows (with their account) by account, keeping their order. */
export function byAccount(rows: readonly (ObservationRow & { readonly account: string })[]): Map<string, Observed[]> {
  const grouped = new Map<string, Observed[]>();
  for (const row of rows) {
    const list = grouped.get(row.account);
    if (list) list.push(toObserved(row));
    else grouped.set(row.account, [toObserved(row)]);
  }
  return grouped;
}
