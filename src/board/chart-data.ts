import type { Config } from '../config/types.js';
import { minorUnitExponent } from '../money/currency.js';
import { type Decimal, decimalToString } from '../money/decimal.js';
import { thresholdsIn } from '../rules/thresholds.js';
import type { HistoryStore, LoggedEvent, StoredAlert } from '../store/store.js';
import { readingHoldsMs } from '../store/store.js';
import { type ChartBuckets, downsample } from './downsample.js';

/** The widest chart anyone draws, in buckets: a 4K wall display at one bucket per two pixels. */
export const MAX_CHART_POINTS = 2_000;

/** The events a chart marks: where the alert fired, got worse, got better and resolved. */
const MARKED = new Set(['firing', 'escalation', 'improvement', 'resolved']);

export interface ChartData {
  readonly account: string;
  readonly source: string;
  readonly currency: string | null;
  readonly buckets: ChartBuckets;
  readonly levels: {
    readonly warn_below: string | null;
    readonly warn_clears_at: string | null;
    readonly critical_below: string | null;
    readonly critical_clears_at: string | null;
  };
  readonly marks: { readonly at: number; readonly kind: string; readonly level: string; readonly balance: string | null }[];
}

const text = (d: Decimal | undefined): string | null => (d === undefined ? null : decimalToString(d));

/** One alert's chart over [from, to]: min and max per bucket, its levels in its currency, and where it fired and resolved. */
export async function chartData(
  store: Pick<HistoryStore, 'history'>,
  config: Pick<Config, 'rules'>,
  alert: StoredAlert,
  events: readonly LoggedEvent[],
  range: { readonly from: number; readonly to: number; readonly points: number; readonly intervalMs: number },
): Promise<ChartData> {
  const hold = readingHoldsMs(range.intervalMs);
  // A reading from before the range that still holds at its start is where the line begins.
  const read = await store.history(alert.source, alert.account, range.from - hold);
  const firstInRange = read.findIndex((o) => o.at >= range.from);
  const observations = firstInRange === -1 ? read.slice(-1) : read.slice(Math.max(0, firstInRange - 1));
  // A history younger than the range is drawn over the time it has, not as a dot at the right edge.
  const first = observations[0];
  const from = first && first.at > range.from ? first.at : range.from;
  const currency = observations.at(-1)?.value.currency ?? alert.state.lastValue?.currency ?? null;
  const scale = currency === null ? undefined : minorUnitExponent(currency);
  const rule = config.rules.find((r) => r.name === alert.rule);
  const found = rule ? thresholdsIn(rule, currency) : undefined;
  const levels = found?.ok ? found.value : {};
  return {
    account: alert.account,
    source: alert.source,
    currency,
    buckets: downsample(observations, {
      from,
      to: range.to,
      points: range.points,
      holdMs: hold,
      ...(scale === undefined ? {} : { scale }),
    }),
    levels: { warn_below: text(levels.warn), warn_clears_at: text(levels.warnRecover), critical_below: text(levels.critical), critical_clears_at: text(levels.criticalRecover) },
    marks: events
      .filter((e) => e.rule === alert.rule && e.account === alert.account && MARKED.has(e.kind) && e.at >= range.from)
      .map((e) => ({ at: Math.round(e.at / 1000), kind: e.kind, level: e.level, balance: e.value ? decimalToString(e.value.amount) : null })),
  };
}
