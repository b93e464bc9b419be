import { backoffDelay } from '../net/backoff.js';
import type { FailureReason } from '../net/failure.js';
import type { OutboxMessage, StateStore } from '../store/store.js';
import type { Channel } from './message.js';

/** What delivery reports, for logs and metrics. */
export interface DeliveryListener {
  delivered(row: OutboxMessage, channel: string): void;
  retrying(row: OutboxMessage, channel: string, reason: FailureReason, message: string, nextAttemptAt: number): void;
  gaveUp(row: OutboxMessage, channel: string, reason: FailureReason | 'unknown_channel', message: string): void;
  overdue(row: OutboxMessage): void;
}

export interface DeliveryOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A message still undelivered after this long is reported loudly (once). */
  readonly overdueAfterMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { baseDelayMs: 5_000, maxDelayMs: 10 * 60_000, overdueAfterMs: 60 * 60_000 };

export interface DeliveryDeps {
  readonly store: StateStore;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly now: () => number;
  readonly random: () => number;
  readonly listener: DeliveryListener;
  readonly options: DeliveryOptions;
}

/**
 * Sends what the outbox owes that is due now: a row is marked sent only after
 * its channel confirmed it; a retryable failure is rescheduled with backoff (or
 * the server's Retry-After); a permanent one is recorded, never dropped silently.
 * Returns how many rows were attempted.
 */
export async function drainOutbox(deps: DeliveryDeps, signal: AbortSignal): Promise<number> {
  for (const row of deps.store.takeNewlyOverdue(deps.now(), deps.options.overdueAfterMs)) deps.listener.overdue(row);
  const due = deps.store.dueMessages(deps.now());
  const byChannel = new Map<string, OutboxMessage[]>();
  for (const row of due) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  // Channels are independent: a slow SMTP server never holds up Slack.
  await Promise.all([...byChannel].map(([id, rows]) => drainChannel(deps, id, rows, signal)));
  return due.length;
}

/** Sends one channel's due rows in order; stops at the first failure, since the rest would most likely fail alike. */
async function drainChannel(deps: DeliveryDeps, id: string, rows: readonly OutboxMessage[], signal: AbortSignal): Promise<void> {
  const { store, listener } = deps;
  const channel = deps.channels.get(id);
  for (const row of rows) {
    if (signal.aborted) return;
    if (!channel) {
      const why = `channel "${id}" is no longer in the config`;
      store.markFailed(row.id, deps.now(), why, 'unknown_channel');
      listener.gaveUp(row, id, 'unknown_channel', why);
      continue;
    }
    const result = await channel.send(row.message, signal);
    if (result.ok) {
      store.markSent(row.id, deps.now());
      listener.delivered(row, id);
      continue;
    }
    const { failure } = result;
    if (failure.reason === 'cancelled') return; // shutting down: the row stays owed and goes out after the restart
    if (!failure.retryable) {
      store.markFailed(row.id, deps.now(), failure.message, failure.reason);
      listener.gaveUp(row, id, failure.reason, failure.message);
      continue;
    }
    const wait = failure.retryAfterMs ?? backoffDelay(row.attempts, { baseMs: deps.options.baseDelayMs, maxMs: deps.options.maxDelayMs }, deps.random);
    const next = deps.now() + Math.max(wait, 1_000);
    store.markRetry(row.id, next, failure.message, failure.reason);
    listener.retrying(row, id, failure.reason, failure.message, next);
    return;
  }
}
