import type { Logger } from 'pino';
import { errorMessage } from '../error-message.js';
import type { HistoryStore } from '../store/store.js';

const PRUNE_INTERVAL_MS = 3_600_000;

/** Deletes history older than `history_retention`: now, then hourly, while leading. */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { readonly store: HistoryStore; readonly log: Logger; readonly now: () => number }) {}

  /** `retention`: read at each run, so a reload's new value applies at the next. */
  start(retention: () => number | undefined): void {
    this.stop();
    this.timer = setInterval(() => void this.prune(retention()), PRUNE_INTERVAL_MS);
    void this.prune(retention());
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async prune(retention: number | undefined): Promise<void> {
    if (retention === undefined) return;
    try {
      const now = this.deps.now();
      const removed = await this.deps.store.prune(now - retention, now);
      if (removed.observations + removed.messages > 0) this.deps.log.debug(removed, 'pruned old history');
    } catch (error) {
      this.deps.log.error(`pruning the state store failed: ${errorMessage(error)}`);
    }
  }
}
