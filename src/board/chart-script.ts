/*
 * The chart half of the board's script (see board-script.ts, which joins the
 * two halves into one function scope): the shared settings, number and time
 * formatting, and drawing one uPlot chart with its levels, marks and readout.
 * Plain browser JavaScript in a string, so it avoids backticks and "${" inside.
 */
export const CHART_SCRIPT = String.raw`  const body = document.body;
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
    // The page's colours, read once per chart: every redraw would otherwise recompute the style per mark.
    const colour = { ok: css('--ok'), warning: css('--warning'), critical: css('--critical'), edge: css('--bg') || '#fff' };
    const levels = [
      [number(data.levels.warn_below), number(data.levels.warn_clears_at), colour.warning],
      [number(data.levels.critical_below), number(data.levels.critical_clears_at), colour.critical],
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
            ctx.fillStyle = mark.kind === 'resolved' ? colour.ok : mark.level === 'critical' ? colour.critical : colour.warning;
            ctx.fill();
            ctx.strokeStyle = colour.edge;
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

`;
