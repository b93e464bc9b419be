import type { Config } from '../config/types.js';
import { digestsFor } from '../notify/message.js';
import type { AlertEvent, AlertState } from '../rules/alert.js';
import { applySilences } from '../rules/silence.js';
import { type CycleResult, type HistoryLookup, planCycle } from '../rules/cycle.js';
import type { Point } from '../rules/trend.js';
import { decimalToNumber } from '../money/decimal.js';
import type { SourceConfig } from '../sources/index.js';
import type { BalanceSource, FetchResult } from '../sources/source.js';
import type { StateStore } from '../store/store.js';

export interface SourceCycleResult {
  readonly fetched: FetchResult;
  readonly plan: CycleResult;
  readonly fetchMs: number;
  /** How many messages this cycle queued. */
  readonly queued: number;
  /** Events a silence kept from being notified. */
  readonly silenced: readonly AlertEvent[];
}

/** The stored balances of one source's accounts, read once per account and cycle (runway rules and messages need them). */
function historyLookup(store: StateStore, source: string): HistoryLookup {
  const cache = new Map<string, { since: number; points: readonly Point[] }>();
  return (account, since) => {
    const cached = cache.get(account);
    if (cached && cached.since <= since) return cached.points.filter((p) => p.at >= since);
    const points = store.history(source, account, since).map((o) => ({ at: o.at, value: decimalToNumber(o.value.amount) }));
    cache.set(account, { since, points });
    return points;
  };
}

/**
 * One source's cycle: fetch, evaluate against the stored state, then write the
 * new state, the observations and the messages owed in one transaction. Sending
 * is the outbox's job, not this one's.
 */
export async function runSourceCycle(args: {
  readonly config: Config;
  readonly sourceConfig: SourceConfig;
  readonly source: BalanceSource;
  readonly store: StateStore | undefined;
  readonly now: () => number;
  readonly signal: AbortSignal;
}): Promise<SourceCycleResult> {
  const { config, sourceConfig, source, store } = args;
  const previous: ReadonlyMap<string, AlertState> = store ? store.loadStates(source.id) : new Map();
  const started = args.now();
  const fetched = await source.fetchBalances(args.signal);
  const now = args.now();
  const plan = planCycle(config, sourceConfig, fetched, previous, now, store ? historyLookup(store, source.id) : undefined);
  // Silences are read every cycle, so one added while the daemon runs applies at its next cycle.
  const decision = applySilences(plan.events, store ? store.silences(now) : [], now);
  const outbox = digestsFor(config, source.id, decision.send);
  if (store && !args.signal.aborted) {
    store.commitCycle({
      source: source.id,
      now,
      alerts: plan.rows.flatMap((row) => (row.state ? [{ rule: row.rule, account: row.account, state: row.state }] : [])),
      observations: plan.observations,
      outbox,
      events: plan.events,
      endedSilences: decision.ended,
    });
  }
  return { fetched, plan, fetchMs: now - started, queued: store ? outbox.length : 0, silenced: decision.muted };
}
