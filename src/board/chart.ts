import { decimalToNumber } from '../money/decimal.js';
import { humanDuration } from '../notify/time.js';
import type { Thresholds } from '../rules/thresholds.js';
import type { ChartPoint } from './board.js';

/** The chart's drawing box: small whole numbers keep a thousand charts light. */
const WIDTH = 96;
const HEIGHT = 24;
const DAY_MS = 86_400_000;

/** The chart ranges people pick from; hidden until the script draws charts (the SVG shows a day). */
export const RANGE_NAV =
  '<nav id="ranges" class="ranges" hidden aria-label="Chart range"><button value="24h" aria-pressed="true">24 h</button><button value="7d">7 d</button><button value="30d">30 d</button></nav>';

/**
 * The last 24 hours of one balance as inline SVG, the board's chart without
 * JavaScript: the line, drawn to now while the latest reading still holds
 * (`holdMs`), and dashed lines at the warning and critical levels.
 * Coordinates are computed here, so no user text ever reaches the SVG.
 */
export function chartSvg(points: readonly ChartPoint[], thresholds: Thresholds | null, now: number, holdMs: number): string {
  if (points.length === 0) return '<svg viewBox="0 0 96 24"><title>no history yet</title></svg>';
  const levels = [thresholds?.warn, thresholds?.critical].map((d) => (d === undefined ? undefined : decimalToNumber(d)));
  const drawn = points.map((p) => ({ at: p.at, value: decimalToNumber(p.value.amount) }));
  // The history holds changes and a heartbeat: the latest reading stands until now, unless it is too old to.
  const last = drawn[drawn.length - 1]!;
  if (last.at < now && now - last.at <= holdMs) drawn.push({ at: now, value: last.value });
  const shown = [...drawn.map((p) => p.value), ...levels.filter((v): v is number => v !== undefined)];
  let low = Math.min(...shown);
  let high = Math.max(...shown);
  if (high === low) {
    high += 1;
    low -= 1;
  }
  // A store younger than a day is drawn over the time it has, so the first hour is not a dot at the right edge.
  const from = Math.max(now - DAY_MS, drawn[0]!.at);
  const span = Math.max(now - from, 1);
  const x = (at: number) => Math.round(Math.min(WIDTH, Math.max(0, ((at - from) / span) * WIDTH)));
  const y = (value: number) => Math.round(HEIGHT - 1 - ((value - low) / (high - low)) * (HEIGHT - 2));
  // Points that land on one pixel are drawn once: a thousand rows of them are the page's weight.
  const coordinates: string[] = [];
  for (const p of drawn) {
    const point = `${x(p.at)},${y(p.value)}`;
    if (point !== coordinates[coordinates.length - 1]) coordinates.push(point);
  }
  const line = coordinates.join(' ');
  const [warn, critical] = levels;
  const rule = (value: number | undefined, kind: string) => (value === undefined ? '' : `<path class="${kind}" d="M0 ${y(value)}H96"/>`);
  // A day is what the column says; a younger history says how long it covers.
  const label = now - from >= DAY_MS - 60_000 ? '' : `<title>the last ${humanDuration(now - from)}</title>`;
  return `<svg viewBox="0 0 96 24">${label}${rule(warn, 'w')}${rule(critical, 'c')}<polyline points="${line}"/></svg>`;
}
