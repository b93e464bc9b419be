import { mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { boardAsset } from '../src/board/assets.js';
import { chartData } from '../src/board/chart-data.js';
import { BoardRoutes } from '../src/board/routes.js';
import { renderBoardPage } from '../src/board/render-board.js';
import { parseConfigText } from '../src/config/load.js';
import { initialState } from '../src/rules/alert.js';
import { SqliteStore } from '../src/store/sqlite/open.js';
import { percentile, round } from './measure.js';

const DAY_MS = 86_400_000;
const FIVE_MINUTES = 300_000;

export interface BoardFigures {
  readonly accounts: number;
  /** Reading the store and rendering, warm, median of 20. */
  readonly pageMs: number;
  /** Of which building the HTML from the facts. */
  readonly renderMs: number;
  readonly pageKb: number;
  /** The first page after a start: it reads a day of history into the chart cache. */
  readonly firstPageMs: number;
  /** The page as it is sent (gzip). */
  readonly pageGzipKb: number;
  /** One account's chart data over 30 days of 5-minute history, at the widest chart the board asks for (1,000 buckets). */
  readonly chart30dKb: number;
  /** Building it from the store's rows. */
  readonly chart30dMs: number;
  /** The board's scripts and style sheets (its own and uPlot's), gzip, as the browser fetches them. */
  readonly assetsGzipKb: number;
}

const gzipKb = (text: string) => round(gzipSync(Buffer.from(text), { level: 6 }).length / 1024);

/** The board for `accounts` balances with a day of 5-minute history each, served from a real SQLite store. */
export async function benchBoard(accounts = 1_000): Promise<BoardFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  const config = parseConfigText(
    `schedule: "*/5 * * * *"
state: ./state.db
sources:
  - { id: apay, type: apay, base_url: "https://apay.example.com", project_id: 1, api_key: k, currencies: { "*": INR } }
rules:
  - { name: UPI, source: apay, payment_system: "upi_*", warn_below: 200000, critical_below: 50000 }
`,
    { file: path.join(dir, 'config.yaml'), env: {} },
  ).config!;
  const store = SqliteStore.open(config.state);
  const now = Date.now();
  const value = (i: number, step: number) => ({ amount: { units: BigInt(50_000_000 + ((i * 7_919 + step * 104_729) % 40_000_000)), scale: 2 }, currency: 'INR' });
  for (let at = now - DAY_MS, step = 0; at <= now; at += FIVE_MINUTES, step += 1) {
    await store.commitCycle({
      source: 'apay',
      now: at,
      alerts: Array.from({ length: accounts }, (_, i) => ({ rule: 'UPI', account: `upi_${i}`, state: { ...initialState(now - DAY_MS), level: i % 25 === 0 ? ('warning' as const) : ('ok' as const), lastValue: value(i, step), previousValue: value(i, step - 1), lastObservedAt: at } })),
      observations: Array.from({ length: accounts }, (_, i) => ({ account: `upi_${i}`, value: value(i, step) })),
      outbox: [],
    });
  }
  const routes = new BoardRoutes(async () => ({ store, config, role: 'leader', refreshMs: 5_000, intervalMs: FIVE_MINUTES, now: Date.now() }));
  const context = { store, config, role: 'leader' as const, refreshMs: 5_000, intervalMs: FIVE_MINUTES, now: Date.now() };
  let started = performance.now();
  await routes.board(context);
  const firstPageMs = performance.now() - started;
  const pages: number[] = [];
  const renders: number[] = [];
  let html = '';
  for (let i = 0; i < 25; i += 1) {
    started = performance.now();
    const board = await routes.board({ ...context, now: Date.now() });
    const built = performance.now();
    html = renderBoardPage(board, { refreshMs: 5_000, assetVersion: '1' });
    const done = performance.now();
    if (i >= 5) {
      pages.push(done - started);
      renders.push(done - built);
    }
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  // 30 days of one account, as /api/history?since=30d&points=1000 answers it.
  const month = Array.from({ length: (30 * DAY_MS) / FIVE_MINUTES }, (_, step) => ({ at: now - 30 * DAY_MS + step * FIVE_MINUTES, value: value(1, step) }));
  const alert = { rule: 'UPI', account: 'upi_1', source: 'apay', state: initialState(now), updatedAt: now };
  started = performance.now();
  const chart = await chartData({ history: async () => month }, config, alert, [], { from: now - 30 * DAY_MS, to: now, points: 1_000, intervalMs: FIVE_MINUTES });
  const chart30dMs = performance.now() - started;
  return {
    accounts,
    pageMs: round(percentile(pages, 50)),
    renderMs: round(percentile(renders, 50)),
    pageKb: round(Buffer.byteLength(html) / 1024),
    pageGzipKb: gzipKb(html),
    firstPageMs: round(firstPageMs),
    chart30dKb: round(Buffer.byteLength(JSON.stringify(chart)) / 1024),
    chart30dMs: round(chart30dMs),
    assetsGzipKb: ['/board.js', '/board.css', '/uplot.js', '/uplot.css'].reduce((sum, p) => sum + gzipKb(boardAsset(p)!.body), 0),
  };
}
