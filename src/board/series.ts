import { type HistoryStore, readingHoldsMs } from '../store/store.js';
import { type ChartPoint, seriesKey } from './board.js';

const DAY_MS = 86_400_000;
/** Read again on each refresh, in case a source's cycle committed a little after a later one. */
const OVERLAP_MS = 60_000;
/** A chart draws at most this many points; a series keeps at most twice as many between thinnings. */
export const CHART_POINTS = 20;

/**
 * Keeps the first point and the last point of each of `count` equal slices of
 * the series' time span: a day at a 5-minute schedule and a minute at a
 * 2-second one both draw as `count` points (or fewer), evenly spread, and the
 * first (what "change over 24 h" is measured from) stays.
 */
export function thin(points: readonly ChartPoint[], count = CHART_POINTS): ChartPoint[] {
  if (points.length <= count) return [...points];
  const first = points[0]!.at;
  const span = points[points.length - 1]!.at - first || 1;
  const kept: ChartPoint[] = [points[0]!];
  let slice = 0;
  for (let i = 1; i < points.length; i += 1) {
    const point = points[i]!;
    const at = Math.min(count - 2, Math.floor(((point.at - first) / span) * (count - 1)));
    if (at === slice && kept.length > 1) kept[kept.length - 1] = point;
    else kept.push(point);
    slice = at;
  }
  return kept;
}

/**
 * The last 24 hours of every balance, thinned, kept in memory and topped up
 * from the store on each request: the first page reads a day of history, later
 * ones only what is new. A thousand accounts keep under a hundred points each,
 * whatever the schedule. Each series starts with the reading that stood at the
 * start of the day, when one still holds there.
 */
export class ChartSeries {
  private readonly series = new Map<string, ChartPoint[]>();
  private readAfter: number | undefined;

  /** `intervalMs`: the schedule's, for how long a reading before the day still stands at its start. */
  async refresh(store: Pick<HistoryStore, 'observationsAfter'>, now: number, intervalMs = 0): Promise<ReadonlyMap<string, readonly ChartPoint[]>> {
    const from = now - DAY_MS;
    const hold = readingHoldsMs(intervalMs);
    const first = this.readAfter === undefined;
    const after = first ? from - hold : Math.max(from - hold, this.readAfter! - OVERLAP_MS);
    // The first read covers a day: only as many points as a chart keeps are read (the last of each slice), not every reading.
    const rows = first ? await store.observationsAfter(after, DAY_MS / (2 * CHART_POINTS)) : await store.observationsAfter(after);
    for (const row of rows) {
      const key = seriesKey(row.source, row.account);
      let points = this.series.get(key);
      if (!points) this.series.set(key, (points = []));
      // Rows come oldest first; the overlap re-reads a few already kept.
      if (points.length > 0 && row.at <= points[points.length - 1]!.at) continue;
      points.push({ at: row.at, value: row.value });
    }
    if (rows.length > 0) this.readAfter = Math.max(this.readAfter ?? 0, rows[rows.length - 1]!.at);
    else this.readAfter ??= from;
    const shown = new Map<string, readonly ChartPoint[]>();
    for (const [key, points] of this.series) {
      // The newest reading before the day began stands at its start, if it still held then.
      let start = 0;
      while (start < points.length && points[start]!.at < from) start += 1;
      const carried = start > 0 && from - points[start - 1]!.at <= hold ? start - 1 : start;
      const fresh = carried === 0 ? points : points.slice(carried);
      if (fresh.length === 0) {
        this.series.delete(key);
        continue;
      }
      const kept = fresh.length > 2 * CHART_POINTS ? thin(fresh) : fresh;
      this.series.set(key, kept);
      shown.set(key, thin(kept));
    }
    return shown;
  }
}
