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
export const BOARD_SCRIPT = String.raw`'use strict';
(() => {
  const body = document.body;
  const every = Math.max(1000, Number(body.dataset.refreshMs) || 5000);
  const zone = body.dataset.timezone || undefined;
  const live = document.getElementById('live');
  const RANGES = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };
  /** How long a range's chart data is reused before it is asked again, in ms. */
  const REUSE = { '24h': 20000, '7d': 120000, '30d': 300000 };
  const stored = (() => { try { return localStorage.getItem('bw-range'); } catch { return null; } })();
  let range = RANGES[new URLSearchParams(location.search).get('range')] ? new URLSearchParams(location.search).get('range') : RANGES[stored] ? stored : '24h';
  const cache = new Map();
  const plots = new Set();
  let seen = null;
  let fetchedAt = Date.now();

  const say = (text, ok) => {
    if (!live) return;
    live.textContent = text;
    live.className = ok ? 'live on' : 'live off';
  };

  // Exact decimal text as people read it: "80000.00" is "80,000.00"; a chart needs no more than a float.
  const grouped = (text) => {
    const negative = text.startsWith('-');
    const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
    return (negative ? '−' : '') + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction === undefined ? '' : '.' + fraction);
  };
  const number = (text) => (text === null ? null : Number(text));
  const compact = (value) => {
    const size = Math.abs(value);
    if (size >= 1e9) return +(value / 1e9).toFixed(2) + 'B';
    if (size >= 1e6) return +(value / 1e6).toFixed(2) + 'M';
    if (size >= 1e4) return +(value / 1e3).toFixed(1) + 'k';
    return String(+value.toFixed(2));
  };
  // Times in the config's zone, as the rest of the board shows them (24-hour clock).
  const formatter = (options) => {
    try { return new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', ...options }); }
    catch { return new Intl.DateTimeFormat('en-CA', { hourCycle: 'h23', ...options }); }
  };
  const clock = formatter({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const hours = formatter({ hour: '2-digit', minute: '2-digit' });
  const days = formatter({ month: 'short', day: 'numeric' });
  const seconds = formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const when = (seconds) => clock.format(seconds * 1000);
  const tick = (u, splits, axis, space, step) => splits.map((s) => (step >= 86400 ? days : step >= 60 ? hours : seconds).format(s * 1000));
  const css = (name) => getComputedStyle(body).getPropertyValue(name).trim();

  function readoutText(data, index) {
    const b = data.buckets;
    const at = index === null || index === undefined ? b.t.length - 1 : index;
    const low = b.min[at];
    const high = b.max[at];
    const unit = data.currency ? ' ' + data.currency : '';
    if (low === null) return when(b.t[at]) + ': no reading';
    const value = low === high ? grouped(low) : grouped(low) + ' – ' + grouped(high);
    return (at === b.t.length - 1 ? 'now' : when(b.t[at])) + ': ' + value + unit;
  }

  /** The levels as dashed lines with the band up to where each clears shaded, and the alert's marks. */
  function levelsPlugin(data) {
    const levels = [
      [number(data.levels.warn_below), number(data.levels.warn_clears_at), css('--warning')],
      [number(data.levels.critical_below), number(data.levels.critical_clears_at), css('--critical')],
    ].filter((l) => l[0] !== null);
    return {
      hooks: {
        drawClear: [(u) => {
          const ctx = u.ctx;
          const { left, width } = u.bbox;
          ctx.save();
          for (const [below, clears, colour] of levels) {
            const y = u.valToPos(below, 'y', true);
            if (clears !== null) {
              const top = u.valToPos(clears, 'y', true);
              ctx.globalAlpha = 0.12;
              ctx.fillStyle = colour;
              ctx.fillRect(left, top, width, y - top);
              ctx.globalAlpha = 1;
            }
            ctx.strokeStyle = colour;
            ctx.lineWidth = devicePixelRatio;
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
          }
          ctx.restore();
        }],
        draw: [(u) => {
          const ctx = u.ctx;
          ctx.save();
          for (const mark of data.marks) {
            const x = u.valToPos(mark.at, 'x', true);
            const value = number(mark.balance);
            const y = value === null ? u.bbox.top + 4 * devicePixelRatio : u.valToPos(value, 'y', true);
            ctx.beginPath();
            ctx.arc(x, y, 3.5 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.fillStyle = mark.kind === 'resolved' ? css('--ok') : mark.level === 'critical' ? css('--critical') : css('--warning');
            ctx.fill();
            ctx.strokeStyle = css('--bg') || '#fff';
            ctx.lineWidth = devicePixelRatio;
            ctx.stroke();
          }
          ctx.restore();
        }],
      },
    };
  }

  function draw(host, data, large) {
    const b = data.buckets;
    const low = b.min.map(number);
    const high = b.max.map(number);
    const levels = [data.levels.warn_below, data.levels.warn_clears_at, data.levels.critical_below, data.levels.critical_clears_at].map(number).filter((v) => v !== null);
    const readout = host.closest('.chart-cell, figure').querySelector('.readout');
    const muted = css('--muted');
    const axis = { stroke: muted, font: (large ? 12 : 10) + 'px system-ui, sans-serif', grid: { stroke: '#8882', width: 1 }, ticks: { stroke: '#8884', width: 1, size: 3 } };
    const opts = {
      width: Math.max(160, host.clientWidth),
      height: large ? 300 : 92,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: true, range: [b.t[0], b.t[b.t.length - 1]] },
        y: {
          range: (u, min, max) => {
            const all = [min, max, ...levels].filter((v) => v !== null && Number.isFinite(v));
            let lo = Math.min(...all);
            let hi = Math.max(...all);
            if (hi === lo) { hi += 1; lo -= 1; }
            const pad = (hi - lo) * 0.08;
            return [Math.max(lo >= 0 ? 0 : -Infinity, lo - pad), hi + pad];
          },
        },
      },
      axes: [
        { ...axis, size: large ? 36 : 22, space: large ? 80 : 60, values: tick },
        { ...axis, size: large ? 70 : 44, space: large ? 40 : 24, values: (u, splits) => splits.map(compact), label: large && data.currency ? data.currency : undefined, labelSize: large ? 18 : 0 },
      ],
      series: [
        { value: (u, v) => when(v) },
        { label: 'lowest', stroke: css('--line'), width: 1.5, points: { show: false } },
        { label: 'highest', stroke: css('--line'), width: 1.5, points: { show: false } },
      ],
      bands: [{ series: [2, 1], fill: css('--line') + '33' }],
      plugins: [levelsPlugin(data)],
      hooks: { setCursor: [(u) => { if (readout) readout.textContent = readoutText(data, u.cursor.idx); }] },
    };
    if (zone && uPlot.tzDate) opts.tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), zone);
    host.textContent = '';
    const plot = new uPlot(opts, [b.t, low, high], host);
    plot.host = host;
    plots.add(plot);
    host.dataset.drawnTo = String(b.t[b.t.length - 1]);
    host.dataset.last = b.max[b.max.length - 1] === null ? '' : b.max[b.max.length - 1];
    host.dataset.range = range;
    if (readout) readout.textContent = readoutText(data, null);
    host.closest('.chart-cell, figure').classList.add('drawn');
  }

  async function chartFor(rule, account, points) {
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
})();
`;
