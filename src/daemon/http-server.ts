import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { challenge, isAuthorized } from '../board/access.js';
import type { ActionRequest } from '../board/action-shell.js';
import type { AlertPageRequest } from '../board/alert-page.js';
import { BOARD_ASSET_PATHS, BOARD_PATHS } from '../board/paths.js';
import { SECURITY_HEADERS } from '../http-security.js';
import type { HttpAccess } from '../config/types.js';
import { errorMessage } from '../error-message.js';
import type { Readiness } from './readiness.js';

/** Where action links point; the page itself is the board's (loaded on first use). */
const ACTION_PREFIX = '/a/';
/** An alert's own page. */
const ALERT_PATH = '/alert';
/** An action's form is a name and a note: anything larger is not one. */
const MAX_FORM_BYTES = 16_384;

const clientOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

function askForCredentials(res: ServerResponse, access: HttpAccess): void {
  res.writeHead(401, { ...SECURITY_HEADERS, 'WWW-Authenticate': challenge(access), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('authentication required\n');
}

/** GET or HEAD shows a page; only POST, with its small urlencoded form, acts. */
function serveForm(req: IncomingMessage, res: ServerResponse, handlers: HttpHandlers, what: string, answer: (method: string, form?: URLSearchParams) => Promise<void>): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD, POST' }).end();
    return;
  }
  const respond = (form?: URLSearchParams) =>
    void answer(method, form).catch((error: unknown) => {
      handlers.failed(what, error);
      if (res.headersSent) res.destroy();
      else res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('the action could not be taken now: nothing was done; try again in a minute\n');
    });
  if (method !== 'POST') return respond();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) {
      res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('the form is too large\n');
      req.destroy();
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= MAX_FORM_BYTES) respond(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The metrics address cannot be used: a problem the user fixes in the config. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

function listenProblem(listen: { host: string; port: number }, error: NodeJS.ErrnoException): string {
  const where = `http.listen ${listen.host}:${listen.port}`;
  if (error.code === 'EADDRINUSE') return `${where}: the port is already in use (another balance-watch?); choose another port, 0 for any free one, or listen: false`;
  if (error.code === 'EACCES') return `${where}: not allowed to listen there (ports below 1024 need privileges); choose a port above 1024`;
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return `${where}: this machine has no such address; use 127.0.0.1, 0.0.0.0 or one of its own addresses`;
  return `${where}: cannot listen (${error.code ?? error.message})`;
}


export interface HttpHandlers {
  readonly registry: Registry;
  readonly readiness: () => Promise<Readiness>;
  /** Who may read the board and API (and metrics and health, with authMetrics). */
  readonly access: HttpAccess;
  readonly board: (path: string, query: URLSearchParams, res: ServerResponse, acceptEncoding: string) => Promise<void>;
  /** An action link (`/a/TOKEN`): its signature is the authorisation, so no board password is asked. */
  readonly action: (request: ActionRequest, res: ServerResponse) => Promise<void>;
  /** An alert's own page (`/alert?rule=…&account=…`), behind the board's access, with its forms. */
  readonly alertPage: (request: AlertPageRequest, res: ServerResponse) => Promise<void>;
  /** An answer failed on our side (the client got a 5xx): for the log, which would otherwise never hear of it. */
  readonly failed: (what: string, error: unknown) => void;
}

/**
 * The board (`/`, `/api/status`, `/api/history`, an alert's page `/alert`),
 * action links (`/a/…`), `/metrics`, `/healthz` (the process answers) and
 * `/readyz` (every source cycled recently, no channel failing). Only the
 * alert's page and action links take a POST, of a small form; everything else
 * is GET and HEAD.
 */
export async function startHttpServer(listen: { host: string; port: number }, handlers: HttpHandlers): Promise<{ server: Server; url: string }> {
  const { registry, readiness, access } = handlers;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://balance-watch.invalid');
    const path = url.pathname;
    if (path.startsWith(ACTION_PREFIX)) {
      const token = path.slice(ACTION_PREFIX.length);
      const cookie = String(req.headers.cookie ?? '');
      serveForm(req, res, handlers, ACTION_PREFIX, (method, form) => handlers.action({ method, token, ...(form ? { form } : {}), cookie, client: clientOf(req) }, res));
      return;
    }
    if (path === ALERT_PATH) {
      if (!isAuthorized(req.headers.authorization, access)) {
        askForCredentials(res, access);
        return;
      }
      const headers = { origin: req.headers.origin, fetchSite: req.headers['sec-fetch-site'], host: req.headers.host };
      const seen = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      serveForm(req, res, handlers, ALERT_PATH, (method, form) => handlers.alertPage({ method, query: url.searchParams, ...(form ? { form } : {}), ...seen, client: clientOf(req) }, res));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' }).end();
      return;
    }
    const board = BOARD_PATHS.has(path);
    const guarded = board ? !BOARD_ASSET_PATHS.has(path) : access.authMetrics;
    if (guarded && !isAuthorized(req.headers.authorization, access)) {
      askForCredentials(res, access);
      return;
    }
    if (board) {
      handlers.board(path, url.searchParams, res, String(req.headers['accept-encoding'] ?? '')).catch((error: unknown) => {
        handlers.failed(path, error);
        if (res.headersSent) res.destroy();
        else res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`board unavailable: ${errorMessage(error)}\n`);
      });
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: unknown) => {
          handlers.failed('/metrics', error);
          res.writeHead(500).end('metrics unavailable\n');
        },
      );
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}\n');
      return;
    }
    if (path === '/readyz') {
      readiness().then(
        (state) => res.writeHead(state.ready ? 200 : 503, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(state)}\n`),
        (error: unknown) => {
          handlers.failed('/readyz', error);
          res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"ready":false,"reason":"readiness could not be determined"}\n');
        },
      );
      return;
    }
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: try / (the board), /api/status, /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ListenError(listenProblem(listen, error))));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { server, url: `http://${host}:${port}` };
}
