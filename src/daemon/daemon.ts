import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { errorMessage, errorStack } from '../error-message.js';
import type { ChannelDeps } from '../notify/channel-deps.js';
import type { DeliveryOptions } from '../notify/delivery.js';
import type { SourceDeps } from '../sources/source.js';
import type { StateStore } from '../store/store.js';
import { boardContextOf, lazyActions, lazyAlertPages, lazyBoard } from './board-context.js';
import { CycleRunner } from './cycle-runner.js';
import type { FirstFetches } from './first-fetch.js';
import { startHttpServer } from './http-server.js';
import { leaderOf } from './leader-lookup.js';
import { Leadership } from './leadership.js';
import type { Metrics } from './metrics.js';
import { OutboxPump } from './outbox-pump.js';
import { Pruner } from './pruner.js';
import { type Readiness, readinessOf } from './readiness.js';
import { buildRuntime, closeRuntime, reconcileStore, reloadedConfig, type Runtime } from './runtime.js';
import type { Scheduler } from './scheduler.js';
import { watchStoreConnectivity } from './store-watch.js';
import { SummaryJobs } from './summaries.js';

export interface DaemonDeps {
  readonly log: Logger;
  readonly store: StateStore;
  readonly metrics: Metrics;
  readonly scheduler: Scheduler;
  readonly sourceDeps: SourceDeps;
  readonly channelDeps: (config: Config) => ChannelDeps;
  readonly now: () => number;
  readonly random: () => number;
  readonly delivery?: DeliveryOptions;
  /** This replica's name in the leader lease (host, pid and a random part). */
  readonly holder?: string;
  /** A monotonic clock for the lease: performance.now. */
  readonly monotonic?: () => number;
  /** Each source's first fetch, begun before the daemon loaded (run does this with a SQLite store). */
  readonly firstFetches?: FirstFetches;
}

const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The daemon as a role controller: it starts (HTTP, then the bid for the lease),
 * leads (the workers run), follows (they stop), reloads and stops. The work is
 * the workers': the cycle runner, the outbox pump, the summary jobs and the
 * pruner, each owning its timers, wired here through callbacks.
 */
export class Daemon {
  /** The config to act on: applied while leading, kept while following. */
  private config: Config | undefined;
  /** What the config brought to life; only while leading. */
  private runtime: Runtime | undefined;
  /** Aborted when this replica stops leading (or stops): cancels its fetches and sends. */
  private controller = new AbortController();
  private leadership: Leadership | undefined;
  /** Work begun on election or deposition, so stop() can wait for it. */
  private transition: Promise<void> = Promise.resolve();
  private server: Server | undefined;
  private stopping = false;
  private readonly cycles: CycleRunner;
  private readonly outbox: OutboxPump;
  private readonly summaries: SummaryJobs;
  private readonly pruner: Pruner;
  readonly startedAt: number;

  constructor(private readonly deps: DaemonDeps) {
    this.startedAt = deps.now();
    const { log, metrics, store, scheduler, now } = deps;
    this.outbox = new OutboxPump({ log, metrics, store, now, random: deps.random, ...(deps.delivery ? { delivery: deps.delivery } : {}) });
    const queued = () => this.outbox.kick();
    this.cycles = new CycleRunner({ log, metrics, store, scheduler, now, queued, ...(deps.firstFetches ? { firstFetches: deps.firstFetches } : {}) });
    this.summaries = new SummaryJobs({ store, log, scheduler, now, queued });
    this.pruner = new Pruner({ store, log, now });
  }

  /**
   * Starts serving: HTTP first (so health answers at once), then the bid for
   * the lease. The leader (with a SQLite store, always this process) runs a
   * first cycle of every source right away; a follower waits to take over.
   */
  async start(config: Config): Promise<{ url?: string }> {
    const { store, log, metrics } = this.deps;
    let url: string | undefined;
    this.config = config;
    if (config.http.listen) {
      const started = await startHttpServer(config.http.listen, {
        registry: metrics.registry,
        readiness: () => this.readiness(),
        access: config.http,
        board: lazyBoard(() => this.boardContext()),
        action: lazyActions(() => ({
          store,
          config: this.config!,
          now: this.deps.now(),
          intervalMs: this.cycles.intervalMs(),
          queued: () => this.outbox.kick(),
          audit: (entry) =>
            log.info(
              { ...entry, until: entry.until === null ? null : new Date(entry.until).toISOString() },
              `${entry.rule} / ${entry.account} ${entry.action === 'ack' ? 'acknowledged' : 'silenced'} by ${entry.by} from a link (client ${entry.client})`,
            ),
        })),
        alertPage: lazyAlertPages(() => ({
          store,
          config: this.config!,
          now: this.deps.now(),
          intervalMs: this.cycles.intervalMs(),
          queued: () => this.outbox.kick(),
          audit: (entry) => log.info(entry, `${entry.rule} / ${entry.account}: ${entry.action} by ${entry.by} on the board (client ${entry.client})`),
        })),
        failed: (what, error) => log.error({ path: what, stack: errorStack(error) }, `answering ${what} failed: ${errorMessage(error)}`),
      });
      this.server = started.server;
      url = started.url;
      log.info({ url: `${url}/metrics`, board: `${url}/` }, `balance board on ${url}/; metrics and health on ${url} (/metrics, /healthz, /readyz)`);
    }
    metrics.leader.set(0);
    watchStoreConnectivity(store, metrics, log);
    const holder = this.deps.holder ?? `balance-watch-${process.pid}`;
    this.leadership = new Leadership(
      store.lease,
      { holder, leaseMs: config.ha.lease, monotonic: this.deps.monotonic ?? (() => performance.now()) },
      {
        elected: () => this.changeRole(async () => {
          if (store.lease.shared) log.info({ holder }, 'this replica took the leader lease: it fetches, evaluates and sends now');
          await this.lead();
        }),
        deposed: (reason) => this.changeRole(async () => {
          log.warn({ holder }, `this replica stopped leading: ${reason}; it follows now`);
          await this.follow();
        }),
        trouble: (error) => log.debug({ holder }, `leader lease: ${errorMessage(error)}`),
      },
    );
    await this.leadership.start();
    if (store.lease.shared && !this.leadership.isLeader) {
      const leader = await leaderOf(store.lease, log);
      log.info({ holder, leader }, `following${leader ? ` ${leader}` : ''}: this replica takes over if the leader stops renewing its lease`);
    }
    return url === undefined ? {} : { url };
  }

  /** Role changes run one after another, and stop() waits for the last. */
  private changeRole(work: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(work, work);
    return this.transition;
  }

  /** Becomes the acting replica: schedules, delivery, pruning, from the state the store holds. */
  private async lead(): Promise<void> {
    const config = this.config;
    if (this.stopping || !config) return;
    this.controller = new AbortController();
    this.deps.metrics.leader.set(1);
    await reconcileStore(this.deps.store, config, this.deps.log, this.deps.now());
    this.apply(config);
    await this.outbox.exportChannelHealth();
    this.pruner.start(() => this.runtime?.config.history_retention);
  }

  /** Stops acting: no more fetches or sends from here; what is owed stays in the store for the leader. */
  private async follow(): Promise<void> {
    const { metrics } = this.deps;
    this.deps.firstFetches?.cancel();
    metrics.leader.set(0);
    await this.quiesce();
    // Balances and alert levels are the leader's to report: two replicas exporting them would double every alert rule.
    for (const gauge of [metrics.balance, metrics.alertLevel, metrics.noData, metrics.acknowledged, metrics.runway, metrics.channelUp, metrics.outboxPending]) gauge.reset();
  }

  /** Puts a config's runtime in force: the workers restart on it, the previous one's channels close. */
  private apply(config: Config): void {
    const previous = this.runtime;
    const runtime = buildRuntime(config, this.deps);
    this.runtime = runtime;
    const signal = this.controller.signal;
    this.cycles.start(runtime, signal);
    this.summaries.start(runtime, signal);
    this.outbox.start(runtime, signal);
    if (previous) closeRuntime(previous);
  }

  /** Stops every worker, cancels work in flight and waits briefly for it to wind up. */
  private async quiesce(): Promise<void> {
    this.cycles.stop();
    this.summaries.stop();
    this.outbox.stop();
    this.pruner.stop();
    this.controller.abort();
    const inFlight = Promise.allSettled([...this.cycles.inFlight(), this.outbox.inFlight() ?? Promise.resolve()]);
    await Promise.race([inFlight, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
    if (this.runtime) closeRuntime(this.runtime);
    this.runtime = undefined;
  }

  /** Swaps in a new config; alert state lives in the store, keyed by rule and account, so it survives. */
  async reload(next: Config): Promise<void> {
    const { config, restartNeeded } = reloadedConfig(this.config, next);
    if (restartNeeded) this.deps.log.warn('state, http and ha changes take effect only after a restart; the other changes are applied now');
    this.config = config;
    if (!this.runtime) return; // a follower applies it when it takes over
    const { metrics } = this.deps;
    await reconcileStore(this.deps.store, config, this.deps.log, this.deps.now());
    metrics.alertLevel.reset();
    metrics.noData.reset();
    metrics.acknowledged.reset();
    metrics.runway.reset();
    this.apply(config);
    metrics.channelUp.reset();
    await this.outbox.exportChannelHealth();
  }

  private async boardContext() {
    const leading = this.leadership?.isLeader ?? false;
    return boardContextOf({
      store: this.deps.store,
      config: this.config!,
      leading,
      leader: leading ? undefined : await leaderOf(this.deps.store.lease, this.deps.log),
      intervalMs: this.cycles.intervalMs(),
      ...(leading ? { sourceHealth: this.cycles.sourceHealth() } : {}),
      now: this.deps.now(),
    });
  }

  async readiness(): Promise<Readiness> {
    const runtime = this.runtime;
    const now = this.deps.now();
    if (this.leadership && !this.leadership.isLeader && !this.stopping) {
      const leader = await leaderOf(this.deps.store.lease, this.deps.log);
      return readinessOf({ role: 'follower', ...(leader === undefined ? {} : { leader }) }, now);
    }
    if (!runtime) return readinessOf({ role: 'leader', running: false, stopping: this.stopping }, now);
    // A store that cannot be read now is the cycles' problem to report; readiness judges the sources without it.
    const health = await this.deps.store.channelHealth.all(now).catch(() => []);
    return readinessOf(
      {
        role: 'leader',
        running: true,
        sources: [...runtime.sources.keys()],
        lastCycleAt: (source) => this.cycles.lastFinishedAt(source),
        intervalMs: this.cycles.intervalMs(),
        channels: [...runtime.channels.keys()],
        health,
      },
      now,
    );
  }

  /**
   * Stops scheduling, cancels fetches and sends in flight, waits briefly for
   * them to wind up, then releases the lease at once, so a follower takes over
   * within about a second instead of waiting for it to expire.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.deps.firstFetches?.cancel();
    await this.transition;
    await this.quiesce();
    await this.leadership?.stop();
    this.deps.metrics.leader.set(0);
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
