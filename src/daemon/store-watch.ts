import type { Logger } from 'pino';
import type { StateStore } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** Says when a networked store stops answering and when it is back: in the log, and as balance_watch_store_up. */
export function watchStoreConnectivity(store: StateStore, metrics: Metrics, log: Logger): void {
  metrics.storeUp.set(1);
  store.onConnectivity?.((event) => {
    metrics.storeUp.set(event.kind === 'lost' ? 0 : 1);
    if (event.kind === 'lost') log.error(`${event.error}; retrying: cycles and deliveries wait for it, nothing owed is lost`);
    else log.info({ down_ms: event.downMs }, `state store ${store.location} reachable again after ${Math.round(event.downMs / 1000)} s; carrying on from the state it holds`);
  });
}
