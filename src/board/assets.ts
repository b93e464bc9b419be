import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BOARD_SCRIPT } from './board-script.js';

/*
 * The page's scripts and style sheets, served from the daemon itself (the
 * Content-Security-Policy allows nothing else): the board's own, and uPlot's
 * from the installed package. Nothing is fetched from elsewhere, so the board
 * works on a host without internet.
 */

export const BOARD_STYLE = `:root { color-scheme: light dark; --bg: Canvas; --ok: #2e7d32; --pending: #8d6e00; --warning: #b45309; --critical: #c62828; --nodata: #616161; --silenced: #5e35b1; --line: #1565c0; --muted: #6b6b6b; --w-text: #9a4a06; --c-text: #b71c1c; }
@media (prefers-color-scheme: dark) { :root { --line: #64b5f6; --muted: #a0a0a0; --w-text: #fbbf24; --c-text: #ff8a80; } }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1rem 2rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3rem 1rem; }
h1 { font-size: 1.3rem; margin: .8rem 0 .2rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta, small { color: var(--muted); }
.live.on { color: var(--ok); } .live.off { color: var(--c-text); font-weight: 600; }
nav.ranges { display: inline-flex; gap: 0; margin: 0 0 0 auto; } nav.ranges button, main.action nav.ranges button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--line); background: none; color: inherit; cursor: pointer; }
nav.ranges button:first-child { border-radius: 4px 0 0 4px; } nav.ranges button:last-child { border-radius: 0 4px 4px 0; } nav.ranges button[aria-pressed=true] { background: var(--line); color: #fff; }
main.action nav.ranges { margin: .4rem 0 0; }
main.action { max-width: 52rem; }
main.action .alert { font-size: 1.1rem; }
main.action form { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; margin: .6rem 0; padding: .6rem .8rem; border: 1px solid #8884; border-radius: 6px; }
main.action label { display: flex; flex-direction: column; gap: .2rem; color: var(--muted); }
main.action input { font: inherit; padding: .3rem .4rem; min-width: 12rem; max-width: 100%; }
main.action input[name=for] { min-width: 4rem; }
main.action button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--line); background: var(--line); color: #fff; cursor: pointer; }
form.row { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .3rem; } form.row input { width: 6rem; font: inherit; font-size: .85rem; } form.row button { font: inherit; font-size: .85rem; }
main.action .chart svg { width: 100%; max-width: 48rem; height: auto; } main.action .chart figcaption { color: var(--muted); }
.timeline { padding-left: 1.2rem; } .timeline time { color: var(--muted); margin-right: .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
th { position: sticky; top: 0; background: Canvas; font-weight: 600; z-index: 1; }
.n, table.balances td:nth-child(5), table.balances td:nth-child(6), table.balances th:nth-child(5), table.balances th:nth-child(6) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* A state is a <b> badge in its row's colour, and says its state in words: colour is never the only sign. */
td b, .counts b { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; background: var(--ok); font-weight: 600; white-space: nowrap; }
.s-ok b { background: var(--ok); } .s-pending b { background: var(--pending); } .s-warning b { background: var(--warning); }
.s-critical b { background: var(--critical); } .s-no-data b { background: var(--nodata); } .s-silenced b { background: var(--silenced); }
i { font-style: normal; }
tr.s-critical { background: #c628281a; } tr.s-warning { background: #b453091a; } tr.s-no-data { background: #6161611a; }
.up { color: var(--ok); } .down { color: var(--c-text); } .flat { color: var(--muted); }
i.w { color: var(--w-text); } i.c { color: var(--c-text); } .stale, .failing { color: var(--w-text); }
td svg { width: 120px; height: 30px; }
svg polyline { fill: none; stroke: var(--line); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg path { fill: none; stroke-width: 1; stroke-dasharray: 3 2; vector-effect: non-scaling-stroke; }
svg path.w { stroke: var(--warning); } svg path.c { stroke: var(--critical); }
td.chart-cell { width: 260px; min-width: 200px; } td.chart-cell a { display: block; } .drawn > svg, .drawn > a > svg { display: none; }
.plot { width: 100%; } .readout { display: block; font-size: .8rem; color: var(--muted); font-variant-numeric: tabular-nums; min-height: 1.1em; }
figure.chart { margin: .6rem 0; } figure.chart .readout { font-size: .95rem; } .drawn figcaption { display: none; }
.totals { list-style: none; padding: 0; margin: .2rem 0 .8rem; display: flex; flex-wrap: wrap; gap: .6rem; }
.totals li { padding: .4rem .8rem; border: 1px solid #8884; border-radius: 8px; min-width: 12rem; } .totals li span { display: block; color: var(--muted); font-size: .85rem; }
.totals li b { font-size: 1.25rem; font-variant-numeric: tabular-nums; } body.tv .totals li b { font-size: 1.8rem; }
.below { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr)); gap: 0 2rem; }
.below section { min-width: 0; overflow-x: auto; } .below td:nth-child(3) { word-break: break-all; }
.events { list-style: none; padding: 0; margin: 0; } .events li { padding: .15rem 0; border-bottom: 1px solid #8882; }
.events time { color: var(--muted); font-variant-numeric: tabular-nums; }
.e-firing b, .e-escalation b, .e-delivery_failed b, .e-no_data b { color: var(--c-text); } .e-firing.l-warning b, .e-escalation.l-warning b, .e-runway b, .e-drop b { color: var(--w-text); }
.e-resolved b, .e-no_data_resolved b, .e-runway_resolved b, .e-drop_resolved b { color: var(--ok); } .e-silenced b { color: var(--silenced); } .e-no_data b { color: var(--nodata); }
.c-up b { background: var(--ok); } .c-retrying b { background: var(--warning); } .c-failing b { background: var(--critical); }
/* Phones: each balance is a card, its cells labelled, nothing wider than the screen. */
@media (max-width: 760px) {
  body { margin: 0 .6rem 1rem; }
  table.balances, table.balances tbody, table.balances td { display: block; width: auto; }
  table.balances thead { display: none; }
  table.balances tr { display: grid; grid-template-columns: 1fr 1fr; gap: .15rem .8rem; margin: .6rem 0; padding: .5rem .7rem; border: 1px solid #8885; border-radius: 8px; }
  table.balances td { border: 0; padding: .1rem 0; text-align: left !important; white-space: normal !important; min-width: 0; overflow-wrap: anywhere; }
  table.balances td:empty { display: none; }
  table.balances td:nth-child(1), table.balances td:nth-child(7), table.balances td:last-child { grid-column: 1 / -1; }
  table.balances td:nth-child(4) { display: none; }
  table.balances td:nth-child(2) { font-weight: 600; } table.balances td:nth-child(5) { font-size: 1.15rem; font-weight: 600; }
  table.balances td:nth-child(n+5)::before { display: block; font-size: .75rem; color: var(--muted); }
  table.balances td:nth-child(5)::before { content: "Balance"; } table.balances td:nth-child(6)::before { content: "Change, 24 h"; }
  table.balances td:nth-child(7)::before { content: "Levels"; } table.balances td:nth-child(8)::before { content: "Headroom"; }
  table.balances td:nth-child(9)::before { content: "Runway"; } table.balances td:last-child::before { content: none; }
  td.chart-cell { width: auto; min-width: 0; } td svg { width: 100%; height: 40px; }
  .ranges { margin-left: 0; }
}
/* The wall display (?tv=1): large type, nothing to click, firing first as always. */
body.tv { font-size: 20px; margin: .5rem 1.2rem; } body.tv header { display: none; } body.tv form.row { display: none; }
body.tv .counts { font-size: 1.6rem; margin: .3rem 0 .6rem; } body.tv td { padding: .45rem .6rem; } body.tv td.chart-cell { width: 34vw; }
body.tv table.balances td:nth-child(4) { display: none; } body.tv table.balances th:nth-child(4) { display: none; }
`;

/** A small mark for the browser's tab: a falling line over a level, in the board's colours. */
export const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1565c0"/><path d="M4 22h24" stroke="#fbbf24" stroke-width="2" stroke-dasharray="3 2"/><polyline points="4,8 12,12 18,10 28,26" fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round"/></svg>';

export interface BoardAsset {
  readonly type: string;
  readonly body: string;
}

const require = createRequire(import.meta.url);
/** uPlot as the registry ships it, read once from the installed package. */
let uplot: { script: string; style: string } | undefined;
function uplotFiles(): { script: string; style: string } {
  uplot ??= {
    script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

export function boardAsset(path: string): BoardAsset | undefined {
  switch (path) {
    case '/board.js':
      return { type: 'text/javascript; charset=utf-8', body: BOARD_SCRIPT };
    case '/board.css':
      return { type: 'text/css; charset=utf-8', body: BOARD_STYLE };
    case '/uplot.js':
      return { type: 'text/javascript; charset=utf-8', body: uplotFiles().script };
    case '/uplot.css':
      return { type: 'text/css; charset=utf-8', body: uplotFiles().style };
    case '/favicon.svg':
    case '/favicon.ico':
      return { type: 'image/svg+xml', body: FAVICON_SVG };
    default:
      return undefined;
  }
}
