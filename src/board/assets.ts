/*
 * The page's only script and style sheet, served from the daemon itself (the
 * Content-Security-Policy allows nothing else): no build step, nothing fetched
 * from elsewhere, so the board works on a host without internet.
 */

/** Asks /api/status about once a cycle; when the data moved on, fetches the page and swaps its <main> in place. */
export const BOARD_SCRIPT = `'use strict';
(() => {
  const every = Math.max(1000, Number(document.body.dataset.refreshMs) || 5000);
  const live = document.getElementById('live');
  let seen = null;
  const say = (text, ok) => {
    live.textContent = text;
    live.className = ok ? 'live on' : 'live off';
  };
  async function tick() {
    try {
      const status = await fetch('/api/status', { cache: 'no-store', credentials: 'same-origin' });
      if (!status.ok) throw new Error('HTTP ' + status.status);
      const updated = (await status.json()).updated_at;
      // Someone is typing their name into a row's form: the page waits until they are done.
      const typing = [...document.querySelectorAll('#board form input:not([type=hidden])')].some((input) => input === document.activeElement || input.value !== '');
      if (seen !== null && updated !== seen && !typing) {
        const page = await fetch(location.pathname, { cache: 'no-store', credentials: 'same-origin' });
        if (!page.ok) throw new Error('HTTP ' + page.status);
        const next = new DOMParser().parseFromString(await page.text(), 'text/html');
        const main = next.getElementById('board');
        if (main) {
          document.getElementById('board').replaceWith(document.adoptNode(main));
          document.title = next.title;
        }
      }
      if (!typing) seen = updated;
      say('live', true);
    } catch (error) {
      say('not updating: the daemon does not answer (' + error.message + ')', false);
    }
    setTimeout(tick, every);
  }
  tick();
})();
`;

export const BOARD_STYLE = `:root { color-scheme: light dark; --ok: #2e7d32; --pending: #8d6e00; --warning: #e65100; --critical: #c62828; --nodata: #616161; --silenced: #5e35b1; --line: #1565c0; --muted: #777; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1rem 2rem; }
header { display: flex; align-items: baseline; gap: 1rem; }
h1 { font-size: 1.3rem; margin: .8rem 0 .2rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta, small { color: var(--muted); }
.live.on { color: var(--ok); } .live.off { color: var(--critical); font-weight: 600; }
main.action { max-width: 46rem; }
main.action .alert { font-size: 1.1rem; }
main.action form { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; margin: .6rem 0; padding: .6rem .8rem; border: 1px solid #8884; border-radius: 6px; }
main.action label { display: flex; flex-direction: column; gap: .2rem; color: var(--muted); }
main.action input { font: inherit; padding: .3rem .4rem; min-width: 12rem; }
main.action input[name=for] { min-width: 4rem; }
main.action button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--line); background: var(--line); color: #fff; cursor: pointer; }
form.row { display: flex; gap: .3rem; margin-top: .3rem; } form.row input { width: 6rem; font: inherit; font-size: .85rem; } form.row button { font: inherit; font-size: .85rem; }
main.action .chart svg { width: 100%; max-width: 40rem; height: auto; } main.action .chart figcaption { color: var(--muted); }
.timeline { padding-left: 1.2rem; } .timeline time { color: var(--muted); margin-right: .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
th { position: sticky; top: 0; background: Canvas; font-weight: 600; }
.n, table.balances td:nth-child(5), table.balances td:nth-child(6), table.balances th:nth-child(5), table.balances th:nth-child(6) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* A state is a <b> badge in its row's colour (short markup: a board may have a thousand rows). */
td b, .counts b { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; background: var(--ok); font-weight: 600; white-space: nowrap; }
.s-ok b { background: var(--ok); } .s-pending b { background: var(--pending); } .s-warning b { background: var(--warning); }
.s-critical b { background: var(--critical); } .s-no-data b { background: var(--nodata); } .s-silenced b { background: var(--silenced); }
i { font-style: normal; } i.w, i.c { white-space: nowrap; display: inline-block; }
tr.s-critical { background: #c628281a; } tr.s-warning { background: #e651001a; }
.up { color: var(--ok); } .down { color: var(--critical); } .flat { color: var(--muted); }
i.w { color: var(--warning); } i.c { color: var(--critical); }
td svg { width: 120px; height: 30px; }
svg polyline { fill: none; stroke: var(--line); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg path { fill: none; stroke-width: 1; stroke-dasharray: 3 2; vector-effect: non-scaling-stroke; }
svg path.w { stroke: var(--warning); } svg path.c { stroke: var(--critical); }
.below { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 0 2rem; }
.events { list-style: none; padding: 0; margin: 0; } .events li { padding: .15rem 0; border-bottom: 1px solid #8882; }
.events time { color: var(--muted); font-variant-numeric: tabular-nums; }
.e-firing b, .e-escalation b, .e-delivery_failed b { color: var(--critical); } .e-resolved b { color: var(--ok); } .e-silenced b { color: var(--silenced); }
.c-up b { background: var(--ok); } .c-retrying b { background: var(--warning); } .c-failing b { background: var(--critical); }
`;
