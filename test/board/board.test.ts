import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { challenge, isAuthorized } from '../../src/board/access.js';
import { type BoardInput, buildBoard, seriesKey } from '../../src/board/board.js';
import { boardJson } from '../../src/board/board-json.js';
import { chartSvg } from '../../src/board/chart.js';
import { renderBoardPage } from '../../src/board/render-board.js';
import { escapeHtml } from '../../src/html.js';
import { CHART_POINTS, ChartSeries, thin } from '../../src/board/series.js';
import { parseConfigText } from '../../src/config/load.js';
import { type AlertState, initialState } from '../../src/rules/alert.js';
import type { SourcedObservation, StoredAlert } from '../../src/store/store.js';
import { bdt, T0 } from '../helpers/events.js';

const CONFIG = parseConfigText(
  `schedule: "*/5 * * * *"
timezone: Asia/Dhaka
sources:
  - { id: apay, type: apay, base_url: "https://apay.example.com", project_id: 1, api_key: k, currencies: { "*": BDT } }
rules:
  - { name: "bKash", source: apay, payment_system: "bkash_*", warn_below: 50000, critical_below: 10000 }
  - { name: "<script>alert(1)</script>", source: apay, payment_system: "evil", warn_below: 100 }
`,
  { file: '/etc/bw/config.yaml', env: {} },
).config!;

const NOW = T0 + 86_400_000;

function alert(account: string, state: Partial<AlertState>, rule = 'bKash'): StoredAlert {
  return { rule, account, source: 'apay', state: { ...initialState(T0), lastValue: bdt(6_000_000n), lastObservedAt: NOW - 1_000, ...state }, updatedAt: NOW - 1_000 };
}

const input = (overrides: Partial<BoardInput> = {}): BoardInput => ({
  config: CONFIG,
  alerts: [],
  series: new Map(),
  silences: [],
  events: [],
  failed: [],
  channels: [],
  now: NOW,
  role: 'leader',
  intervalMs: 300_000,
  ...overrides,
});

describe('the board model', () => {
  it('puts firing alerts first, by severity, then the shortest runway', () => {
    const board = buildBoard(
      input({
        alerts: [
          alert('bkash_ok', {}),
          alert('bkash_pending', { warnStreak: 1 }),
          alert('bkash_runway_long', { projection: { at: NOW - 1_000, ms: 7_200_000, target: 'critical' } }),
          alert('bkash_runway_short', { projection: { at: NOW - 1_000, ms: 600_000, target: 'critical' } }),
          alert('bkash_warning', { level: 'warning', lastValue: bdt(4_000_000n) }),
          alert('bkash_critical', { level: 'critical', lastValue: bdt(500_000n) }),
          alert('bkash_nodata', { noDataSince: NOW - 60_000 }),
        ],
      }),
    );
    expect(board.rows.map((r) => `${r.state} ${r.account}`)).toEqual([
      'critical bkash_critical',
      'warning bkash_warning',
      'no data bkash_nodata',
      'pending bkash_pending',
      'ok bkash_runway_short',
      'ok bkash_runway_long',
      'ok bkash_ok',
    ]);
  });

  it('shows a muted alert as silenced, unless the silence mutes only warnings and it is critical', () => {
    const silence = { id: 1, rule: 'bKash', account: null, reason: 'top-up asked', createdAt: NOW - 600_000, until: NOW + 3_600_000, endedAt: null, endReason: null };
    const board = buildBoard(
      input({
        alerts: [alert('bkash_a', { level: 'warning' }), alert('bkash_b', { level: 'critical' })],
        silences: [{ ...silence, level: 'warning' }],
      }),
    );
    expect(board.rows.map((r) => [r.account, r.state])).toEqual([
      ['bkash_b', 'critical'],
      ['bkash_a', 'silenced'],
    ]);
    expect(board.rows[1]!.silence).toEqual({ id: 1, level: 'warning', until: NOW + 3_600_000, reason: 'top-up asked' });
    expect(board.events[0]).toMatchObject({ kind: 'silenced', rule: 'bKash', account: '*', detail: 'top-up asked' });
  });

  it('gives each row its levels in its currency, its change since the last check, and its runway only while current', () => {
    const [row] = buildBoard(
      input({ alerts: [alert('bkash_a', { previousValue: bdt(6_500_000n), projection: { at: NOW - 999_999, ms: 5, target: 'critical' } })] }),
    ).rows;
    expect(row!.change).toEqual(bdt(-500_000n));
    expect(row!.thresholds).toEqual({
      warn: { units: 5_000_000n, scale: 2 },
      critical: { units: 1_000_000n, scale: 2 },
      warnRecover: { units: 5_500_000n, scale: 2 },
      criticalRecover: { units: 1_100_000n, scale: 2 },
    });
    expect(row!.runwayMs).toBeNull();
  });

  it('lists events and delivery failures newest first', () => {
    const board = buildBoard(
      input({
        events: [{ source: 'apay', rule: 'bKash', account: 'bkash_a', kind: 'firing', level: 'warning', at: NOW - 5_000, value: bdt(4_000_000n) }],
        failed: [
          { id: 9, channel: 'finance', source: 'apay', message: { kind: 'test', channel: 'finance', at: 0 }, createdAt: 0, attempts: 1, nextAttemptAt: 0, lastError: 'mailbox unavailable', lastReason: 'client', sentAt: null, failedAt: NOW - 1_000 },
        ],
      }),
    );
    expect(board.events.map((e) => e.kind)).toEqual(['delivery_failed', 'firing']);
    expect(boardJson(board).events[0]).toEqual({ at: new Date(NOW - 1_000).toISOString(), kind: 'delivery_failed', rule: null, account: null, channel: 'finance', level: null, value: null, currency: null, detail: 'mailbox unavailable' });
  });

  it('shows sources by their address only: no user, password or query (a key may hide there)', () => {
    const config = { ...CONFIG, sources: [{ ...CONFIG.sources[0]!, base_url: 'https://ops:s3cret@apay.example.com/v1?api_key=k3y#x' }] };
    const board = buildBoard(input({ config, alerts: [alert('bkash_a', {})] }));
    expect(board.sources).toEqual([{ id: 'apay', type: 'apay', url: 'https://apay.example.com/v1', lastReadAt: NOW - 1_000, failure: null }]);
    const html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain('<td>https://apay.example.com/v1</td>');
    expect(html).not.toMatch(/s3cret|k3y|ops@/);
  });

  it('reports exact amounts in its JSON, with stable field names', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { level: 'warning', lastValue: bdt(4_000_001n), previousValue: bdt(4_000_000n) })] }));
    expect(boardJson(board)).toMatchObject({
      role: 'leader',
      timezone: 'Asia/Dhaka',
      updated_at: new Date(NOW - 1_000).toISOString(),
      balances: [
        {
          rule: 'bKash',
          account: 'bkash_a',
          source: 'apay',
          state: 'warning',
          level: 'warning',
          balance: '40000.01',
          currency: 'BDT',
          change: '0.01',
          warn_below: '50000.00',
          critical_below: '10000.00',
          recover_above: '55000.00',
          critical_recover_above: '11000.00',
          runway_seconds: null,
          silence: null,
        },
      ],
    });
  });
});

describe('the board page', () => {
  it('renders the change over the day, signed, in its direction, with the change since the last check on hover', () => {
    const series = new Map([[seriesKey('apay', 'bkash_a'), [{ at: NOW - 86_400_000, value: bdt(8_000_000n) }, { at: NOW - 1_000, value: bdt(4_500_000n) }]]]);
    const board = buildBoard(input({ alerts: [alert('bkash_a', { lastValue: bdt(4_500_000n), previousValue: bdt(4_600_000n) })], series }));
    expect(board.rows[0]!.dayChange).toEqual({ amount: bdt(-3_500_000n), since: NOW - 86_400_000 });
    const html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain('<td><i class="down" title="since 2026-11-21 15:00; since the last check: -1,000.00">-35,000.00</i></td>');
  });

  it('has no day change before a second reading, and says so only on hover', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { previousValue: bdt(6_100_000n) })], series: new Map([[seriesKey('apay', 'bkash_a'), [{ at: NOW - 1_000, value: bdt(6_000_000n) }]]]) }));
    expect(board.rows[0]!.dayChange).toBeNull();
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toContain('<td><i class="flat" title="since the last check: -1,000.00">—</i></td>');
  });

  it('shows an alert whose account left its source\'s answers as no data first, with since when and why, and what it was', () => {
    const board = buildBoard(input({ alerts: [alert('upi_old', { level: 'warning', lastValue: bdt(4_000_000n), missingSince: NOW - 120_000, failures: 1 }, 'UPI')] }));
    expect(board.rows[0]).toMatchObject({ state: 'no data', level: 'warning', missingSince: NOW - 120_000, noData: { since: NOW - 120_000, why: "not in apay's answers" } });
    const html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain("<b>no data</b><br><small>was warning</small><br><small>since 14:58:00: not in apay&#39;s answers</small>");
    expect(html).toContain('<span class="s-no-data"><b>1 no data</b></span>');
  });

  it('says why a failing source has no data, from the replica that fetches', () => {
    const sourceHealth = new Map([['apay', { lastOkAt: NOW - 3_600_000, failure: { message: 'HTTP 503 from A-Pay', since: NOW - 3_000_000 } }]]);
    const board = buildBoard(input({ alerts: [alert('bkash_a', { noDataSince: NOW - 600_000, lastObservedAt: NOW - 3_600_000 })], sourceHealth }));
    expect(board.rows[0]).toMatchObject({ state: 'no data', noData: { why: 'apay fails: HTTP 503 from A-Pay' }, stale: true, readAt: NOW - 3_600_000 });
    expect(board.sources[0]!.failure).toEqual({ message: 'HTTP 503 from A-Pay', since: NOW - 3_000_000 });
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toContain('<small class="failing">failing since 14:10:00: HTTP 503 from A-Pay</small>');
  });

  it('reads levels as words with the currency, the headroom to the nearest level, and how much to top up', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { lastValue: bdt(5_900_000n) }), alert('bkash_b', { level: 'warning', lastValue: bdt(1_050_000n) }), alert('bkash_c', { level: 'critical', lastValue: bdt(880_000n) })] }));
    const html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain('<i class="w">warning below 50,000.00 BDT (clears at 55,000.00)</i><br><i class="c">critical below 10,000.00 BDT (clears at 11,000.00)</i>');
    const row = (account: string) => html.split('\n').find((line) => line.includes(`<td>${account}</td>`))!;
    expect(row('bkash_a')).toContain('<td><i>18 % above warning</i><br><small>+9,000.00 BDT</small></td>');
    expect(row('bkash_b')).toContain('<td><i class="w">5 % above critical</i><br><small>+500.00 BDT</small><br><small class="topup">top up at least 44,500.00 BDT (to 55,000.00, the recovery level)</small></td>');
    expect(row('bkash_c')).toContain('<td><i class="c">12 % below critical</i><br><small>−1,200.00 BDT</small><br><small class="topup">top up at least 46,200.00 BDT (to 55,000.00, the recovery level)</small></td>');
    expect(boardJson(board).balances.find((b) => b.account === 'bkash_c')?.top_up).toEqual({ at_least: '46200.00', to: '55000.00', currency: 'BDT', cover: null });
    expect(boardJson(board).balances.find((b) => b.account === 'bkash_a')?.top_up).toBeNull();
  });

  it('gives the runway with the time it projects to', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { projection: { at: NOW - 1_000, ms: 12_000_000, target: 'critical' } })] }));
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toContain('<td>≈ 3 h 20 min<br><small>about 18:20</small></td>');
    // A crossing on another day keeps its minutes and gains its date.
    const tomorrow = buildBoard(input({ alerts: [alert('bkash_a', { projection: { at: NOW - 1_000, ms: 30 * 3_600_000, target: 'critical' } })] }));
    expect(renderBoardPage(tomorrow, { refreshMs: 5_000, assetVersion: '1' })).toContain('<td>≈ 1 d 6 h<br><small>about 2026-11-23 21:00</small></td>');
  });

  it('shows a firing drop in the state cell and the JSON', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { lastValue: bdt(13_000_000n), dropSince: NOW - 600_000, dropRatio: 0.35 })] }));
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toContain('<small class="drop">fell 35 % since ');
    expect(boardJson(board).balances[0]!.drop).toEqual({ since: new Date(NOW - 600_000).toISOString(), ratio: 0.35 });
    expect(boardJson(buildBoard(input({ alerts: [alert('bkash_a', { dropRatio: 0.1 })] }))).balances[0]!.drop).toBeNull();
    // A balance falling fast sorts among the warnings, above what is merely ok.
    const sorted = buildBoard(input({ alerts: [alert('a_ok', {}), alert('z_drop', { dropSince: NOW, dropRatio: 0.4 }), alert('m_warning', { level: 'warning' })] }));
    expect(sorted.rows.map((r) => r.account)).toEqual(['m_warning', 'z_drop', 'a_ok']);
  });

  it('says what covers the next 24 h while a warning falls, on hover and in the JSON', () => {
    // 45,000.00 falling to the critical 10,000.00 in 35 h: 1,000.00 an hour.
    const falling = alert('bkash_a', { level: 'warning', lastValue: bdt(4_500_000n), projection: { at: NOW - 1_000, ms: 35 * 3_600_000, target: 'critical' } });
    const board = buildBoard(input({ alerts: [falling] }));
    expect(boardJson(board).balances[0]!.top_up).toEqual({ at_least: '10000.00', to: '55000.00', currency: 'BDT', cover: { amount: '34000.00', seconds: 86_400 } });
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toContain('<small class="topup" title="34,000.00 BDT covers the next 24 h at the current rate">top up at least 10,000.00 BDT');
  });

  it('sorts names as people do: case does not put "bKash" after "UPI"', () => {
    const board = buildBoard(input({ alerts: [alert('x', {}, 'UPI'), alert('x', {}, 'bKash'), alert('x', {}, 'Alpha')] }));
    expect(board.rows.map((r) => r.rule)).toEqual(['Alpha', 'bKash', 'UPI']);
  });

  it('colours a warning that fired amber and a critical red, in the class as well as the word', () => {
    const events = [
      { source: 'apay', rule: 'bKash', account: 'a', kind: 'firing' as const, level: 'warning' as const, at: NOW - 5_000, value: null },
      { source: 'apay', rule: 'bKash', account: 'b', kind: 'firing' as const, level: 'critical' as const, at: NOW - 4_000, value: null },
    ];
    const html = renderBoardPage(buildBoard(input({ events })), { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain('<li class="e-firing l-warning">');
    expect(html).toContain('<li class="e-firing l-critical">');
  });

  it('totals each currency at the top: each account once, the day\'s change, and the shortest runway in it', () => {
    const series = new Map([[seriesKey('apay', 'bkash_a'), [{ at: NOW - 86_400_000, value: bdt(7_000_000n) }]]]);
    const alerts = [
      alert('bkash_a', { lastValue: bdt(6_000_000n), projection: { at: NOW - 1_000, ms: 7_200_000, target: 'critical' } }),
      alert('bkash_b', { lastValue: bdt(1_000_001n) }),
      // The same account under a second rule is the same money.
      alert('bkash_a', { lastValue: bdt(6_000_000n) }, 'bKash copy'),
      { ...alert('usd_x', {}), state: { ...initialState(T0), lastValue: { amount: { units: 5n, scale: 0 }, currency: 'USD' }, lastObservedAt: NOW - 1_000 } },
    ];
    const board = buildBoard(input({ alerts, series }));
    expect(boardJson(board).totals).toEqual([
      { currency: 'BDT', total: '70000.01', accounts: 2, change_24h: '-10000.00', change_24h_accounts: 1, lowest_runway: { seconds: 7_200, rule: 'bKash', account: 'bkash_a' } },
      { currency: 'USD', total: '5', accounts: 1, change_24h: null, change_24h_accounts: 0, lowest_runway: null },
    ]);
    const html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain(
      '<ul class="totals" aria-label="Totals by currency"><li><span>BDT · 2 accounts</span><b>70,000.01 BDT</b><br><small>24 h: <i class="down">-10,000.00</i> (1 of 2 accounts)</small><br><small>shortest runway ≈ 2 h: bKash / bkash_a</small></li><li><span>USD · 1 account</span><b>5 USD</b></li></ul>',
    );
  });

  it('has a wall display: no forms, no lower sections, no range buttons', () => {
    const board = buildBoard(input({ alerts: [alert('bkash_a', { level: 'warning', lastValue: bdt(4_000_000n) })] }));
    const tv = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1', tv: true });
    expect(tv).toContain('<body class="tv"');
    expect(tv).not.toMatch(/<form|Recent events|id="ranges"/);
    expect(renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' })).toMatch(/<form class="row"[\s\S]*Recent events[\s\S]*|id="ranges"/);
  });

  it('renders every name as text: a rule called <script> cannot run', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderBoardPage(buildBoard(input({ alerts: [alert('evil', {}, evil), alert('"><img src=x onerror=alert(2)>', {})] })), { refreshMs: 5_000, assetVersion: '1' });
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain('<script src="/uplot.js?v=1" defer></script><script src="/board.js?v=1" defer></script>');
    expect(html).not.toMatch(/<img|style=/);
  });

  it('on a follower, marks a balance as stale only when its reading is older than the stored heartbeat allows', () => {
    const html = renderBoardPage(
      buildBoard(input({ alerts: [alert('bkash_now', {}), alert('bkash_steady', { lastObservedAt: NOW - 1_000 - 4 * 60_000 }), alert('bkash_lost', { lastObservedAt: NOW - 1_000 - 10 * 60_000 })] })),
      { refreshMs: 5_000, assetVersion: '1' },
    );
    const row = (account: string) => html.split('\n').find((line) => line.includes(`<td>${account}</td>`))!;
    expect(row('bkash_steady')).not.toContain('class="stale"');
    expect(row('bkash_lost')).toContain('<small class="stale">10 min 1 s old (read 14:49:59)</small>');
  });

  it('on the leader, judges a balance by its source\'s last good answer: stale after two schedule intervals', () => {
    const alerts = [alert('bkash_steady', { lastObservedAt: NOW - 8 * 60_000 }), alert('bkash_gone', { lastObservedAt: NOW - 8 * 60_000, missingSince: NOW - 7 * 60_000 })];
    const fresh = buildBoard(input({ alerts, intervalMs: 60_000, sourceHealth: new Map([['apay', { lastOkAt: NOW - 2_000, failure: null }]]) }));
    expect(fresh.rows.map((r) => [r.account, r.stale, r.readAt])).toEqual([
      ['bkash_gone', true, NOW - 8 * 60_000],
      ['bkash_steady', false, NOW - 2_000],
    ]);
    const failing = buildBoard(input({ alerts, intervalMs: 60_000, sourceHealth: new Map([['apay', { lastOkAt: NOW - 150_000, failure: { message: 'timeout', since: NOW - 90_000 } }]]) }));
    expect(failing.rows.find((r) => r.account === 'bkash_steady')).toMatchObject({ stale: true, readAt: NOW - 150_000 });
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f');
  });

  it('weighs under 700 KB for 1,000 accounts with a day of charts, and under 100 KB as it is sent (gzip)', () => {
    const alerts = Array.from({ length: 1_000 }, (_, i) => alert(`bkash_${i}`, { level: i % 10 === 0 ? 'warning' : 'ok', previousValue: bdt(6_000_100n) }));
    // Charts as the cache hands them over: thinned to their most points, each point moving.
    const series = new Map(alerts.map((a, i) => [seriesKey('apay', a.account), Array.from({ length: CHART_POINTS }, (_, j) => ({ at: NOW - 86_400_000 + j * 3_600_000, value: bdt(BigInt(6_000_000 + ((i * 7 + j * 13) % 40) * 100_000)) }))]));
    const html = renderBoardPage(buildBoard(input({ alerts, series })), { refreshMs: 5_000, assetVersion: '1' });
    // Words for the levels, the day's change and the headroom cost about 200 bytes a row; they repeat, and compress to little.
    expect(Buffer.byteLength(html)).toBeLessThan(700_000);
    expect(gzipSync(html).length).toBeLessThan(100_000);
  });
});

describe('the chart', () => {
  const thresholds = { warn: { units: 5_000_000n, scale: 2 }, critical: { units: 1_000_000n, scale: 2 } };

  it('draws the balance over its span, with dashed warning and critical lines', () => {
    const svg = chartSvg(
      [
        { at: NOW - 86_400_000, value: bdt(6_000_000n) },
        { at: NOW - 43_200_000, value: bdt(3_500_000n) },
        { at: NOW, value: bdt(1_000_000n) },
      ],
      thresholds,
      NOW,
      600_000,
    );
    expect(svg).toBe(
      '<svg viewBox="0 0 96 24"><path class="w" d="M0 5H96"/><path class="c" d="M0 23H96"/><polyline points="0,1 48,12 96,23"/></svg>',
    );
  });

  it('draws a younger history over the time it covers, and nothing when there is none', () => {
    expect(chartSvg([{ at: NOW - 60_000, value: bdt(100n) }, { at: NOW, value: bdt(200n) }], null, NOW, 600_000)).toBe('<svg viewBox="0 0 96 24"><title>the last 1 min</title><polyline points="0,23 96,1"/></svg>');
    expect(chartSvg([], thresholds, NOW, 600_000)).not.toContain('polyline');
  });

  it('draws a steady balance to now as a flat line, but not across a gap longer than a reading holds', () => {
    expect(chartSvg([{ at: NOW - 86_400_000, value: bdt(100n) }, { at: NOW - 240_000, value: bdt(100n) }], null, NOW, 600_000)).toContain('<polyline points="0,12 96,12"/>');
    expect(chartSvg([{ at: NOW - 86_400_000, value: bdt(100n) }, { at: NOW - 3_600_000, value: bdt(100n) }], null, NOW, 600_000)).toContain('<polyline points="0,12 92,12"/>');
  });

  it('thins any series to at most the points asked, evenly, keeping the first and the latest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 86_400_000 }), { minLength: 1, maxLength: 500 }), fc.integer({ min: 2, max: 60 }), (times, count) => {
        const points = [...times].sort((a, b) => a - b).map((at) => ({ at, value: bdt(BigInt(at)) }));
        const kept = thin(points, count);
        expect(kept.length).toBeLessThanOrEqual(Math.max(count, 1));
        expect(kept.at(-1)).toEqual(points.at(-1));
        expect(kept[0]).toEqual(points[0]);
        expect(kept.every((p, i) => i === 0 || p.at > kept[i - 1]!.at)).toBe(true);
        expect(kept.every((p) => points.includes(p))).toBe(true);
      }),
    );
  });
});

describe('the chart series cache', () => {
  it('reads a day once, then only what is new, and keeps the reading that stood when the day began', async () => {
    const reads: number[] = [];
    const rows: SourcedObservation[] = [];
    const store = { observationsAfter: async (after: number) => (reads.push(after), rows.filter((r) => r.at > after)) };
    const series = new ChartSeries();
    const day = 86_400_000;
    rows.push(
      { source: 'apay', account: 'a', at: NOW - day - 3_600_000, value: bdt(1n) },
      { source: 'apay', account: 'a', at: NOW - day - 120_000, value: bdt(100n) },
      { source: 'apay', account: 'a', at: NOW - 1_000, value: bdt(200n) },
    );
    // A reading from just before the day still stood at its start; one from an hour before did not and is not read.
    expect((await series.refresh(store, NOW, 60_000)).get(seriesKey('apay', 'a'))).toEqual([
      { at: NOW - day - 120_000, value: bdt(100n) },
      { at: NOW - 1_000, value: bdt(200n) },
    ]);
    rows.push({ source: 'apay', account: 'a', at: NOW + 5_000, value: bdt(300n) });
    expect((await series.refresh(store, NOW + 10_000, 60_000)).get(seriesKey('apay', 'a'))?.map((p) => p.at)).toEqual([NOW - day - 120_000, NOW - 1_000, NOW + 5_000]);
    expect(reads).toEqual([NOW - day - 600_000, NOW - 1_000 - 60_000]);
    // A day on, the reading of NOW - 1 s stands at the day's start; the older ones are gone.
    expect((await series.refresh(store, NOW + day - 2_000, 60_000)).get(seriesKey('apay', 'a'))?.map((p) => p.at)).toEqual([NOW - 1_000, NOW + 5_000]);
    expect((await series.refresh(store, NOW + day + 500_000, 60_000)).get(seriesKey('apay', 'a'))?.map((p) => p.at)).toEqual([NOW + 5_000]);
    // Once even that reading no longer holds at the day's start, the account has no chart.
    expect((await series.refresh(store, NOW + day + 700_000, 60_000)).has(seriesKey('apay', 'a'))).toBe(false);
  });
});

describe('board access', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const access = { basic: { username: 'treasury', password: 'pa:ss' }, token: 'tok-123', authMetrics: false };

  it.each([
    ['the right user and password (a colon in the password)', basic('treasury', 'pa:ss'), true],
    ['a wrong password', basic('treasury', 'pass'), false],
    ['a wrong user', basic('finance', 'pa:ss'), false],
    ['the bearer token', 'Bearer tok-123', true],
    ['a wrong token', 'Bearer tok-124', false],
    ['no header', undefined, false],
    ['garbage', 'Basic !!!', false],
    ['another scheme', 'Digest abc', false],
  ])('%s', (_what, header, expected) => {
    expect(isAuthorized(header, access)).toBe(expected);
  });

  it('is open when neither auth nor token is set, and challenges for Basic when it is', () => {
    expect(isAuthorized(undefined, { authMetrics: false })).toBe(true);
    expect(challenge(access)).toBe('Basic realm="balance-watch", charset="UTF-8"');
    expect(challenge({ token: 't', authMetrics: false })).toBe('Bearer realm="balance-watch"');
  });
});
