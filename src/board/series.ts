import { decimalToNumber } from '../money/decimal.js';
import type { HistoryStore } from '../store/store.js';
import { type ChartPoint, seriesKey } from './board.js';
import { CHART_BUCKET_MS } from './chart.js';

const DAY_MS = 86_400_000;
/** Read again on each refresh, in case a source's cycle committed a little after a later one. */
const OVERLAP_MS = 60_000;

/**
 * The last 24 hours of every balance, one point per hour (the hour's last
 * balance), kept in memory and topped up from the store on each request: the
 * first page reads a day of history, later ones only what is new. A day of a
 * thousand accounts is 25 points each, whatever the schedule.
 */
export class ChartSeries {
  private readonly buckets = new Map<string, Map<number, ChartPoint>>();
  private readAfter: number | undefined;

  async refresh(store: Pick<HistoryStore, 'observationsAfter'>, now: number): Promise<ReadonlyMap<string, readonly ChartPoint[]>> {
    const from = now - DAY_MS;
    const after = this.readAfter === undefined ? from : Math.max(from, this.readAfter - OVERLAP_MS);
    const rows = await store.observationsAfter(after);
    for (const row of rows) {
      const key = seriesKey(row.source, row.account);
      let hours = this.buckets.get(key);
      if (!hours) this.buckets.set(key, (hours = new Map()));
      const hour = Math.floor(row.at / CHART_BUCKET_MS);
      const kept = hours.get(hour);
      if (!kept || kept.at <= row.at) hours.set(hour, { at: row.at, value: decimalToNumber(row.value.amount) });
    }
    if (rows.length > 0) this.readAfter = Math.max(this.readAfter ?? 0, rows[rows.length - 1]!.at);
    else this.readAfter ??= from;
    const series = new Map<string, readonly ChartPoint[]>();
    const oldest = Math.floor(from / CHART_BUCKET_MS);
    for (const [key, hours] of this.buckets) {
      for (const hour of hours.keys()) if (hour < oldest) hours.delete(hour);
      if (hours.size === 0) this.buckets.delete(key);
      else series.set(key, [...hours.values()].sort((a, b) => a.at - b.at));
    }
    return series;
  }
}
