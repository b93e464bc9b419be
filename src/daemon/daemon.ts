import type { Server, ServerResponse } from 'node:http';
import type { BoardContext, BoardRoutes } from '../board/routes.js';
import type { Logger } from 'pino';
import type { Config, SourceConfig } from '../config/types.js';
import type { ChannelDeps } from '../notify/channel-deps.js';
import { channelsFor, closeChannels } from '../notify/channels.js';
import { DEFAULT_DELIVERY, type DeliveryOptions, drainOutbox } from '../notify/delivery.js';
import { loggingListener } from '../notify/log-listener.js';
import { noticeRecipients, orphanedChannels, orphanWarning } from '../notify/notices.js';
import type { Channel } from '../notify/message.js';
import { queueSummary, summaryMissed } from './summaries.js';
import { createSource } from '../sources/index.js';
import type { BalanceSource, SourceDeps } from '../sources/source.js';
import { type ChannelHealth, isChannelFailing, isChannelUp, type StateStore } from '../store/store.js';
import type { FirstFetches } from './first-fetch.js';
import { Leadership } from './leadership.js';
import type { FetchResult } from '../sources/source.js';
import { type ChannelReadiness, type Readiness, startHttpServer } from './http-server.js';
import type { Metrics } from './metrics.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';
import { runSourceCycle, SourceMemory } from './source-cycle.js';
import { recordCycleGauges } from './source-gauges.js';

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

/** What one config load brings to life: clients, channels and schedules, replaced whole on reload. */
interface Runtime {
  readonly config: Config;
  readonly sources: ReadonlyMap<string, RuntimeSource>;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly jobs: ScheduledJob[];
  /** Summary schedules, apart from the source jobs: their day-long interval must not stretch readiness. */
  readonly summaryJobs: ScheduledJob[];
}

interface RuntimeSource {
  readonly config: SourceConfig;
  readonly client: BalanceSource;
  readonly memory: SourceMemory;
}

const prefetch = (fetch: Promise<FetchResult> | undefined) => (fetch === undefined ? {} : { prefetched: fetch });

/** With nothing due, the outbox is still looked at this often (another process, such as `once`, may have queued). */
const IDLE_DRAIN_CHECK_MS = 60_000;
/** The soonest a timed drain runs again, so a burst of due rows is not spun on. */
const MIN_DRAIN_WAIT_MS = 250;
const PRUNE_INTERVAL_MS = 3_600_000;
const SHUTDOWN_GRACE_MS = 5_000;
/** The board asks for news about once a cycle, within these bounds. */
const MIN_BOARD_REFRESH_MS = 1_000;
const MAX_BOARD_REFRESH_MS = 60_000;
const DEFAULT_BOARD_REFRESH_MS = 5_000;

/**
 * The daemon: each source cycles on its own schedule (a slow source delays only
 * its own rules, and never overlaps itself), the outbox drains independently,
 * and /metrics, /healthz and /readyz report on it all.
 */
export class Daemon {
  private runtime: Runtime | undefined;
  /**
   * Cycles in flight by source. `graceTick` is set for a cycle run at start or
   * reload: the first scheduled tick that meets it is its twin, not a sign of a slow API.
   */
  private readonly running = new Map<string, { readonly work: Promise<void>; graceTick: boolean }>();
  private readonly lastFinished = new Map<string, number>();
  /** Aborted when this replica stops leading (or stops): cancels its fetches and sends. */
  private controller = new AbortController();
  /** The config to act on: applied while leading, kept while following. */
  private config: Config | undefined;
  private leadership: Leadership | undefined;
  /** Work begun on election or deposition, so stop() can wait for it. */
  private transition: Promise<void> = Promise.resolve();
  private drainTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private server: Server | undefined;
  private board: BoardRoutes | undefined;
  private stopping = false;
  readonly startedAt: number;

  constructor(private readonly deps: DaemonDeps) {
    this.startedAt = deps.now();
  }

  /**
   * Starts serving: HTTP first (so health answers at once), then the bid for
   * the lease. The leader (with a SQLite store, always this process) runs a
   * first cycle of every source right away; a follower waits to take over.
   */
  async start(config: Config): Promise<{ url?: string }> {
    let url: string | undefined;
    this.config = config;
    if (config.http.listen) {
      const started = await startHttpServer(config.http.listen, {
        registry: this.deps.metrics.registry,
        readiness: () => this.readiness(),
        access: config.http,
        board: (path, query, res, acceptEncoding) => this.serveBoard(path, query, res, acceptEncoding),
      });
      this.server = started.server;
      url = started.url;
      this.deps.log.info({ url: `${url}/metrics`, board: `${url}/` }, `balance board on ${url}/; metrics and health on ${url} (/metrics, /healthz, /readyz)`);
    }
    this.deps.metrics.leader.set(0);
    this.deps.metrics.storeUp.set(1);
    const { store, log } = this.deps;
    store.onConnectivity?.((event) => {
      this.deps.metrics.storeUp.set(event.kind === 'lost' ? 0 : 1);
      if (event.kind === 'lost') log.error(`${event.error}; retrying: cycles and deliveries wait for it, nothing owed is lost`);
      else log.info({ down_ms: event.downMs }, `state store ${store.location} reachable again after ${Math.round(event.downMs / 1000)} s; carrying on from the state it holds`);
    });
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
        trouble: (error) => log.debug({ holder }, `leader lease: ${error instanceof Error ? error.message : String(error)}`),
      },
    );
    await this.leadership.start();
    if (store.lease.shared && !this.leadership.isLeader) {
      const leader = await store.lease.holder().catch(() => undefined);
      log.info({ holder, leader }, `following${leader ? ` ${leader}` : ''}: this replica takes over if the leader stops renewing its lease`);
    }
    return url === undefined ? {} : { url };
  }

  /** The board is loaded on its first request: a daemon nobody looks at never pays for it. */
  private async serveBoard(path: string, query: URLSearchParams, res: ServerResponse, acceptEncoding: string): Promise<void> {
    if (!this.board) {
      const { BoardRoutes } = await import('../board/routes.js');
      this.board = new BoardRoutes(() => this.boardContext());
    }
    await this.board.handle(path, query, res, acceptEncoding);
  }

  private async boardContext(): Promise<BoardContext> {
    const leading = this.leadership?.isLeader ?? false;
    const leader = leading ? undefined : await this.deps.store.lease.holder().catch(() => undefined);
    const interval = this.runtime ? Math.max(...this.runtime.jobs.map((job) => job.intervalMs()), 0) : 0;
    return {
      store: this.deps.store,
      config: this.config!,
      role: leading ? 'leader' : 'follower',
      ...(leader === undefined ? {} : { leader }),
      refreshMs: Math.min(MAX_BOARD_REFRESH_MS, Math.max(MIN_BOARD_REFRESH_MS, interval || DEFAULT_BOARD_REFRESH_MS)),
      now: this.deps.now(),
    };
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
    await this.forgetRemovedRules(config);
    this.apply(config);
    await this.warnOrphans(config);
    await this.exportChannelHealth();
    void this.scheduleDrain();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    void this.prune();
  }

  /** Stops acting: no more fetches or sends from here; what is owed stays in the store for the leader. */
  private async follow(): Promise<void> {
    const { metrics } = this.deps;
    this.deps.firstFetches?.cancel();
    metrics.leader.set(0);
    await this.quiesce();
    this.runtime = undefined;
    // Balances and alert levels are the leader's to report: two replicas exporting them would double every alert rule.
    for (const gauge of [metrics.balance, metrics.alertLevel, metrics.noData, metrics.runway, metrics.channelUp, metrics.outboxPending]) gauge.reset();
  }

  /** Stops schedules and timers, cancels work in flight and waits briefly for it to wind up. */
  private async quiesce(): Promise<void> {
    this.runtime?.jobs.forEach((job) => job.stop());
    this.runtime?.summaryJobs.forEach((job) => job.stop());
    clearTimeout(this.drainTimer);
    clearInterval(this.pruneTimer);
    this.controller.abort();
    const inFlight = Promise.allSettled([...[...this.running.values()].map((r) => r.work), this.draining ?? Promise.resolve()]);
    await Promise.race([inFlight, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
    if (this.runtime) closeChannels(this.runtime.channels);
  }

  /** Swaps in a new config; alert state lives in the store, keyed by rule and account, so it survives. */
  async reload(config: Config): Promise<void> {
    const current = this.config;
    if (current && (current.state !== config.state || JSON.stringify(current.http) !== JSON.stringify(config.http) || current.ha.lease !== config.ha.lease)) {
      this.deps.log.warn('state, http and ha changes take effect only after a restart; the other changes are applied now');
    }
    const effective: Config = current ? { ...config, state: current.state, http: current.http, ha: current.ha } : config;
    this.config = effective;
    if (!this.runtime) return; // a follower applies it when it takes over
    await this.forgetRemovedRules(effective);
    this.deps.metrics.alertLevel.reset();
    this.deps.metrics.noData.reset();
    this.deps.metrics.runway.reset();
    this.apply(effective);
    await this.warnOrphans(effective);
    this.deps.metrics.channelUp.reset();
    await this.exportChannelHealth();
  }

  /** Messages owed to a channel the config no longer has are kept, and said so, not dropped. */
  private async warnOrphans(config: Config): Promise<void> {
    for (const orphan of orphanedChannels(await this.deps.store.channels.all(this.deps.now()), config)) {
      this.deps.log.warn({ channel: orphan.channel, waiting: orphan.waiting }, orphanWarning(orphan));
    }
  }

  /** balance_watch_channel_up for every configured channel, from the store's record of deliveries. */
  private async exportChannelHealth(): Promise<void> {
    const runtime = this.runtime;
    if (!runtime) return;
    const known = new Map((await this.deps.store.channels.all(this.deps.now())).map((health) => [health.channel, health]));
    for (const id of runtime.channels.keys()) {
      const health = known.get(id);
      this.deps.metrics.channelUp.set({ channel: id }, health === undefined || isChannelUp(health) ? 1 : 0);
    }
  }

  /** Alerts of rules the config no longer has are closed quietly: they would never be evaluated again. */
  private async forgetRemovedRules(config: Config): Promise<void> {
    const removed = await this.deps.store.removeAlertsExcept(config.rules.map((rule) => rule.name));
    if (removed > 0) this.deps.log.info({ removed_rules: removed }, 'alerts of rules no longer in the config were closed quietly');
  }

  private apply(config: Config): void {
    const previous = this.runtime;
    previous?.jobs.forEach((job) => job.stop());
    previous?.summaryJobs.forEach((job) => job.stop());
    if (previous) closeChannels(previous.channels);
    const sources = new Map(config.sources.map((source) => [source.id, { config: source, client: createSource(source, this.deps.sourceDeps), memory: new SourceMemory() }]));
    const runtime: Runtime = {
      config,
      sources,
      channels: channelsFor(config, this.deps.channelDeps(config)),
      jobs: [],
      summaryJobs: [],
    };
    this.runtime = runtime;
    for (const id of sources.keys()) {
      runtime.jobs.push(this.deps.scheduler(config.schedule, config.timezone, () => this.cycle(id, true)));
      void this.cycle(id, false);
    }
    for (const channel of config.channels) {
      if (channel.summary === undefined) continue;
      const job: ScheduledJob = this.deps.scheduler(channel.summary, config.timezone, () => void this.sendSummary(channel.id, job, false));
      runtime.summaryJobs.push(job);
      void this.catchUpSummary(channel.id, job);
    }
  }

  /** A summary that fell due while the daemon was down is sent once now, marked late. */
  private async catchUpSummary(channel: string, job: ScheduledJob): Promise<void> {
    try {
      if (await summaryMissed(this.deps.store, channel, this.deps.now())) await this.sendSummary(channel, job, true);
      else await this.deps.store.recordSummary(channel, undefined, null, this.nextRun(job));
    } catch (error) {
      this.deps.log.error({ channel }, `scheduling the summary failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private nextRun(job: ScheduledJob): number {
    const next = job.nextRunAt();
    const now = this.deps.now();
    return next !== undefined && next > now ? next : now + job.intervalMs();
  }

  /** Queues a channel's summary: every balance, its change since the last summary, and what fired and resolved. */
  private async sendSummary(channel: string, job: ScheduledJob, late: boolean): Promise<void> {
    if (this.stopping || this.controller.signal.aborted) return;
    const { store, log } = this.deps;
    try {
      const summary = await queueSummary(store, channel, this.deps.now(), late, this.nextRun(job));
      log.info({ channel, balances: summary.balances.length, late }, `summary queued for ${channel}`);
      this.kickDrain();
    } catch (error) {
      log.error({ channel }, `building the summary failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Runs one source's cycle unless one is still running: then the tick is
   * skipped, logged and counted (a slow or hung API), except for the first tick
   * after a start or reload, which the cycle just begun stands for.
   */
  private cycle(id: string, scheduled: boolean): Promise<void> {
    if (this.stopping || this.controller.signal.aborted) return Promise.resolve();
    const inFlight = this.running.get(id);
    if (inFlight) {
      if (inFlight.graceTick && scheduled) inFlight.graceTick = false;
      else if (scheduled) {
        this.deps.metrics.cyclesSkipped.inc({ source: id });
        this.deps.log.warn({ source: id }, `skipped a scheduled cycle of ${id}: the previous one is still running (a slow or hung API?)`);
      }
      return inFlight.work;
    }
    const runtime = this.runtime;
    const source = runtime?.sources.get(id);
    if (!runtime) return Promise.resolve();
    if (!source) return Promise.resolve();
    const work = this.runCycle(runtime, source, this.controller.signal).finally(() => this.running.delete(id));
    this.running.set(id, { work, graceTick: !scheduled });
    return work;
  }

  private async runCycle(runtime: Runtime, source: RuntimeSource, signal: AbortSignal): Promise<void> {
    const { config: sourceConfig, client, memory } = source;
    const { log, metrics } = this.deps;
    const started = this.deps.now();
    const stopTimer = metrics.cycleDuration.startTimer({ source: client.id });
    try {
      const result = await runSourceCycle({ config: runtime.config, sourceConfig, source: client, store: this.deps.store, now: this.deps.now, signal, memory, ...prefetch(this.deps.firstFetches?.take(client.id)) });
      if (signal.aborted) return;
      recordCycleGauges(metrics, client.id, result);
      this.lastFinished.set(client.id, this.deps.now());
      metrics.lastCycle.set({ source: client.id }, this.deps.now() / 1000);
      const { plan, fetched } = result;
      log.info(
        {
          source: client.id,
          fetch: fetched.ok ? 'ok' : fetched.failure.reason,
          balances: plan.observations.length,
          alerts: plan.rows.length,
          firing: plan.rows.filter((row) => row.state && row.state.level !== 'ok').length,
          events: plan.events.length,
          queued: result.queued,
          duration_ms: this.deps.now() - started,
        },
        `cycle of ${client.id} done`,
      );
      if (!fetched.ok) log.warn({ source: client.id, reason: fetched.failure.reason }, `source ${client.id} could not be read: ${fetched.failure.message}`);
      for (const row of plan.rows) if (row.error && fetched.ok) log.warn({ source: client.id, rule: row.rule, account: row.account }, `${row.rule} / ${row.account}: ${row.error}`);
      for (const event of result.silenced) {
        metrics.notificationsSilenced.inc({ rule: event.rule });
        log.info({ rule: event.rule, account: event.account, kind: event.kind }, `notification silenced: ${event.rule} / ${event.account}`);
      }
      if (result.queued > 0) this.kickDrain();
    } catch (error) {
      log.error({ source: client.id }, `cycle of ${client.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      stopTimer();
    }
  }

  /** Drains the outbox now, or right after the drain in progress. */
  private kickDrain(): void {
    if (this.controller.signal.aborted) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.drainAgain) {
        this.drainAgain = false;
        this.kickDrain();
      } else void this.scheduleDrain();
    });
  }

  /** Sleeps until the next message is due (or a minute at most), instead of polling: an idle daemon stays idle. */
  private async scheduleDrain(): Promise<void> {
    clearTimeout(this.drainTimer);
    if (this.stopping || this.controller.signal.aborted) return;
    let due: number | undefined;
    try {
      due = await this.deps.store.nextDueAt();
    } catch {
      due = undefined;
    }
    if (this.stopping || this.controller.signal.aborted) return;
    clearTimeout(this.drainTimer);
    const wait = due === undefined ? IDLE_DRAIN_CHECK_MS : Math.min(IDLE_DRAIN_CHECK_MS, Math.max(MIN_DRAIN_WAIT_MS, due - this.deps.now()));
    this.drainTimer = setTimeout(() => this.kickDrain(), wait);
  }

  private async drain(): Promise<void> {
    const { metrics, store, log } = this.deps;
    const runtime = this.runtime;
    if (!runtime) return;
    const signal = this.controller.signal;
    const count = (outcome: string) => (_row: unknown, channel: string, reason?: string) => metrics.notifications.inc({ channel, outcome, reason: reason ?? 'none' });
    try {
      const due = await store.nextDueAt();
      if (due === undefined || due > this.deps.now()) {
        metrics.outboxPending.set(due === undefined ? 0 : await store.pendingCount());
        return;
      }
      await drainOutbox(
        {
          store,
          channels: runtime.channels,
          recipientsOf: (message, failed) => noticeRecipients(runtime.config, message, failed),
          now: this.deps.now,
          random: this.deps.random,
          options: { ...(this.deps.delivery ?? DEFAULT_DELIVERY), giveUpAfterMs: runtime.config.delivery.give_up_after },
          listener: loggingListener(log, {
            delivered: count('delivered'),
            retrying: count('retrying'),
            gaveUp: count('failed'),
            overdue: (row) => metrics.notificationsOverdue.inc({ channel: row.channel }),
          }),
        },
        signal,
      );
      metrics.outboxPending.set(await store.pendingCount());
      await this.exportChannelHealth();
    } catch (error) {
      log.error(`delivering notifications failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async prune(): Promise<void> {
    try {
      const now = this.deps.now();
      const retention = this.runtime?.config.history_retention;
      if (retention === undefined) return;
      const removed = await this.deps.store.prune(now - retention, now);
      if (removed.observations + removed.messages > 0) this.deps.log.debug(removed, 'pruned old history');
    } catch (error) {
      this.deps.log.error(`pruning the state store failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A follower is ready: it serves and stands by. The leader is ready once every
   * source finished a cycle within two schedule intervals, and no channel has
   * given a message up without delivering anything since.
   */
  async readiness(): Promise<Readiness> {
    const runtime = this.runtime;
    if (this.leadership && !this.leadership.isLeader && !this.stopping) {
      const leader = await this.deps.store.lease.holder().catch(() => undefined);
      return { ready: true, role: 'follower', ...(leader === undefined ? {} : { leader }), sources: {}, channels: {} };
    }
    if (!runtime) return { ready: false, role: 'leader', sources: {}, channels: {}, reason: this.stopping ? 'stopping' : 'not started' };
    const now = this.deps.now();
    const allowance = 2 * Math.max(...runtime.jobs.map((job) => job.intervalMs()), 1_000);
    const sources: Record<string, { lastCycleAt: string | null; deadline: string | null; ok: boolean }> = {};
    for (const id of runtime.sources.keys()) {
      const last = this.lastFinished.get(id);
      const ok = last !== undefined && now - last <= allowance;
      sources[id] = { lastCycleAt: last === undefined ? null : new Date(last).toISOString(), deadline: last === undefined ? null : new Date(last + allowance).toISOString(), ok };
    }
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const channels: Record<string, ChannelReadiness> = {};
    let health: ChannelHealth[] = [];
    try {
      health = await this.deps.store.channels.all(now);
    } catch {
      // A store that cannot be read now is the sources' cycles' problem to report.
    }
    const known = new Map(health.map((h) => [h.channel, h]));
    for (const id of runtime.channels.keys()) {
      const h = known.get(id);
      channels[id] = h
        ? { ok: !isChannelFailing(h), up: isChannelUp(h), lastSuccessAt: iso(h.lastSuccessAt), lastFailureAt: iso(h.lastFailureAt), lastFailure: h.lastFailure, waiting: h.waiting }
        : { ok: true, up: true, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, waiting: 0 };
    }
    const late = Object.entries(sources).filter(([, s]) => !s.ok).map(([id]) => id);
    const failing = Object.entries(channels).filter(([, c]) => !c.ok);
    const problems = [
      ...(late.length > 0 ? [`no recent cycle of: ${late.join(', ')}`] : []),
      ...failing.map(([id, c]) => `channel ${id} is failing: ${c.lastFailure ?? 'it gave a notification up'}`),
    ];
    return problems.length === 0 ? { ready: true, role: 'leader', sources, channels } : { ready: false, role: 'leader', sources, channels, reason: problems.join('; ') };
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
