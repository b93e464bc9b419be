/*
 * The board's script, served as /board.js. Plain browser JavaScript in a
 * string (no build step), so it avoids backticks and "${" inside.
 *
 * It keeps the page live (asks /api/status about once a cycle and swaps <main>
 * in when the data moved on) and replaces each visible row's server-drawn SVG
 * with a uPlot chart of /api/history's buckets: time axis, balance in major
 * units, levels and their clearing bands, where the alert fired and resolved,
 * and a readout of the exact stored balance under the cursor.
 */
import { CHART_SCRIPT } from './chart-script.js';

/** The page's own half: fetching chart data for the rows on screen, the range buttons, and the live refresh. */
const LIVE_SCRIPT = String.raw`  async function chartFor(rule, account, points) {
    const key = rule + '\u0000' + account + '\u0000' + range + '\u0000' + points;
    const kept = cache.get(key);
    if (kept && Date.now() - kept.at < REUSE[range]) return kept.data;
    const query = new URLSearchParams({ rule, account, since: range, points: String(points) });
    const answer = await fetch('/api/history?' + query, { cache: 'no-store', credentials: 'same-origin' });
    if (!answer.ok) throw new Error('HTTP ' + answer.status);
    const data = (await answer.json()).accounts.find((a) => a.account === account);
    if (!data) throw new Error('no such account');
    cache.set(key, { at: Date.now(), data });
    return data;
  }

  /** A chart's place: a row's last cell (its rule and account are the row's own cells) or the alert page's figure. */
  function target(element) {
    if (element.matches('figure[data-rule]')) return { rule: element.dataset.rule, account: element.dataset.account, large: true, element };
    const cells = element.parentElement.children;
    return { rule: cells[1].textContent, account: cells[2].textContent, large: body.classList.contains('tv'), element };
  }

  async function hydrate(element) {
    if (typeof uPlot !== 'function') return;
    const { rule, account, large } = target(element);
    let host = element.querySelector('.plot');
    if (!host) {
      host = document.createElement('div');
      host.className = 'plot';
      const readout = document.createElement('output');
      readout.className = 'readout';
      // A firing row's chart is the link to its alert's page, drawn or not.
      (element.querySelector('a') || element).append(host);
      element.append(readout);
    }
    const width = Math.max(160, host.clientWidth || element.clientWidth);
    try {
      draw(host, await chartFor(rule, account, Math.min(2000, Math.max(24, Math.round(width / 2)))), large);
    } catch (error) {
      host.title = 'chart unavailable: ' + error.message;
    }
  }

  let watcher = null;
  function hydrateAll() {
    for (const plot of plots) plot.destroy();
    plots.clear();
    if (watcher) watcher.disconnect();
    const cells = [...document.querySelectorAll('table.balances tbody td:last-child, figure.chart[data-rule]')];
    for (const cell of cells) cell.classList.add('chart-cell');
    const heading = document.querySelector('table.balances thead th:last-child');
    if (heading && range !== '24h') heading.textContent = 'Last ' + RANGES[range];
    if (!('IntersectionObserver' in window)) return cells.slice(0, 50).forEach(hydrate);
    // Only the charts on screen are drawn: a board of a thousand rows asks for a screenful.
    watcher = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        watcher.unobserve(entry.target);
        hydrate(entry.target);
      }
    }, { rootMargin: '200px' });
    for (const cell of cells) watcher.observe(cell);
  }

  // A phone turned on its side, a window made narrower: each chart takes its new width.
  let resizing = null;
  addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const plot of plots) plot.setSize({ width: Math.max(160, plot.host.clientWidth), height: plot.height });
    }, 150);
  });

  const ranges = document.getElementById('ranges');
  if (ranges) {
    ranges.hidden = false;
    const press = () => { for (const button of ranges.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.value === range)); };
    press();
    ranges.addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (!button || !RANGES[button.value]) return;
      range = button.value;
      try { localStorage.setItem('bw-range', range); } catch {}
      press();
      hydrateAll();
    });
  }

  /** Each row's balance and state, by rule and account. */
  function rowFacts(root) {
    const facts = new Map();
    for (const row of root.querySelectorAll('table.balances tbody tr')) {
      const cells = row.children;
      facts.set(cells[1].textContent + '\u0000' + cells[2].textContent, (cells[0].querySelector('b') || cells[0]).textContent + '\u0000' + cells[4].textContent);
    }
    return facts;
  }
  function forget(key) {
    for (const cached of cache.keys()) if (cached.startsWith(key + '\u0000')) cache.delete(cached);
  }

  async function poll() {
    try {
      const status = await fetch('/api/status', { cache: 'no-store', credentials: 'same-origin' });
      if (!status.ok) throw new Error('HTTP ' + status.status);
      const updated = (await status.json()).updated_at;
      // Someone is typing their name into a row's form: the page waits until they are done.
      const typing = [...document.querySelectorAll('#board form input:not([type=hidden])')].some((input) => input === document.activeElement || input.value !== '');
      // Ages ("for 12 min", "3 min old") move on with nothing written: the page is fetched again at least once a minute.
      const aged = Date.now() - fetchedAt > 60000;
      if (seen !== null && (updated !== seen || aged) && !typing) {
        const page = await fetch(location.pathname + location.search, { cache: 'no-store', credentials: 'same-origin' });
        if (!page.ok) throw new Error('HTTP ' + page.status);
        const next = new DOMParser().parseFromString(await page.text(), 'text/html');
        const main = next.getElementById('board');
        if (main) {
          // A row whose balance or state moved has its charts asked again; the others are drawn from what was fetched.
          const before = rowFacts(document);
          for (const [key, facts] of rowFacts(next)) if (before.get(key) !== facts) forget(key);
          document.getElementById('board').replaceWith(document.adoptNode(main));
          fetchedAt = Date.now();
          document.title = next.title;
          hydrateAll();
        }
      }
      if (!typing) seen = updated;
      say('live', true);
    } catch (error) {
      say('not updating: the daemon does not answer (' + error.message + ')', false);
    }
    setTimeout(poll, every);
  }
  hydrateAll();
  if (document.getElementById('board')) poll();
`;

/** One function scope: the live half uses the chart half's settings and `draw`. */
export const BOARD_SCRIPT = `'use strict';
(() => {
${CHART_SCRIPT}
${LIVE_SCRIPT}
})();
`;
