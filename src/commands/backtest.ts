import path from 'node:path';
import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { configPath } from '../config/file.js';
import { parseDuration } from '../config/duration.js';
import type { Config } from '../config/types.js';
import { REPLAY_HEAP_GROWING_PERCENT, tuneHeap } from '../daemon/heap.js';
import { scheduleIntervalMs } from '../daemon/scheduler.js';
import type { RenderOptions } from '../notify/message.js';
import { backtestJson, comparedRules, renderBacktest, renderComparison, ruleDifference } from '../report/backtest.js';
import { Replay, type ReplayResult } from '../rules/replay.js';
import { isPostgresUrl, mayHoldState } from '../store/location.js';
import { openStore } from '../store/open.js';
import { readingHoldsMs, StoreError } from '../store/store.js';
import { loadConfigOrExit } from './load-config.js';

export interface BacktestOptions {
  readonly config?: string;
  readonly since?: string;
  readonly until?: string;
  readonly rule?: string;
  readonly against?: string;
  readonly state?: string;
  readonly json?: boolean;
}

/** The history of [since, until) in `state`, through `config`'s rules (and `before`'s, in the same pass). */
export async function replayHistory(args: {
  readonly config: Config;
  readonly before?: Config;
  readonly since: number;
  readonly until: number;
  readonly state: string;
  readonly rule?: string;
}): Promise<{ readonly result: ReplayResult; readonly previous?: ReplayResult }> {
  // Here rather than in each command: `backtest` and `check --backtest` replay alike.
  tuneHeap(REPLAY_HEAP_GROWING_PERCENT);
  const rules = args.rule === undefined ? undefined : new Set([args.rule]);
  const replayOf = (c: Config) => {
    const intervalMs = scheduleIntervalMs(c.schedule, c.timezone);
    return new Replay(c, { intervalMs, holdsMs: readingHoldsMs(intervalMs), ...(rules ? { rules } : {}) });
  };
  const replays = [replayOf(args.config), ...(args.before ? [replayOf(args.before)] : [])];
  let store;
  try {
    store = await openStore(args.state, { readonly: true });
  } catch (error) {
    if (error instanceof StoreError) throw new ExitError(1, error.message);
    throw error;
  }
  try {
    for await (const batch of store.streamObservations(args.since, args.until)) for (const observation of batch) for (const replay of replays) replay.observe(observation);
  } finally {
    await store.close();
  }
  const [result, previous] = replays.map((r) => r.finish(args.until)) as [ReplayResult, ReplayResult | undefined];
  return { result, ...(previous ? { previous } : {}) };
}

/** `--until`: an ISO time, or a duration before now ("1d"). */
function parseUntil(text: string | undefined, now: number): number {
  if (text === undefined) return now;
  const ago = parseDuration(text);
  if (ago.ok) return now - ago.value;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new ExitError(2, `--until ${text}: not a time (2026-11-30T18:00:00Z) or a duration before now (1d)`);
  return at;
}

/**
 * `balance-watch backtest`: the stored history through the rules of a config
 * (and, with --against, of another), as the daemon would have judged it.
 * Reads the store only, while a daemon may be writing it; sends nothing.
 */
export async function backtest(options: BacktestOptions, io: CommandIo): Promise<void> {
  const file = configPath(options.config, io.env);
  const config = await loadConfigOrExit(options.config, io, 1);
  const before = options.against === undefined ? undefined : await loadConfigOrExit(options.against, io, 1);
  const now = Date.now();
  const sinceMs = parseDuration(options.since ?? '30d');
  if (!sinceMs.ok) throw new ExitError(2, `--since ${options.since}: ${sinceMs.error}`);
  const until = parseUntil(options.until, now);
  const since = until - sinceMs.value;
  if (options.rule !== undefined && !config.rules.some((r) => r.name === options.rule) && !before?.rules.some((r) => r.name === options.rule)) {
    throw new ExitError(1, `no rule is named "${options.rule}" (rules: ${config.rules.map((r) => r.name).join(', ')})`);
  }
  const state = options.state === undefined ? config.state : isPostgresUrl(options.state) ? options.state : path.resolve(options.state);
  if (!mayHoldState(state)) throw new ExitError(1, `no state at ${state}: nothing has been recorded yet to replay`);
  const { result, previous } = await replayHistory({ config, ...(before ? { before } : {}), since, until, state, ...(options.rule === undefined ? {} : { rule: options.rule }) });
  const render: RenderOptions = config.timezone === undefined ? {} : { timezone: config.timezone };
  if (options.json) {
    const json = previous
      ? { after: backtestJson(result), before: backtestJson(previous), differences: comparedRules(result, previous).map(({ rule, now: a, before: b }) => ({ rule, change: ruleDifference(a, b) })) }
      : backtestJson(result);
    io.out(JSON.stringify(json, null, 2));
    return;
  }
  io.out(previous ? renderComparison(result, previous, { now: file, before: options.against! }, render) : renderBacktest(result, file, render));
}
