import type { Logger } from 'pino';
import { errorMessage, errorStack } from '../error-message.js';
import { type FetchResult, type SourceHealth, sourceLateAfterMs } from '../sources/source.js';
import type { StateStore } from '../store/store.js';
import type { FirstFetches } from './first-fetch.js';
import type { Metrics } from './metrics.js';
import type { Runtime, RuntimeSource } from './runtime.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';
import { runSourceCycle } from './source-cycle.js';
import { reportCommitted } from './cycle-report.js';
import { recordCycleGauges } from './source-gauges.js';
import { TotalsCycle } from './totals-cycle.js';

export interface CycleRunnerDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly store: StateStore;
  readonly scheduler: Scheduler;
  readonly now: () => number;
  /** Each source's first fetch, begun before the daemon loaded. */
  readonly firstFetches?: FirstFetches;
  /** A cycle queued messages: the outbox should be drained. */
  readonly queued: () => void;
}

interface InFlight {
  readonly work: Promise<void>;
  /** Set for a cycle run at start or reload: the first scheduled tick that meets it is its twin, not a sign of a slow API. */
  graceTick: boolean;
}

const prefetch = (fetch: Promise<FetchResult> | undefined) => (fetch === undefined ? {} : { prefetched: fetch });

/**
 * Each source cycles on its own schedule: a slow source delays only its own
 * rules, and a source never overlaps itself (a tick that finds its previous
 * cycle still running is skipped, logged and counted).
 */
export class CycleRunner {
  private readonly running = new Map<string, InFlight>();
  private readonly lastFinished = new Map<string, number>();
  private readonly health = new Map<string, SourceHealth>();
  private jobs: ScheduledJob[] = [];
  private readonly totals: TotalsCycle;

  constructor(private readonly deps: CycleRunnerDeps) {
    this.totals = new TotalsCycle(deps);
  }

  /** Schedules every source of `runtime` (replacing any earlier schedule) and runs a first cycle of each now. */
  start(runtime: Runtime, signal: AbortSignal): void {
    this.stop();
    const { config } = runtime;
    for (const id of runtime.sources.keys()) {
      this.jobs.push(this.deps.scheduler(config.schedule, config.timezone, () => void this.cycle(runtime, id, signal, { scheduled: true })));
      void this.cycle(runtime, id, signal, { scheduled: false });
    }
  }

  /** Stops the schedules; cycles in flight wind up through their abort signal (see inFlight). */
  stop(): void {
    for (const job of this.jobs) job.stop();
    this.jobs = [];
  }

  inFlight(): Promise<void>[] {
    return [...this.running.values()].map((cycle) => cycle.work);
  }

  lastFinishedAt(source: string): number | undefined {
    return this.lastFinished.get(source);
  }

  /** Each source's last good answer, and its failure while it fails: for the board. */
  sourceHealth(): ReadonlyMap<string, SourceHealth> {
    return this.health;
  }

  /** The longest gap between scheduled cycles, in ms (0 while nothing is scheduled). */
  intervalMs(): number {
    let longest = 0;
    for (const job of this.jobs) longest = Math.max(longest, job.intervalMs());
    return longest;
  }

  private cycle(runtime: Runtime, id: string, signal: AbortSignal, { scheduled }: { readonly scheduled: boolean }): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const inFlight = this.running.get(id);
    if (inFlight) {
      if (inFlight.graceTick && scheduled) inFlight.graceTick = false;
      else if (scheduled) {
        this.deps.metrics.cyclesSkipped.inc({ source: id });
        this.deps.log.warn({ source: id }, `skipped a scheduled cycle of ${id}: the previous one is still running (a slow or hung API?)`);
      }
      return inFlight.work;
    }
    const source = runtime.sources.get(id);
    if (!source) return Promise.resolve();
    const work = this.run(runtime, source, signal).finally(() => this.running.delete(id));
    this.running.set(id, { work, graceTick: !scheduled });
    return work;
  }

  private async run(runtime: Runtime, source: RuntimeSource, signal: AbortSignal): Promise<void> {
    const { config: sourceConfig, client, memory } = source;
    const { log, metrics, now } = this.deps;
    const started = now();
    const stopTimer = metrics.cycleDuration.startTimer({ source: client.id });
    try {
      const result = await runSourceCycle({ config: runtime.config, sourceConfig, source: client, store: this.deps.store, now, signal, memory, ...prefetch(this.deps.firstFetches?.take(client.id)) });
      if (signal.aborted) return;
      recordCycleGauges(metrics, client.id, result);
      this.lastFinished.set(client.id, now());
      const before = this.health.get(client.id);
      this.health.set(
        client.id,
        result.fetched.ok
          ? { lastOkAt: started, failure: null }
          : { lastOkAt: before?.lastOkAt ?? null, failure: { message: result.fetched.failure.message, since: before?.failure?.since ?? started } },
      );
      metrics.lastCycle.set({ source: client.id }, now() / 1000);
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
          duration_ms: now() - started,
        },
        `cycle of ${client.id} done`,
      );
      if (!fetched.ok) log.warn({ source: client.id, reason: fetched.failure.reason }, `source ${client.id} could not be read: ${fetched.failure.message}`);
      for (const row of plan.rows) if (row.error && fetched.ok) log.warn({ source: client.id, rule: row.rule, account: row.account }, `${row.rule} / ${row.account}: ${row.error}`);
      // Which alerts moved, by name: the cycle's line only counts them.
      reportCommitted(this.deps, client.id, result);
      // A total is of balances read now: an answer older than two intervals is not one (worked out only for a source some total reads).
      await this.totals.after(runtime.config, client.id, result.fetched, now(), () => sourceLateAfterMs(this.intervalMs()), signal);
    } catch (error) {
      // Unexpected (a bug, or a store that failed mid-write): the stack is what finds it.
      log.error({ source: client.id, stack: errorStack(error) }, `cycle of ${client.id} failed: ${errorMessage(error)}`);
    } finally {
      stopTimer();
    }
  }
}
