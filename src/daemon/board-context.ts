import type { ServerResponse } from 'node:http';
import type { ActionContext } from '../board/action-shell.js';
import type { AlertPageContext } from '../board/alert-page.js';
import type { BoardContext, BoardRoutes } from '../board/routes.js';
import type { HttpHandlers } from './http-server.js';
import type { Config } from '../config/types.js';
import type { SourceHealth } from '../sources/source.js';
import type { StateStore } from '../store/store.js';

/** The board asks for news about once a cycle, within these bounds. */
const MIN_BOARD_REFRESH_MS = 1_000;
const MAX_BOARD_REFRESH_MS = 60_000;
const DEFAULT_BOARD_REFRESH_MS = 5_000;

/** What the board reads per request, from the daemon as it is at that moment. */
export function boardContextOf(facts: {
  readonly store: StateStore;
  readonly config: Config;
  readonly leading: boolean;
  readonly leader: string | undefined;
  /** The longest gap between scheduled cycles, 0 while none is scheduled (a follower). */
  readonly intervalMs: number;
  /** The leader's: each source's last good answer and failure. */
  readonly sourceHealth?: ReadonlyMap<string, SourceHealth>;
  readonly now: number;
}): BoardContext {
  return {
    store: facts.store,
    config: facts.config,
    role: facts.leading ? 'leader' : 'follower',
    ...(facts.leader === undefined ? {} : { leader: facts.leader }),
    intervalMs: facts.intervalMs,
    ...(facts.sourceHealth === undefined ? {} : { sourceHealth: facts.sourceHealth }),
    refreshMs: Math.min(MAX_BOARD_REFRESH_MS, Math.max(MIN_BOARD_REFRESH_MS, facts.intervalMs || DEFAULT_BOARD_REFRESH_MS)),
    now: facts.now,
  };
}

export type BoardHandler = (path: string, query: URLSearchParams, res: ServerResponse, acceptEncoding: string) => Promise<void>;

/** The board, loaded on its first request: a daemon nobody looks at never pays for it. */
export function lazyBoard(context: () => Promise<BoardContext>): BoardHandler {
  let routes: BoardRoutes | undefined;
  return async (path, query, res, acceptEncoding) => {
    if (!routes) {
      const { BoardRoutes } = await import('../board/routes.js');
      routes ??= new BoardRoutes(context);
    }
    await routes.handle(path, query, res, acceptEncoding);
  };
}

export type ActionHandler = HttpHandlers['action'];

/** Action pages, loaded on the first link anyone opens. */
export function lazyActions(context: () => ActionContext): ActionHandler {
  return async (request, res) => {
    const { handleAction } = await import('../board/action-page.js');
    await handleAction(request, context(), res);
  };
}

/** Alert pages, loaded on the first one anyone opens. */
export function lazyAlertPages(context: () => AlertPageContext): HttpHandlers['alertPage'] {
  return async (request, res) => {
    const { handleAlertPage } = await import('../board/alert-page.js');
    await handleAlertPage(request, context(), res);
  };
}
