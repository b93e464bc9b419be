import { decimalToNumber } from '../money/decimal.js';
import { humanDuration } from '../notify/time.js';
import type { Thresholds } from '../rules/thresholds.js';
import type { ChartPoint } from './board.js';

/** The chart's drawing box: small whole numbers keep a thousand charts light. */
const WIDTH = 96;
const HEIGHT = 24;
const DAY_MS = 86_400_000;

/**
 * The last 24 hours of one balance as inline SVG: the line, and dashed lines at
 * the warning and critical levels when they fall near the balances shown.
 * Coordinates are computed here, so no user text ever reaches the SVG.
 */
export function chartSvg(points: readonly ChartPoint[], thresholds: Thresholds | null, now: number): string {
  if (points.length === 0) return '<svg viewBox="0 0 96 24"><title>no history yet</title></svg>';
  const levels = [thresholds?.warn, thresholds?.critical].map((d) => (d === undefined ? undefined : decimalToNumber(d)));
  const values = points.map((p) => p.value);
  const shown = [...values, ...levels.filter((v): v is number => v !== undefined)];
  let low = Math.min(...shown);
  let high = Math.max(...shown);
  if (high === low) {
    high += 1;
    low -= 1;
  }
  // A store younger than a day is drawn over the time it has, so the first hour is not a dot at the right edge.
  const from = Math.max(now - DAY_MS, points[0]!.at);
  const span = Math.max(now - from, 1);
  const x = (at: number) => Math.round(Math.min(WIDTH, Math.max(0, ((at - from) / span) * WIDTH)));
  const y = (value: number) => Math.round(HEIGHT - 1 - ((value - low) / (high - low)) * (HEIGHT - 2));
  const line = points.map((p) => `${x(p.at)},${y(p.value)}`).join(' ');
  const [warn, critical] = levels;
  const rule = (value: number | undefined, kind: string) => (value === undefined ? '' : `<path class="${kind}" d="M0 ${y(value)}H96"/>`);
  // A day is what the column says; a younger history says how long it covers.
  const label = now - from >= DAY_MS - 60_000 ? '' : `<title>the last ${humanDuration(now - from)}</title>`;
  return `<svg viewBox="0 0 96 24">${label}${rule(warn, 'w')}${rule(critical, 'c')}<polyline points="${line}"/></svg>`;
}
