import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection
 * kept, in percent. V8's default on a machine with more than 2 GB is up to
 * 300 %: a daemon that keeps 25 MB and makes a few MB of garbage a cycle then
 * sits near 100 MB before it collects. 30 % costs a full collection every few
 * cycles (a few ms of CPU each, within what `npm run bench` reports) and keeps
 * the heap near what the daemon holds. It sets no ceiling: a larger account
 * list still fits.
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * The same for `backtest`, which makes garbage far faster than it keeps
 * anything (each observation is held a few hours of history, then dropped):
 * at V8's default it peaked near 380 MB for 8.6 million observations while
 * holding 50; at 100 % it stays near 210 MB for no more time (30 % costs half
 * as much time again in collections).
 */
export const REPLAY_HEAP_GROWING_PERCENT = 100;

/** The V8 flag to set, unless the operator put their own on the node command line. */
export function heapFlag(execArgv: readonly string[], percent = HEAP_GROWING_PERCENT): string | undefined {
  const own = execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg));
  return own ? undefined : `--heap-growing-percent=${percent}`;
}

/**
 * Applied by `run` (and `backtest`, with its own percentage) at start. V8 reads this setting at each full
 * collection, so setting it from inside the process takes effect; the young
 * generation's size is fixed when the process starts, so the bin's first line
 * sets that one (`--max-semi-space-size`).
 */
export function tuneHeap(percent = HEAP_GROWING_PERCENT, execArgv: readonly string[] = process.execArgv): void {
  const flag = heapFlag(execArgv, percent);
  if (flag) setFlagsFromString(flag);
}
