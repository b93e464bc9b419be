import type { Config } from '../config/types.js';
import { createSource } from '../sources/index.js';
import type { FetchResult, SourceDeps } from '../sources/source.js';

/**
 * Each source's first fetch, begun as soon as the config is read: the request
 * is on the wire while the rest of the daemon (store, metrics, schedules,
 * channels) loads, and the first cycle takes its answer instead of asking again.
 */
export interface FirstFetches {
  /** The fetch begun for `source`, once; later cycles fetch for themselves. */
  take(source: string): Promise<FetchResult> | undefined;
  /** Abandons those not taken (the daemon stopped, or this replica follows). */
  cancel(): void;
}

export function startFirstFetches(config: Config, deps: SourceDeps): FirstFetches {
  const controller = new AbortController();
  const pending = new Map<string, Promise<FetchResult>>();
  for (const source of config.sources) pending.set(source.id, createSource(source, deps).fetchBalances(controller.signal));
  return {
    take(source) {
      const fetch = pending.get(source);
      pending.delete(source);
      return fetch;
    },
    cancel() {
      pending.clear();
      controller.abort();
    },
  };
}
