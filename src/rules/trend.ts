import { type Decimal, decimalToNumber } from '../money/decimal.js';

/** One observed balance, as a number for trend maths (never for a threshold comparison). */
export interface Point {
  readonly at: number;
  readonly value: number;
}

/** Fewer observations than this say nothing reliable about a trend. */
export const MIN_TREND_POINTS = 5;

/** A rise of more than this fraction of the balance is a top-up, not noise: the trend starts again after it. */
const TOP_UP_FRACTION = 0.02;

export function isTopUp(previous: number, next: number): boolean {
  return next - previous > Math.max(Math.abs(previous) * TOP_UP_FRACTION, Number.EPSILON);
}

/** The points a trend is fitted to: those within the window, and after the last top-up. */
export function trendPoints(points: readonly Point[], now: number, windowMs: number): Point[] {
  const recent = points.filter((p) => p.at > now - windowMs && p.at <= now);
  let start = 0;
  for (let i = 1; i < recent.length; i += 1) if (isTopUp(recent[i - 1]!.value, recent[i]!.value)) start = i;
  return recent.slice(start);
}

/** Least squares: the fitted value at `now` and the change per millisecond. */
export function fitLine(points: readonly Point[], now: number): { valueNow: number; slopePerMs: number } | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const xs = points.map((p) => p.at - now);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = points.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  points.forEach((p, i) => {
    const dx = xs[i]! - meanX;
    sxx += dx * dx;
    sxy += dx * (p.value - meanY);
  });
  if (sxx === 0) return undefined;
  const slopePerMs = sxy / sxx;
  return { valueNow: meanY - slopePerMs * meanX, slopePerMs };
}

/** When the trend reaches `target`: ms from now, or undefined when it is flat or rising (or there is too little data). */
export interface Projection {
  readonly msToTarget: number | undefined;
  readonly slopePerHour: number;
  readonly target: Decimal;
  readonly points: number;
}

/**
 * Projects the recent trend to `target` (the critical threshold, or zero). Needs
 * MIN_TREND_POINTS observations within the window since the last top-up.
 */
export function project(points: readonly Point[], target: Decimal, now: number, windowMs: number): Projection | undefined {
  const used = trendPoints(points, now, windowMs);
  const inWindow = points.filter((p) => p.at > now - windowMs && p.at <= now).length;
  // Just after a top-up the trend is, for now, a rise: nothing is running dry.
  if (used.length < MIN_TREND_POINTS && used.length < inWindow) return { msToTarget: undefined, slopePerHour: 0, target, points: used.length };
  if (used.length < MIN_TREND_POINTS) return undefined;
  const line = fitLine(used, now);
  if (!line) return undefined;
  const slopePerHour = line.slopePerMs * 3_600_000;
  // A slope this small is flat for any purpose a person has (less than a millionth of the balance an hour).
  const flat = line.slopePerMs >= 0 || Math.abs(slopePerHour) <= Math.abs(line.valueNow) * 1e-6;
  if (flat) return { msToTarget: undefined, slopePerHour, target, points: used.length };
  const ms = (decimalToNumber(target) - line.valueNow) / line.slopePerMs;
  return { msToTarget: Math.max(0, ms), slopePerHour, target, points: used.length };
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A Unicode sparkline of the values, scaled between their own min and max. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values.map((v) => SPARKS[span === 0 ? 3 : Math.min(SPARKS.length - 1, Math.floor(((v - min) / span) * SPARKS.length))]).join('');
}
