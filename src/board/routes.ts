import type { ServerResponse } from 'node:http';
import type { Config } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import { decimalToString } from '../money/decimal.js';
import type { SourceHealth } from '../sources/source.js';
import type { StateStore } from '../store/store.js';
import { packageVersion } from '../version.js';
import { boardAsset } from './assets.js';
import { type Board, buildBoard } from './board.js';
import { boardJson } from './board-json.js';
import { MAX_CHART_POINTS, chartData } from './chart-data.js';
import { send, sendCompactJson, sendJson } from './headers.js';
import { renderBoardPage } from './render-board.js';
import { ChartSeries } from './series.js';

/** What a request needs from the daemon, read when it arrives (the config may have been reloaded, the role changed). */
export interface BoardContext {
  readonly store: StateStore;
  readonly config: Config;
  readonly role: 'leader' | 'follower';
  readonly leader?: string;
  /** About one cycle: how often the page asks for news. */
  readonly refreshMs: number;
  /** The longest gap between scheduled cycles (0 on a follower). */
  readonly intervalMs: number;
  /** The leader's: each source's last good answer and failure. */
  readonly sourceHealth?: ReadonlyMap<string, SourceHealth>;
  readonly now: number;
}

const DAY_MS = 86_400_000;
const FAILURES_SHOWN = 20;

/** The board's pages: read-only views of the store, built per request. */
export class BoardRoutes {
  private readonly series = new ChartSeries();
  private readonly version = packageVersion();

  constructor(private readonly context: () => Promise<BoardContext>) {}

  async handle(path: string, query: URLSearchParams, res: ServerResponse, acceptEncoding = ''): Promise<void> {
    const asset = boardAsset(path);
    if (asset) return send(res, 200, asset.type, asset.body, 'asset', acceptEncoding);
    const context = await this.context();
    if (path === '/api/history') return this.history(context, query, res, acceptEncoding);
    const board = await this.board(context);
    if (path === '/api/status') return sendJson(res, 200, boardJson(board), acceptEncoding);
    const tv = query.get('tv') === '1';
    return send(res, 200, 'text/html; charset=utf-8', renderBoardPage(board, { refreshMs: context.refreshMs, assetVersion: this.version, tv }), 'live', acceptEncoding);
  }

  /** Everything the page shows, from the store: alerts, a day of charts, events, silences and channels. */
  async board(context: BoardContext): Promise<Board> {
    const { store, now } = context;
    const [alerts, series, silences, events, failed, channels] = await Promise.all([
      store.alerts(),
      this.series.refresh(store, now, context.intervalMs),
      store.silences(now, now - DAY_MS),
      store.eventsBetween(now - DAY_MS, now + 1),
      store.failedMessages(FAILURES_SHOWN),
      store.channelHealth.all(now),
    ]);
    const known = new Set(context.config.channels.map((c) => c.id));
    return buildBoard({
      config: context.config,
      alerts,
      series,
      silences,
      events,
      failed: failed.filter((m) => m.failedAt !== null && m.failedAt >= now - DAY_MS),
      channels: channels.filter((h) => known.has(h.channel) || h.waiting > 0),
      now,
      intervalMs: context.intervalMs,
      ...(context.sourceHealth === undefined ? {} : { sourceHealth: context.sourceHealth }),
      role: context.role,
      ...(context.leader === undefined ? {} : { leader: context.leader }),
    });
  }

  /**
   * GET /api/history?rule=…[&account=…][&since=24h]: every observation, exact.
   * With `&points=N`, each account's history over the range as N buckets of
   * its lowest and highest balance (what a chart of that width can show), its
   * levels and where it fired and resolved: the board's charts.
   */
  private async history(context: BoardContext, query: URLSearchParams, res: ServerResponse, acceptEncoding: string): Promise<void> {
    const rule = query.get('rule');
    if (!rule) return sendJson(res, 400, { error: 'name the rule: /api/history?rule=NAME[&account=ACCOUNT][&since=24h]' });
    const since = parseDuration(query.get('since') ?? '24h');
    if (!since.ok) return sendJson(res, 400, { error: `since: ${since.error}` });
    const account = query.get('account');
    const alerts = (await context.store.alerts()).filter((a) => a.rule === rule && (account === null || a.account === account));
    if (alerts.length === 0) return sendJson(res, 404, { error: account === null ? `no rule "${rule}" in the state store` : `rule "${rule}" has no account "${account}"` });
    // No further back than the store keeps: a huge `since` is the whole history, not a date before year 0.
    const from = context.now - Math.min(since.value, context.config.history_retention);
    const points = query.get('points');
    if (points !== null) {
      const count = Number(points);
      if (!Number.isInteger(count) || count < 2 || count > MAX_CHART_POINTS) return sendJson(res, 400, { error: `points: a whole number from 2 to ${MAX_CHART_POINTS}` });
      const events = await context.store.eventsBetween(from, context.now + 1);
      const range = { from, to: context.now, points: count, intervalMs: context.intervalMs };
      const charts = await Promise.all(alerts.map((alert) => chartData(context.store, context.config, alert, events, range)));
      return sendCompactJson(res, 200, { rule, since: new Date(from).toISOString(), until: new Date(context.now).toISOString(), accounts: charts }, acceptEncoding);
    }
    const accounts = await Promise.all(
      alerts.map(async (alert) => {
        const observations = await context.store.history(alert.source, alert.account, from);
        return {
          account: alert.account,
          source: alert.source,
          currency: observations.at(-1)?.value.currency ?? alert.state.lastValue?.currency ?? null,
          observations: observations.map((o) => ({ at: new Date(o.at).toISOString(), balance: decimalToString(o.value.amount) })),
        };
      }),
    );
    return sendJson(res, 200, { rule, since: new Date(from).toISOString(), accounts }, acceptEncoding);
  }
}
