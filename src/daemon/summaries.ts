import type { Logger } from 'pino';
import { errorMessage } from '../error-message.js';
import { type Money, moneyChange } from '../money/money.js';
import type { Summary, SummaryRow } from '../notify/summary.js';
import { RESOLVE_KINDS, type TimelineKind } from '../rules/alert.js';
import { alertKey } from '../rules/alert-key.js';
import { compareSeen, seenState } from '../rules/seen-state.js';
import type { AlertStore, HistoryStore, LoggedEvent, StoredAlert, SummaryStore } from '../store/store.js';
import type { Runtime } from './runtime.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';

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

/** Builds a summary from what the store knows; pure. */
export function buildSummary(args: {
  readonly channel: string;
  readonly from: number;
  readonly to: number;
  readonly late: boolean;
  readonly alerts: readonly StoredAlert[];
  /** The balance at the start of the period, by alertKey. */
  readonly valuesAtStart: ReadonlyMap<string, Money>;
  readonly events: readonly LoggedEvent[];
}): Summary {
  const balances = args.alerts
    .map((alert): SummaryRow => {
      const value = alert.state.lastValue ?? null;
      const start = args.valuesAtStart.get(alertKey(alert.rule, alert.account));
      return { rule: alert.rule, account: alert.account, source: alert.source, state: seenState(alert.state), value, change: moneyChange(start, value) };
    })
    .sort(compareSeen);
  const pick = (kinds: readonly TimelineKind[]) =>
    args.events.filter((e) => kinds.includes(e.kind)).map((e) => ({ rule: e.rule, account: e.account, kind: e.kind, level: e.level, at: e.at, value: e.value }));
  return {
    kind: 'summary',
    channel: args.channel,
    from: args.from,
    to: args.to,
    late: args.late,
    balances,
    fired: pick(['firing', 'escalation', 'runway', 'drop', 'no_data']),
    resolved: pick(RESOLVE_KINDS),
  };
}

export interface SummaryJobsDeps {
  readonly store: SummaryStore & AlertStore & HistoryStore;
  readonly log: Logger;
  readonly scheduler: Scheduler;
  readonly now: () => number;
  /** A summary was queued: the outbox should be drained. */
  readonly queued: () => void;
}

/**
 * Each channel's `summary:` schedule. Apart from the source cycles: their
 * day-long interval must not stretch readiness.
 */
export class SummaryJobs {
  private jobs: ScheduledJob[] = [];

  constructor(private readonly deps: SummaryJobsDeps) {}

  /** Schedules the summaries of `runtime`'s config (replacing earlier ones), and sends once, late, any that fell due while nothing ran. */
  start(runtime: Runtime, signal: AbortSignal): void {
    this.stop();
    const { config } = runtime;
    for (const channel of config.channels) {
      if (channel.summary === undefined) continue;
      const job: ScheduledJob = this.deps.scheduler(channel.summary, config.timezone, () => void this.send(channel.id, job, signal, { late: false }));
      this.jobs.push(job);
      void this.catchUp(channel.id, job, signal);
    }
  }

  stop(): void {
    for (const job of this.jobs) job.stop();
    this.jobs = [];
  }

  private async catchUp(channel: string, job: ScheduledJob, signal: AbortSignal): Promise<void> {
    try {
      if (await summaryMissed(this.deps.store, channel, this.deps.now())) await this.send(channel, job, signal, { late: true });
      else await this.deps.store.recordSummary(channel, undefined, null, this.nextRun(job));
    } catch (error) {
      this.deps.log.error({ channel }, `scheduling the summary failed: ${errorMessage(error)}`);
    }
  }

  private nextRun(job: ScheduledJob): number {
    const next = job.nextRunAt();
    const now = this.deps.now();
    return next !== undefined && next > now ? next : now + job.intervalMs();
  }

  /** Queues a channel's summary: every balance, its change since the last summary, and what fired and resolved. */
  private async send(channel: string, job: ScheduledJob, signal: AbortSignal, { late }: { readonly late: boolean }): Promise<void> {
    if (signal.aborted) return;
    try {
      const summary = await queueSummary(this.deps.store, channel, this.deps.now(), late, this.nextRun(job));
      this.deps.log.info({ channel, balances: summary.balances.length, late }, `summary queued for ${channel}`);
      this.deps.queued();
    } catch (error) {
      this.deps.log.error({ channel }, `building the summary failed: ${errorMessage(error)}`);
    }
  }
}
