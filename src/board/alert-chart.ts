import type { Config } from '../config/types.js';
import { escapeHtml } from '../html.js';
import { humanDuration } from '../notify/time.js';
import { currentRunwayMs } from '../rules/alert.js';
import { thresholdsIn } from '../rules/thresholds.js';
import { type HistoryStore, readingHoldsMs, type StoredAlert } from '../store/store.js';
import { chartSvg, RANGE_NAV } from './chart.js';

const DAY_MS = 86_400_000;

/**
 * One alert's chart for its page: the board's chart at a larger size (the
 * script draws it from /api/history, with the range buttons), over the
 * server's SVG of the last day for a browser without JavaScript; and its
 * runway when the trend is falling.
 */
export async function alertChart(store: HistoryStore, config: Pick<Config, 'rules'>, alert: StoredAlert, now: number, intervalMs: number): Promise<string> {
  const history = await store.history(alert.source, alert.account, now - DAY_MS);
  const rule = config.rules.find((r) => r.name === alert.rule);
  const levels = rule ? thresholdsIn(rule, alert.state.lastValue?.currency ?? null) : undefined;
  const runway = currentRunwayMs(alert.state);
  const runwayText = runway === undefined ? '' : `<p>At the current rate, it reaches its critical level (or zero) in about ${humanDuration(runway)}.</p>`;
  const svg = chartSvg(history, levels?.ok ? levels.value : null, now, readingHoldsMs(intervalMs));
  return `${RANGE_NAV}
<figure class="chart" data-rule="${escapeHtml(alert.rule)}" data-account="${escapeHtml(alert.account)}">${svg}<figcaption>the last 24 h</figcaption></figure>${runwayText}`;
}
