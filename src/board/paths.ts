/**
 * The board's paths, on their own so the HTTP server can route them without
 * loading the board (it is loaded on its first request).
 */

/** Static files: they hold no data, so they are served without the board's password. */
export const BOARD_ASSET_PATHS: ReadonlySet<string> = new Set(['/board.js', '/board.css', '/uplot.js', '/uplot.css', '/favicon.svg', '/favicon.ico']);

/** Everything the board serves: its page, its API and its static files. */
export const BOARD_PATHS: ReadonlySet<string> = new Set(['/', '/api/status', '/api/history', ...BOARD_ASSET_PATHS]);
