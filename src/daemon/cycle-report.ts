import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import type { CommittedPlan } from './source-cycle.js';

/** A cycle in which thousands of accounts move at once (a source back after an outage) names the first of them. */
const NAMED_EVENTS_PER_CYCLE = 20;

/**
 * What a committed check says in the log, whatever it checked (a source, a
 * total): which alerts moved, by name, and what a silence kept back (counted).
 * Tells `queued` when messages were queued, so the outbox is drained.
 */
export function reportCommitted(deps: { readonly log: Logger; readonly metrics: Metrics; readonly queued: () => void }, source: string, committed: CommittedPlan): void {
  const { log, metrics } = deps;
  for (const event of committed.notified.slice(0, NAMED_EVENTS_PER_CYCLE)) {
    log.info({ source, rule: event.rule, account: event.account, kind: event.kind, alert_level: event.level }, `${event.kind}: ${event.rule} / ${event.account} (${event.level})`);
  }
  if (committed.notified.length > NAMED_EVENTS_PER_CYCLE) log.info({ source }, `…and ${committed.notified.length - NAMED_EVENTS_PER_CYCLE} more events in this cycle of ${source}`);
  for (const event of committed.silenced) {
    metrics.notificationsSilenced.inc({ rule: event.rule });
    log.info({ rule: event.rule, account: event.account, kind: event.kind }, `notification silenced: ${event.rule} / ${event.account}`);
  }
  if (committed.queued > 0) deps.queued();
}
