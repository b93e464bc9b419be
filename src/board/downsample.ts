import { compareDecimal, type Decimal, decimalToString, rescale } from '../money/decimal.js';
import type { Observed } from '../store/store.js';

/**
 * A balance over a range, cut into buckets for a chart of a given width: each
 * bucket's lowest and highest balance, exact, so a dip inside a bucket is never
 * averaged away. Times are Unix seconds (what uPlot draws); a bucket is `null`
 * where nothing is known (before the history starts, or a gap in it).
 */
export interface ChartBuckets {
  readonly t: number[];
  readonly min: (string | null)[];
  readonly max: (string | null)[];
}

export interface DownsampleOptions {
  readonly from: number;
  readonly to: number;
  readonly points: number;
  /**
   * A reading stands until the next one, or this long: the history holds changes
   * and a heartbeat, so a balance read 4 minutes ago is still the balance, while
   * one read an hour before a gap is not drawn across it.
   */
  readonly holdMs: number;
  /** The currency's minor digits: "80000" is shown as "80000.00". */
  readonly scale?: number;
}

const padded = (d: Decimal, scale: number | undefined): string => {
  if (scale === undefined || d.scale >= scale) return decimalToString(d);
  const wider = rescale(d, scale);
  return decimalToString(wider.ok ? wider.value : d);
};

/**
 * `observations`, oldest first, may start before `from`: the last of those is
 * the balance at `from`. The line ends at `to` (now) when the latest reading
 * still holds there, so a steady balance draws as a flat line to the right edge.
 */
export function downsample(observations: readonly Observed[], options: DownsampleOptions): ChartBuckets {
  const { from, to, holdMs, scale } = options;
  // No bucket narrower than a second (the unit of its time): a history a few seconds old has as many.
  const count = Math.max(1, Math.min(Math.floor(options.points), Math.floor((to - from) / 1000)));
  const width = Math.max(1, (to - from) / count);
  const out: ChartBuckets = { t: [], min: [], max: [] };
  let next = 0;
  let held: Observed | undefined;
  for (let i = 0; i < count; i += 1) {
    const start = from + i * width;
    const end = i === count - 1 ? to + 1 : from + (i + 1) * width;
    while (next < observations.length && observations[next]!.at < start) held = observations[next++];
    let low: Decimal | undefined;
    let high: Decimal | undefined;
    const take = (d: Decimal) => {
      if (low === undefined || compareDecimal(d, low) < 0) low = d;
      if (high === undefined || compareDecimal(d, high) > 0) high = d;
    };
    if (held && start - held.at <= holdMs) take(held.value.amount);
    while (next < observations.length && observations[next]!.at < end) {
      held = observations[next++]!;
      take(held.value.amount);
    }
    out.t.push(Math.round(start / 1000));
    out.min.push(low === undefined ? null : padded(low, scale));
    out.max.push(high === undefined ? null : padded(high, scale));
  }
  // The last point at `to` itself: the balance as it stands now, if the latest reading still holds.
  const standing = held && to - held.at <= holdMs ? padded(held.value.amount, scale) : null;
  out.t.push(Math.round(to / 1000));
  out.min.push(standing);
  out.max.push(standing);
  return out;
}
