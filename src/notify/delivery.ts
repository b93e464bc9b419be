import { backoffDelay } from '../net/backoff.js';
import type { FailureReason } from '../net/failure.js';
import type { AlertStore, ChannelHealthStore, OutboxMessage, OutboxStore } from '../store/store.js';
import { awayDigest } from './away.js';
import type { TimeWindow } from './time-window.js';
import type { Channel, Message, RefusedRecipient } from './message.js';
import { deliveryFailureNotice } from './notices.js';

export type GiveUpReason = FailureReason | 'unknown_channel' | 'expired' | 'unreadable';

/** What delivery reports, for logs and metrics. */
export interface DeliveryListener {
  delivered(row: OutboxMessage, channel: string): void;
  retrying(row: OutboxMessage, channel: string, reason: FailureReason, message: string, nextAttemptAt: number): void;
  gaveUp(row: OutboxMessage, channel: string, reason: GiveUpReason, message: string): void;
  /** Delivered, but some of the channel's recipients were refused. */
  refused(row: OutboxMessage, channel: string, message: string): void;
  /** The other channels were told that `channel` gave a message up. */
  noticed(row: OutboxMessage, channel: string, recipients: readonly string[]): void;
  /** No other channel could be told: only the log and /readyz know. */
  unheard(row: OutboxMessage, channel: string, message: string): void;
  /** A message waits for its channel's time window to open. */
  held?(row: OutboxMessage, channel: string, until: number): void;
  /** A message waits for a channel the config no longer has. */
  orphaned(row: OutboxMessage, channel: string): void;
  overdue(row: OutboxMessage): void;
}

export interface DeliveryOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A message still undelivered after this long is reported loudly (once). */
  readonly overdueAfterMs: number;
  /** A message still failing after this long is given up on, and the other channels told (`delivery.give_up_after`). */
  readonly giveUpAfterMs: number;
  /** At most one notice about a failing channel in this time, however many messages it gives up. */
  readonly noticeIntervalMs: number;
  /** How often a message for a channel that is gone is looked at again (the channel may come back). */
  readonly orphanRecheckMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  baseDelayMs: 5_000,
  maxDelayMs: 10 * 60_000,
  overdueAfterMs: 60 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
  noticeIntervalMs: 60 * 60_000,
  orphanRecheckMs: 60_000,
};

export interface DeliveryDeps {
  readonly store: OutboxStore & Pick<AlertStore, 'loadStates'> & { readonly channelHealth: ChannelHealthStore };
  /** The time window a channel is active in, if any: outside it, its messages are held (see holdOrCatchUp). */
  readonly windowOf?: (channel: string) => TimeWindow | undefined;
  readonly channels: ReadonlyMap<string, Channel>;
  /** Who else hears that `failed` gave `message` up (see noticeRecipients). */
  readonly recipientsOf: (message: Message, failed: string) => readonly string[];
  readonly now: () => number;
  readonly random: () => number;
  readonly listener: DeliveryListener;
  readonly options: DeliveryOptions;
}

/**
 * Sends what the outbox owes that is due now: a row is marked sent only after
 * its channel confirmed it; a retryable failure is rescheduled with backoff (or
 * the server's Retry-After) until `giveUpAfterMs`; a message given up on is
 * recorded and told to the rule's other channels, never dropped silently.
 * Returns how many rows were attempted.
 */
export async function drainOutbox(deps: DeliveryDeps, signal: AbortSignal): Promise<number> {
  for (const row of await deps.store.takeNewlyOverdue(deps.now(), deps.options.overdueAfterMs)) deps.listener.overdue(row);
  const due = await deps.store.dueMessages(deps.now());
  const byChannel = new Map<string, OutboxMessage[]>();
  for (const row of due) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  // Channels are independent: a slow SMTP server never holds up Slack.
  await Promise.all([...byChannel].map(([id, rows]) => drainChannel(deps, id, rows, signal)));
  return due.length;
}

/**
 * A channel outside its time window holds what is due (owed still, due again at
 * the window's opening); at the opening, the alert messages it held become one
 * catch-up, queued in their place. Returns the rows to send now.
 */
async function holdOrCatchUp(deps: DeliveryDeps, id: string, rows: readonly OutboxMessage[]): Promise<readonly OutboxMessage[]> {
  const window = deps.windowOf?.(id);
  if (!window) return rows;
  // Loaded only for a channel with a window: it brings Luxon, which a daemon without windows never needs.
  const { isOpen, lastClosing, nextOpening } = await import('./time-window.js');
  const now = deps.now();
  if (!isOpen(window, now)) {
    // A window that never opens within the horizon is looked at again in a day (the config may change).
    const opens = nextOpening(window, now) ?? now + 86_400_000;
    const sendable: OutboxMessage[] = [];
    for (const row of rows) {
      // A test message is sent when someone asks for it: that is how they check the channel works.
      if (row.message.kind === 'test') sendable.push(row);
      else {
        await deps.store.postpone(row.id, opens, `held: outside ${window.name} until ${new Date(opens).toISOString()}`, 'held');
        deps.listener.held?.(row, id, opens);
      }
    }
    return sendable;
  }
  const held = rows.filter((row) => row.lastReason === 'held' && row.message.kind === 'alerts');
  if (held.length === 0) return rows;
  const events = held.flatMap((row) => (row.message.kind === 'alerts' ? row.message.events : []));
  const from = lastClosing(window, now - 1) ?? Math.min(...held.map((row) => row.createdAt));
  const digest = awayDigest(id, from, now, window.timezone, events, await deps.store.loadStates());
  await deps.store.mergeHeld(held.map((row) => row.id), 'away', { channel: id, message: digest }, now);
  const merged = new Set(held.map((row) => row.id));
  return rows.filter((row) => !merged.has(row.id));
}

/** Sends one channel's due rows in order; stops at the first retryable failure, since the rest would most likely fail alike. */
async function drainChannel(deps: DeliveryDeps, id: string, due: readonly OutboxMessage[], signal: AbortSignal): Promise<void> {
  const { store, listener, options } = deps;
  const channel = deps.channels.get(id);
  const rows = channel ? await holdOrCatchUp(deps, id, due) : due;
  for (const row of rows) {
    if (signal.aborted) return;
    const expired = deps.now() - row.createdAt >= options.giveUpAfterMs;
    if (!channel) {
      // Renamed or removed: kept, and warned about, in case the channel comes back; given up on like any other at the horizon.
      if (expired) await giveUp(deps, row, id, 'unknown_channel', `channel "${id}" is no longer in the config`);
      else {
        await store.postpone(row.id, deps.now() + options.orphanRecheckMs, `channel "${id}" is no longer in the config`, 'unknown_channel');
        listener.orphaned(row, id);
      }
      continue;
    }
    if (row.message.kind === 'unreadable') {
      // Queued by a release whose message this one cannot read: sending a guess could be garbage, or wrong money.
      await giveUp(deps, row, id, 'unreadable', `the queued message cannot be read: ${row.message.why}`, channel.label);
      continue;
    }
    const result = await channel.send(row.message, signal);
    const now = deps.now();
    if (result.ok) {
      await store.markSent(row.id, now);
      await store.channelHealth.delivered(id, now);
      listener.delivered(row, id);
      if (result.refused && result.refused.length > 0) await someRefused(deps, row, id, channel.label, result.refused, result.deliveredTo ?? 0);
      continue;
    }
    const { failure } = result;
    if (failure.reason === 'cancelled') return; // shutting down: the row stays owed and goes out after the restart
    if (!failure.retryable) {
      await giveUp(deps, row, id, failure.reason, failure.message, channel.label);
      continue;
    }
    if (expired) {
      await giveUp(deps, row, id, 'expired', `still failing after ${Math.round(options.giveUpAfterMs / 3_600_000)} h of retries: ${failure.message}`, channel.label);
      continue;
    }
    const wait = failure.retryAfterMs ?? backoffDelay(row.attempts, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs }, deps.random);
    const next = now + Math.max(wait, 1_000);
    await store.markRetry(row.id, next, failure.message, failure.reason);
    await store.channelHealth.failed(id, now, { message: failure.message, reason: failure.reason, gaveUp: false });
    listener.retrying(row, id, failure.reason, failure.message, next);
    return;
  }
}

/**
 * Delivered, but the server refused some recipients: the message is not sent
 * again (the others have it), the channel's health shows the refusal, and the
 * rule's other channels are told, as for a message given up on.
 */
async function someRefused(deps: DeliveryDeps, row: OutboxMessage, id: string, label: string, refused: readonly RefusedRecipient[], deliveredTo: number): Promise<void> {
  const { store, listener } = deps;
  const now = deps.now();
  const who = refused.map((r) => `${r.recipient} refused: ${r.problem}`).join('; ');
  const problem = `${who}; delivered to the ${deliveredTo === 1 ? 'other one' : `${deliveredTo} others`}`;
  await store.channelHealth.failed(id, now, { message: problem, reason: 'client', gaveUp: false });
  listener.refused(row, id, problem);
  await tellOthers(deps, row, id, label, problem, { partial: true });
}

/** Records the loss, and tells the rule's other channels (at most once per channel per notice interval). */
async function giveUp(deps: DeliveryDeps, row: OutboxMessage, id: string, reason: GiveUpReason, why: string, label = `channel "${id}"`): Promise<void> {
  const { store, listener } = deps;
  const now = deps.now();
  await store.markFailed(row.id, now, why, reason);
  await store.channelHealth.failed(id, now, { message: why, reason, gaveUp: true });
  listener.gaveUp(row, id, reason, why);
  await tellOthers(deps, row, id, label, why, { partial: false });
}

/** The notice to the other channels of the message's rules: never about a notice or a test, at most one per channel per notice interval. */
async function tellOthers(deps: DeliveryDeps, row: OutboxMessage, id: string, label: string, why: string, { partial }: { readonly partial: boolean }): Promise<void> {
  const { store, listener, options } = deps;
  if (row.message.kind === 'delivery-failure' || row.message.kind === 'test') return;
  const recipients = deps.recipientsOf(row.message, id);
  if (recipients.length === 0) return listener.unheard(row, id, why);
  const now = deps.now();
  if (!(await store.channelHealth.claimNotice(id, now, options.noticeIntervalMs))) return;
  const notice = deliveryFailureNotice(row.message, { channel: id, target: label }, why, now, { partial });
  await store.enqueue(row.source, recipients.map((channel) => ({ channel, message: notice })), now);
  listener.noticed(row, id, recipients);
}
