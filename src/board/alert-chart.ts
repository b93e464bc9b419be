import { decimalToNumber } from '../money/decimal.js';
import type { Config } from '../config/types.js';
import { humanDuration } from '../notify/time.js';
import { currentRunwayMs } from '../rules/alert.js';
import { thresholdsIn } from '../rules/thresholds.js';
import type { HistoryStore, StoredAlert } from '../store/store.js';
import { chartSvg } from './chart.js';

const DAY_MS = 86_400_000;

/** One alert's last day as the board draws it, drawn to now, and its runway when the trend is falling: for its pages. */
export async function alertChart(store: HistoryStore, config: Pick<Config, 'rules'>, alert: StoredAlert, now: number): Promise<string> {
  const history = await store.history(alert.source, alert.account, now - DAY_MS);
  const points = history.map((o) => ({ at: o.at, value: decimalToNumber(o.value.amount) }));
  // The stored history holds changes and a heartbeat: the balance as last read still stands now.
  const last = points.at(-1);
  if (last && last.at < now) points.push({ at: now, value: last.value });
  const rule = config.rules.find((r) => r.name === alert.rule);
  const levels = rule ? thresholdsIn(rule, alert.state.lastValue?.currency ?? null) : undefined;
  const runway = currentRunwayMs(alert.state);
  const runwayText = runway === undefined ? '' : `<p>At the current rate, it reaches its critical level (or zero) in about ${humanDuration(runway)}.</p>`;
  return `<figure class="chart">${chartSvg(points, levels?.ok ? levels.value : null, now)}<figcaption>the last 24 h</figcaption></figure>${runwayText}`;
}
