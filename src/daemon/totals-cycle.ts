import type { Logger } from 'pino';
import type { Config, Rule } from '../config/types.js';
import { errorMessage, errorStack } from '../error-message.js';
import type { AlertState } from '../rules/alert.js';
import type { SourceAnswer } from '../rules/total.js';
import { planTotal } from '../rules/total-cycle.js';
import type { FetchResult } from '../sources/source.js';
import type { StateStore } from '../store/store.js';
import type { Metrics } from './metrics.js';
import type { CycleResult } from '../rules/cycle.js';
import { applyRequests, type CommittedPlan, commitPlan, planWithHistory, SourceMemory } from './source-cycle.js';
import { reportCommitted } from './cycle-report.js';
import { recordPlanGauges } from './source-gauges.js';

export interface TotalsCycleDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly store: StateStore;
  readonly now: () => number;
  /** A check queued messages: the outbox should be drained. */
  readonly queued: () => void;
}

/** What a total reads of a source's fetch: each balance by account, or the failure. */
export function answerOf(fetched: FetchResult, at: number): SourceAnswer {
  if (!fetched.ok) return { ok: false, at, failure: fetched.failure.message };
  const balances = new Map<string, (typeof fetched.readings)[number]['balance']>();
  for (const reading of fetched.readings) if (!balances.has(reading.account)) balances.set(reading.account, reading.balance);
  return { ok: true, at, balances };
}

/**
 * The totals, checked after each cycle of any of their sources, from the last
 * answer of every source (kept here, in memory: a total is of balances read
 * now, never of stored ones). Checks run one at a time, in the order the
 * cycles finished, so two sources finishing together never race on a total's
 * state. Each total keeps its state and history under its own source id.
 */
export class TotalsCycle {
  private readonly answers = new Map<string, SourceAnswer>();
  private readonly memories = new Map<string, SourceMemory>();
  private config: Config | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: TotalsCycleDeps) {}

  /**
   * Records what `source` answered at `at`, then checks each total it is a
   * member of. `maxAgeMs`: an answer older than this is no longer a balance
   * known now. Resolves once those checks are done; never rejects.
   */
  after(config: Config, source: string, fetched: FetchResult, at: number, maxAgeMs: () => number, signal: AbortSignal): Promise<void> {
    if (config !== this.config) {
      // A new config (a reload, an election): its sources may read differently, and the store may have moved on.
      this.config = config;
      this.answers.clear();
      this.memories.clear();
    }
    const totals = config.rules.filter((rule) => rule.total?.members.some((member) => member.source === source));
    if (totals.length === 0) return this.queue;
    this.answers.set(source, answerOf(fetched, at));
    const answers = new Map(this.answers);
    const maxAge = maxAgeMs();
    this.queue = this.queue.then(async () => {
      for (const rule of totals) if (!signal.aborted && this.config === config) await this.check(config, rule, answers, maxAge, signal);
    });
    return this.queue;
  }

  private async check(config: Config, rule: Rule, answers: ReadonlyMap<string, SourceAnswer>, maxAgeMs: number, signal: AbortSignal): Promise<void> {
    const { store, log, metrics } = this.deps;
    try {
      let memory = this.memories.get(rule.source);
      if (!memory) this.memories.set(rule.source, (memory = new SourceMemory()));
      const checked = await checkTotal({ config, rule, answers, store, memory, now: this.deps.now(), maxAgeMs, signal });
      if (!checked || signal.aborted) return;
      const { plan, committed } = checked;
      recordPlanGauges(metrics, rule.source, plan, committed.written);
      const row = plan.rows[0];
      if (row?.error) log.info({ rule: rule.name, account: row.account }, `${rule.name}: ${row.error}`);
      reportCommitted(this.deps, rule.source, committed);
    } catch (error) {
      log.error({ rule: rule.name, stack: errorStack(error) }, `check of the total ${rule.name} failed: ${errorMessage(error)}`);
    }
  }
}

/**
 * One check of a total, written like a source's cycle (the people's requests
 * taken in, silences, digests, one transaction) under the total's own source
 * id. Undefined when there was nothing to check or write.
 */
export async function checkTotal(args: {
  readonly config: Config;
  readonly rule: Rule;
  readonly answers: ReadonlyMap<string, SourceAnswer>;
  readonly store: StateStore | undefined;
  /** The daemon's memory of this total; without one (once), its state is read and everything written. */
  readonly memory?: SourceMemory;
  readonly now: number;
  readonly maxAgeMs: number;
  readonly signal: AbortSignal;
}): Promise<{ readonly plan: CycleResult; readonly committed: CommittedPlan } | undefined> {
  const { config, rule, store, memory, now } = args;
  const source = rule.source;
  const previous: Map<string, AlertState> = memory?.states ?? (store ? await store.loadStates(source) : new Map());
  const requests = store ? await store.pendingRequests(source) : [];
  applyRequests(previous, requests);
  const plan = await planWithHistory(store, (lookup) => planTotal(rule, args.answers, previous, now, args.maxAgeMs, lookup) ?? EMPTY_PLAN, source);
  if (plan === EMPTY_PLAN && requests.length === 0) return undefined;
  const committed = await commitPlan({ config, source, store, plan, previous, memory, requests, now, signal: args.signal });
  return { plan, committed };
}

/** No check (a member's source has not answered yet): nothing to write but the requests taken in. */
const EMPTY_PLAN: CycleResult = { rows: [], events: [], states: new Map<string, AlertState>(), observations: [] };
