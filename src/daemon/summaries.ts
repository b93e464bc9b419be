import type { Money } from '../money/money.js';
import { buildSummary, type Summary } from '../notify/summary.js';
import { alertKey } from '../rules/alert-key.js';
import type { AlertStore, HistoryStore, SummaryStore } from '../store/store.js';

/** The period of a channel's first summary, when there is no earlier one to start from. */
const FIRST_PERIOD_MS = 86_400_000;

/** Whether a channel's summary fell due while nothing was running to send it. */
export async function summaryMissed(store: SummaryStore, channel: string, now: number): Promise<boolean> {
  const schedule = await store.summarySchedule(channel);
  return schedule !== undefined && schedule.nextDueAt <= now;
}

/**
 * Builds a channel's summary from the store (every alert, its value at the start
 * of the period, the events logged since) and queues it in the outbox, recording
 * when the next one is due, in one transaction.
 */
export async function queueSummary(store: SummaryStore & AlertStore & HistoryStore, channel: string, now: number, late: boolean, nextDueAt: number): Promise<Summary> {
  const from = (await store.summarySchedule(channel))?.lastSentAt ?? now - FIRST_PERIOD_MS;
  const alerts = await store.alerts();
  const valuesAtStart = new Map<string, Money>();
  for (const alert of alerts) {
    const value = await store.valueAt(alert.source, alert.account, from);
    if (value) valuesAtStart.set(alertKey(alert.rule, alert.account), value);
  }
  const summary = buildSummary({ channel, from, to: now, late, alerts, valuesAtStart, events: await store.eventsBetween(from, now) });
  await store.recordSummary(channel, summary, now, nextDueAt);
  return summary;
}
