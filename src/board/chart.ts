import { decimalToNumber } from '../money/decimal.js';
import type { Thresholds } from '../rules/thresholds.js';
import type { ChartPoint } from './board.js';

/** The chart's drawing box: small whole numbers keep a thousand charts light. */
const WIDTH = 120;
const HEIGHT = 30;
const DAY_MS = 86_400_000;

/**
 * The last 24 hours of one balance as inline SVG: the line, and dashed lines at
 * the warning and critical levels when they fall near the balances shown.
 * Coordinates are computed here, so no user text ever reaches the SVG.
 */
export function chartSvg(points: readonly ChartPoint[], thresholds: Thresholds | null, now: number): string {
  if (points.length === 0) return '<svg class="chart" viewBox="0 0 120 30" role="img" aria-label="no history yet"></svg>';
  const levels = [thresholds?.warn, thresholds?.critical].map((d) => (d === undefined ? undefined : decimalToNumber(d)));
  const values = points.map((p) => p.value);
  const shown = [...values, ...levels.filter((v): v is number => v !== undefined)];
  let low = Math.min(...shown);
  let high = Math.max(...shown);
  if (high === low) {
    high += 1;
    low -= 1;
  }
  const from = now - DAY_MS;
  const x = (at: number) => Math.round(Math.min(WIDTH, Math.max(0, ((at - from) / DAY_MS) * WIDTH)));
  const y = (value: number) => Math.round(HEIGHT - 1 - ((value - low) / (high - low)) * (HEIGHT - 2));
  const line = points.map((p) => `${x(p.at)},${y(p.value)}`).join(' ');
  const [warn, critical] = levels;
  const rule = (value: number | undefined, kind: string) => (value === undefined ? '' : `<line class="${kind}" x1="0" x2="120" y1="${y(value)}" y2="${y(value)}"/>`);
  return `<svg class="chart" viewBox="0 0 120 30" role="img" aria-label="the last 24 hours">${rule(warn, 'w')}${rule(critical, 'c')}<polyline points="${line}"/></svg>`;
}

/** One point per hour (the last balance of each), so a day's chart holds 24 points however often balances are read. */
export const CHART_BUCKET_MS = 3_600_000;
