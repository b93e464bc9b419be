import type { Config, SourceConfig } from '../config/types.js';
import { digestsFor } from '../notify/routing.js';
import { type AlertEvent, type AlertState, withAcknowledgement } from '../rules/alert.js';
import { applySilences } from '../rules/silence.js';
import { type CycleResult, type HistoryLookup, planCycle } from '../rules/cycle.js';
import type { BalanceSource, FetchResult } from '../sources/source.js';
import type { AlertRequest, CycleWrite, HistoryStore, Observed, StateStore } from '../store/store.js';
import { heartbeatDue, observationDue, stateDue } from './write-policy.js';
import type { Money } from '../money/money.js';
import { alertKey, splitAlertKey } from '../rules/alert-key.js';

/**
 * What a daemon remembers of one source between cycles, while it is the one
 * writing: the last cycle's alert states (so they are not read back and decoded
 * every cycle) and balances, so that only what changed, or everything at a
 * heartbeat, is written (see write-policy.ts). A new one starts with every
 * config load and every election.
 */
export class SourceMemory {
  /** Updated in place: a new 10,000-entry map every second would be garbage the GC keeps for long. */
  states: Map<string, AlertState> | undefined;
  /** The last cycle's balances by account; an unchanged one keeps the Money it was first read as. */
  readonly balances = new Map<string, Money>();
  /** When this source's states and balances were last written whole. */
  wholeWrittenAt: number | undefined;
}

export interface SourceCycleResult extends CommittedPlan {
  readonly fetched: FetchResult;
  readonly plan: CycleResult;
  readonly fetchMs: number;
}

export interface DueWrites {
  readonly alerts: CycleWrite['alerts'];
  readonly observations: CycleWrite['observations'];
  /** Whether this is everything: the first write under a memory, or a heartbeat. */
  readonly whole: boolean;
}

/** What of a plan must be written: everything without a memory (once); with one, what the write policy says is due. */
export function dueWrites(plan: CycleResult, previous: ReadonlyMap<string, AlertState>, memory: SourceMemory | undefined, now: number): DueWrites {
  const whole = !memory || heartbeatDue(memory.wholeWrittenAt, now);
  const alerts: CycleWrite['alerts'][number][] = [];
  // By the plan's own keys: a key built per alert per cycle would be 10,000 new strings a second.
  plan.states.forEach((state, key) => {
    if (whole || stateDue(state, previous.get(key))) alerts.push({ ...splitAlertKey(key), state });
  });
  const observations = whole ? plan.observations : plan.observations.filter((o) => observationDue(o.value, memory?.balances.get(o.account)));
  return { alerts, observations, whole };
}

/** Once committed: the plan's states replace their entries in `previous` (the memory's own map, or the one just read), and what was written is noted. */
export function rememberWrites(memory: SourceMemory, previous: Map<string, AlertState>, plan: CycleResult, due: DueWrites, now: number): void {
  plan.states.forEach((state, key) => previous.set(key, state));
  memory.states = previous;
  for (const o of due.observations) if (observationDue(o.value, memory.balances.get(o.account))) memory.balances.set(o.account, o.value);
  if (due.whole) memory.wholeWrittenAt = now;
}

/** Takes people's requests into a source's states, in place (the memory's own map). */
export function applyRequests(states: Map<string, AlertState>, requests: readonly AlertRequest[]): void {
  for (const request of requests) {
    const key = alertKey(request.rule, request.account);
    if (request.kind === 'forget') {
      states.delete(key);
      continue;
    }
    const state = states.get(key);
    if (state) states.set(key, withAcknowledgement(state, request.kind === 'ack' ? request.ack : null));
  }
}

/** Passes are bounded: each one can only add accounts to read, and a rule's accounts are known after the first. */
const MAX_PLANNING_PASSES = 4;

/**
 * Plans the cycle, reading the history it asks for. The planner is pure and
 * synchronous, so it runs once with what is already read, says what else it
 * wanted (runway rules, and the trend of an account with an event), and runs
 * again once that is read: only those accounts' history is ever read.
 */
export async function planWithHistory(store: HistoryStore | undefined, plan: (lookup: HistoryLookup) => CycleResult, source: string): Promise<CycleResult> {
  if (!store) return plan(() => []);
  const read = new Map<string, { since: number; points: readonly Observed[] }>();
  for (let pass = 1; ; pass += 1) {
    const wanted = new Map<string, number>();
    const lookup: HistoryLookup = (account, since) => {
      const known = read.get(account);
      if (known && known.since <= since) return known.points.filter((p) => p.at >= since);
      wanted.set(account, Math.min(since, wanted.get(account) ?? since));
      return [];
    };
    const result = plan(lookup);
    if (wanted.size === 0 || pass === MAX_PLANNING_PASSES) return result;
    // A loop, not Math.min(...): spreading some 130,000 values into one call overflows the stack.
    let since = Number.POSITIVE_INFINITY;
    for (const wantedSince of wanted.values()) since = Math.min(since, wantedSince);
    const histories = await store.histories(source, [...wanted.keys()], since);
    for (const account of wanted.keys()) {
      read.set(account, { since, points: histories.get(account) ?? [] });
    }
  }
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
  /** The daemon's memory of this source; without one (once), everything is read and written. */
  readonly memory?: SourceMemory;
  /** A fetch already begun for this cycle (the first one, begun while the daemon loaded). */
  readonly prefetched?: Promise<FetchResult>;
}): Promise<SourceCycleResult> {
  const { config, sourceConfig, source, store, memory } = args;
  const previous: Map<string, AlertState> = memory?.states ?? (store ? await store.loadStates(source.id) : new Map());
  // What people asked since (forget, acknowledge) enters the memory before planning: a forgotten account no longer lists is not covered any more.
  const requests = store ? await store.pendingRequests(source.id) : [];
  applyRequests(previous, requests);
  const started = args.now();
  const fetched = await (args.prefetched ?? source.fetchBalances(args.signal));
  const now = args.now();
  const plan = await planWithHistory(store, (lookup) => planCycle(config, sourceConfig, fetched, previous, now, lookup), source.id);
  const committed = await commitPlan({ config, source: source.id, store, plan, previous, memory, requests, now, signal: args.signal });
  return { fetched, plan, fetchMs: now - started, ...committed };
}

export interface CommittedPlan {
  /** How many messages this cycle queued. */
  readonly queued: number;
  /** What the cycle wrote (absent when nothing was written). */
  readonly written?: DueWrites;
  /** Events a silence kept from being notified. */
  readonly silenced: readonly AlertEvent[];
  /** Events queued for their channels. */
  readonly notified: readonly AlertEvent[];
}

/**
 * The second half of a cycle, whatever it checked (a source's accounts, or a
 * total): silences, the digests owed to each channel, and one transaction with
 * the new states, the observations and the messages.
 */
export async function commitPlan(args: {
  readonly config: Config;
  readonly source: string;
  readonly store: StateStore | undefined;
  readonly plan: CycleResult;
  /** The states the plan started from (the memory's own map, updated in place once written). */
  readonly previous: Map<string, AlertState>;
  readonly memory: SourceMemory | undefined;
  readonly requests: readonly AlertRequest[];
  readonly now: number;
  readonly signal: AbortSignal;
}): Promise<CommittedPlan> {
  const { config, store, plan, previous, memory, requests, now } = args;
  // Silences are read every cycle, so one added while the daemon runs applies at its next cycle.
  const decision = applySilences(plan.events, store ? await store.silences(now) : [], now);
  const outbox = digestsFor(config, args.source, decision.send);
  let written: DueWrites | undefined;
  if (store && !args.signal.aborted) {
    const due = dueWrites(plan, previous, memory, now);
    try {
      await store.commitCycle({
        source: args.source,
        now,
        alerts: due.alerts,
        observations: due.observations,
        outbox,
        events: plan.events,
        endedSilences: decision.ended,
        ...(requests.length > 0 ? { applied: requests } : {}),
      });
    } catch (error) {
      // What the store holds is unknown now: the next cycle reads it back.
      if (memory) memory.states = undefined;
      throw error;
    }
    if (memory) rememberWrites(memory, previous, plan, due, now);
    written = due;
  }
  return { queued: store ? outbox.length : 0, silenced: decision.muted, notified: decision.send, ...(written ? { written } : {}) };
}
