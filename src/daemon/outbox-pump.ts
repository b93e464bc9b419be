import type { Logger } from 'pino';
import { errorMessage, errorStack } from '../error-message.js';
import { type DeliveryOptions, drainOutbox } from '../notify/delivery.js';
import { loggingListener } from '../notify/log-listener.js';
import { isChannelUp, type StateStore } from '../store/store.js';
import { drainDeps } from './drain-deps.js';
import type { Metrics } from './metrics.js';
import type { Runtime } from './runtime.js';

/** With nothing due, the outbox is still looked at this often (another process, such as `once`, may have queued). */
const IDLE_DRAIN_CHECK_MS = 60_000;
/** The soonest a timed drain runs again, so a burst of due rows is not spun on. */
const MIN_DRAIN_WAIT_MS = 250;

export interface OutboxPumpDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly store: StateStore;
  readonly now: () => number;
  readonly random: () => number;
  readonly delivery?: DeliveryOptions;
}

/**
 * Sends what the outbox owes: at once when kicked (a cycle queued), else when
 * the next message falls due, sleeping in between instead of polling, so an
 * idle daemon stays idle. One drain at a time; a kick during one runs another
 * right after it.
 */
export class OutboxPump {
  private runtime: Runtime | undefined;
  private signal: AbortSignal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(private readonly deps: OutboxPumpDeps) {}

  /** Sends through `runtime`'s channels from now on (replacing earlier ones), until `signal` aborts. */
  start(runtime: Runtime, signal: AbortSignal): void {
    this.runtime = runtime;
    this.signal = signal;
    void this.scheduleNext();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.runtime = undefined;
  }

  inFlight(): Promise<void> | undefined {
    return this.draining;
  }

  /** Drains now, or right after the drain in progress. */
  kick(): void {
    if (!this.runtime || this.signal?.aborted) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.drainAgain) {
        this.drainAgain = false;
        this.kick();
      } else void this.scheduleNext();
    });
  }

  /** balance_watch_channel_up for every configured channel, from the store's record of deliveries. */
  async exportChannelHealth(): Promise<void> {
    const runtime = this.runtime;
    if (!runtime) return;
    const known = new Map((await this.deps.store.channelHealth.all(this.deps.now())).map((health) => [health.channel, health]));
    for (const id of runtime.channels.keys()) {
      const health = known.get(id);
      this.deps.metrics.channelUp.set({ channel: id }, health === undefined || isChannelUp(health) ? 1 : 0);
    }
  }

  /** Sleeps until the next message is due, or a minute at most. */
  private async scheduleNext(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.runtime || this.signal?.aborted) return;
    let due: number | undefined;
    try {
      due = await this.deps.store.nextDueAt();
    } catch {
      due = undefined; // the store is down: its connectivity watch says so; look again within a minute
    }
    if (!this.runtime || this.signal?.aborted) return;
    clearTimeout(this.timer);
    const wait = due === undefined ? IDLE_DRAIN_CHECK_MS : Math.min(IDLE_DRAIN_CHECK_MS, Math.max(MIN_DRAIN_WAIT_MS, due - this.deps.now()));
    this.timer = setTimeout(() => this.kick(), wait);
  }

  private async drain(): Promise<void> {
    const { metrics, store, log } = this.deps;
    const runtime = this.runtime;
    const signal = this.signal;
    if (!runtime || !signal) return;
    const count = (outcome: string) => (_row: unknown, channel: string, reason?: string) => metrics.notifications.inc({ channel, outcome, reason: reason ?? 'none' });
    try {
      const due = await store.nextDueAt();
      if (due === undefined || due > this.deps.now()) {
        metrics.outboxPending.set(due === undefined ? 0 : await store.pendingCount());
        return;
      }
      const listener = loggingListener(log, {
        delivered: count('delivered'),
        retrying: count('retrying'),
        gaveUp: count('failed'),
        refused: (_row, channel) => metrics.notifications.inc({ channel, outcome: 'refused', reason: 'client' }),
        overdue: (row) => metrics.notificationsOverdue.inc({ channel: row.channel }),
      });
      await drainOutbox(
        drainDeps({ config: runtime.config, store, channels: runtime.channels, listener, now: this.deps.now, random: this.deps.random, ...(this.deps.delivery ? { delivery: this.deps.delivery } : {}) }),
        signal,
      );
      metrics.outboxPending.set(await store.pendingCount());
      await this.exportChannelHealth();
    } catch (error) {
      log.error({ stack: errorStack(error) }, `delivering notifications failed: ${errorMessage(error)}`);
    }
  }
}
