import type { Money } from '../money/money.js';
import type { Message } from '../notify/message.js';
import type { Acknowledgement, AlertEvent, AlertState, EventRecord } from '../rules/alert.js';
import type { Silence } from '../rules/silence.js';
import type { Lease } from './lease.js';

/**
 * The state store, split by concern. Two engines implement it with the same
 * semantics: SQLite (one file, one process: the default) and PostgreSQL (shared
 * by replicas). Every method is async because PostgreSQL is; code that needs
 * only one concern takes only that interface.
 */
export interface StateStore extends AlertStore, OutboxStore, HistoryStore, SilenceStore, SummaryStore {
  /** Where the store is, fit for logs and messages: a file path, or a URL without its password. */
  readonly location: string;
  /** Each channel's last success and failure, and what it owes. */
  readonly channelHealth: ChannelHealthStore;
  /** Which replica leads, when several share the store. */
  readonly lease: Lease;
  /** Told when a networked store stops answering and when it answers again (an embedded file never does either). */
  onConnectivity?(listener: (event: ConnectivityEvent) => void): void;
  close(): Promise<void>;
}

export type ConnectivityEvent = { readonly kind: 'lost'; readonly error: string } | { readonly kind: 'restored'; readonly downMs: number };

/** A problem with the store the user can fix: the message says what and how. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Alert state, and the cycle write that changes it together with what it owes. */
export interface AlertStore extends AlertRequests {
  /** Alert states by alertKey, for one source or all. */
  loadStates(source?: string): Promise<Map<string, AlertState>>;
  alerts(): Promise<StoredAlert[]>;
  /** Writes a cycle's alert states, observations, events and owed messages in one transaction. */
  commitCycle(write: CycleWrite): Promise<void>;
  /** Drops alerts of rules that no longer exist (after a reload), quietly; returns how many rules. */
  removeAlertsExcept(rules: readonly string[]): Promise<number>;
}

/** What people ask of one alert (forget it, acknowledge it), taken into the daemon's memory by the next cycle of its source. */
export interface AlertRequests {
  /**
   * Closes one alert quietly (`balance-watch forget`: a payment system gone for
   * good): its state is deleted, its timeline says so, and the daemon drops it
   * from its memory at its next cycle of the source (see pendingRequests). The
   * account comes back as a new alert if it reappears. Undefined: no such alert.
   */
  forgetAlert(rule: string, account: string, now: number): Promise<StoredAlert | undefined>;
  /**
   * Acknowledges a firing alert (`ack` set) or takes the acknowledgement back
   * (`null`): its state says so at once, its timeline records it, and the
   * daemon takes it into its memory at its next cycle. Undefined: no such alert.
   */
  acknowledgeAlert(rule: string, account: string, ack: Acknowledgement | null, now: number): Promise<StoredAlert | undefined>;
  /** What people asked of alerts of `source` (forget, acknowledge) that its cycle has not yet taken into the daemon's memory. */
  pendingRequests(source: string): Promise<AlertRequest[]>;
}

/** The notification outbox: what is owed, and what became of it. */
export interface OutboxStore {
  dueMessages(now: number, limit?: number): Promise<OutboxMessage[]>;
  /** When the next undelivered message is due, if any: a cheap check before a drain. */
  nextDueAt(): Promise<number | undefined>;
  pendingCount(): Promise<number>;
  /** Messages not yet delivered (and not given up on), oldest first. */
  pendingMessages(): Promise<OutboxMessage[]>;
  /** Messages given up on, newest first. */
  failedMessages(limit?: number): Promise<OutboxMessage[]>;
  /** Messages queued since `since`, sent or not, newest first: an alert's timeline of notifications. */
  messagesSince(since: number, limit?: number): Promise<OutboxMessage[]>;
  markSent(id: number, now: number): Promise<void>;
  markRetry(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void>;
  /** Leaves a message owed, untried, until `nextAttemptAt`: its channel is not in the config (renamed or removed). */
  postpone(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void>;
  markFailed(id: number, now: number, error: string, reason: string): Promise<void>;
  /** Writes messages owed outside a cycle (notices about a failing channel), due now. */
  enqueue(source: string, items: readonly OwedMessage[], now: number): Promise<void>;
  /**
   * Replaces messages held for a channel outside its hours with the one
   * catch-up that reports them, in one transaction: the catch-up is owed from
   * `now`, and the held ones count as sent with it.
   */
  mergeHeld(ids: readonly number[], source: string, item: OwedMessage, now: number): Promise<void>;
  /** Undelivered messages older than `ageMs` not yet reported as overdue; marks them reported. */
  takeNewlyOverdue(now: number, ageMs: number): Promise<OutboxMessage[]>;
}

/** Balance history and the event log. */
export interface HistoryStore {
  /** The last `count` observations of one account, oldest first. */
  recent(source: string, account: string, count: number): Promise<Observed[]>;
  /** The balance history of one account since `since`, oldest first. */
  history(source: string, account: string, since: number): Promise<Observed[]>;
  /** The histories of several accounts of one source since `since`, in one read. */
  histories(source: string, accounts: readonly string[], since: number): Promise<Map<string, Observed[]>>;
  /**
   * Observations of every account after `after` (exclusive), oldest first: what
   * the board's charts are built from. With `everyMs`, only the last of each
   * account in each slice of that length (a day of history, read in one go).
   */
  observationsAfter(after: number, everyMs?: number): Promise<SourcedObservation[]>;
  /**
   * Every observation within [since, until), in time order, streamed in
   * batches (a cursor on PostgreSQL, a stepped statement on SQLite), never the
   * whole history at once. For `backtest`, beside a running daemon.
   */
  streamObservations(since: number, until: number): AsyncIterable<readonly SourcedObservation[]>;
  /** The last balance observed at or before `at`. */
  valueAt(source: string, account: string, at: number): Promise<Money | undefined>;
  /** Events logged within [since, until). */
  eventsBetween(since: number, until: number): Promise<LoggedEvent[]>;
  /** Deletes observations, events and settled messages older than `before`, and silences that ended a week before `now`. */
  prune(before: number, now: number): Promise<{ observations: number; messages: number }>;
}

export interface SilenceStore {
  addSilence(silence: Omit<Silence, 'id' | 'endedAt' | 'endReason'>): Promise<number>;
  /** Silences still in force, and those that ended (or expired) after `endedSince`. */
  silences(now: number, endedSince?: number): Promise<Silence[]>;
  /** Ends a silence now; false when there is no such silence in force. */
  endSilence(id: number, now: number, reason: string): Promise<boolean>;
}

export interface SummaryStore {
  summarySchedule(channel: string): Promise<{ lastSentAt: number | null; nextDueAt: number } | undefined>;
  /** Queues a summary and records when the next one is due, in one transaction. */
  recordSummary(channel: string, message: Message | undefined, sentAt: number | null, nextDueAt: number): Promise<void>;
}

export interface ChannelHealthStore {
  delivered(channel: string, now: number): Promise<void>;
  failed(channel: string, now: number, failure: { readonly message: string; readonly reason: string; readonly gaveUp: boolean }): Promise<void>;
  /** Whether a notice about `channel` may go out now (none within `intervalMs`); if so, it is recorded as sent. */
  claimNotice(channel: string, now: number, intervalMs: number): Promise<boolean>;
  /** Every channel that has delivered, failed or still owes something, by id. */
  all(now: number): Promise<ChannelHealth[]>;
}

export interface Observed {
  readonly at: number;
  readonly value: Money;
}

export interface SourcedObservation extends Observed {
  readonly source: string;
  readonly account: string;
}

export interface OwedMessage {
  readonly channel: string;
  readonly message: Message;
}

export interface StoredAlert {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  readonly state: AlertState;
  readonly updatedAt: number;
}

export interface OutboxMessage {
  readonly id: number;
  readonly channel: string;
  readonly source: string;
  readonly message: Message;
  readonly createdAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly lastReason: string | null;
  readonly sentAt: number | null;
  readonly failedAt: number | null;
}

/** What one source's cycle writes, all or nothing. */
export interface CycleWrite {
  readonly source: string;
  readonly now: number;
  readonly alerts: readonly { readonly rule: string; readonly account: string; readonly state: AlertState }[];
  readonly observations: readonly { readonly account: string; readonly value: Money }[];
  readonly outbox: readonly OwedMessage[];
  /** Every event of the cycle, notified or silenced, for summaries. */
  readonly events?: readonly AlertEvent[];
  /** Silences that ended because their alert resolved. */
  readonly endedSilences?: readonly number[];
  /** Requests this cycle took into memory: they are done. A forgotten alert's state written meanwhile goes (unless the account came back: then `alerts` holds its new state). */
  readonly applied?: readonly AlertRequest[];
}

/** What a person asked of one alert, for the daemon's next cycle of its source to take in. */
export type AlertRequest =
  | { readonly rule: string; readonly account: string; readonly kind: 'forget' }
  | { readonly rule: string; readonly account: string; readonly kind: 'ack'; readonly ack: Acknowledgement }
  | { readonly rule: string; readonly account: string; readonly kind: 'unack' };

/** An event as the log keeps it. */
export interface LoggedEvent extends EventRecord {
  readonly source: string;
  /** What people said with it: who acknowledged, and their note. */
  readonly detail?: string;
}

/** What the store knows of one channel's deliveries: enough to say whether people are hearing from it. */
export interface ChannelHealth {
  readonly channel: string;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastFailure: string | null;
  readonly lastReason: string | null;
  /** When it last gave a message up (permanent refusal, or retried past give_up_after). */
  readonly lastGaveUpAt: number | null;
  /** Messages it still owes. */
  readonly waiting: number;
  /** Messages it gave up on in the last day. */
  readonly gaveUpLastDay: number;
}

/** Up unless its latest outcome was a failure: a channel that never sent is not known to be down. */
export const isChannelUp = (health: Pick<ChannelHealth, 'lastSuccessAt' | 'lastFailureAt'>): boolean =>
  health.lastFailureAt === null || (health.lastSuccessAt !== null && health.lastSuccessAt >= health.lastFailureAt);

/** Failing, for readiness: it gave a message up, and has delivered nothing since. */
export const isChannelFailing = (health: Pick<ChannelHealth, 'lastSuccessAt' | 'lastGaveUpAt'>): boolean =>
  health.lastGaveUpAt !== null && (health.lastSuccessAt === null || health.lastSuccessAt < health.lastGaveUpAt);

/**
 * What readers of the history may rely on: every change of a balance or state
 * is stored, and a steady one at least this often (the daemon's write policy
 * keeps to it). So a stored reading time may be up to this old for a balance
 * read every cycle.
 */
export const HISTORY_HEARTBEAT_MS = 5 * 60_000;

/**
 * How long a stored reading stands for the balance: until the next heartbeat is
 * due, or the next cycle when the schedule is slower, with room for one late.
 * Past that, the history has a gap (the source failed, the daemon was down).
 */
export const readingHoldsMs = (intervalMs: number): number => 2 * Math.max(HISTORY_HEARTBEAT_MS, intervalMs);

/** How long ended or expired silences stay listed. */
export const SILENCE_MEMORY_MS = 7 * 86_400_000;

/** Ended silences and gave-up counts look back this far. */
export const DAY_MS = 86_400_000;
