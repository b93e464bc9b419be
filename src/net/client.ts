import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { err, ok } from '../result.js';
import { packageVersion } from '../version.js';
import { basicAuthorization } from './basic-auth.js';
import { classifyNetworkError, type Failure } from './failure.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';
import { type Environment, type Proxy, proxyFor } from './proxy.js';

export interface HttpClientOptions {
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read. */
  readonly env?: Environment;
  /** Default: balance-watch/<version>. */
  readonly userAgent?: string;
  /** Certificates to trust instead of the system's (tests; users set NODE_EXTRA_CA_CERTS). */
  readonly ca?: string;
}

/** Idle keep-alive connections close after this: a cycle reuses them, the next cycle minutes later does not. */
const IDLE_SOCKET_MS = 5_000;

/** Why an exchange ended without a response: a code to classify, and what is known beyond it. */
class TransportError extends Error {
  constructor(
    readonly code: string,
    readonly details: { readonly proxyStatus?: number; readonly explanation?: string } = {},
  ) {
    super(code);
  }
}

/**
 * The client every source and channel uses: Node's own http and https, with
 * keep-alive, one deadline per exchange, a size cap on the decoded body and
 * the proxy variables. It replaced axios, which loaded Node's fetch stack and
 * form-data at import for features no request here uses (about 7 MB of a
 * daemon that should stay under 70). Errors are read for their code only:
 * request options carry credentials, so none of them is ever returned or logged.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const env = options.env ?? process.env;
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, ...(options.ca === undefined ? {} : { ca: options.ca }) }),
  };
  const userAgent = options.userAgent ?? `balance-watch/${packageVersion()}`;
  return {
    async send(request) {
      try {
        return ok(await exchange(request, { env, agents, userAgent, ca: options.ca }));
      } catch (error) {
        return err(failureOf(error, request));
      }
    },
  };
}

/** What went wrong, from the error's code alone; an abort already became ERR_CANCELED or ETIMEDOUT. */
function failureOf(error: unknown, request: HttpRequest): Failure {
  const code = error instanceof TransportError ? error.code : (error as { code?: unknown }).code;
  const failure = classifyNetworkError(typeof code === 'string' ? code : undefined);
  if (failure.reason === 'timeout') return { ...failure, message: `no answer within ${request.timeoutMs / 1000}s` };
  if (!(error instanceof TransportError)) return failure;
  const { proxyStatus, explanation } = error.details;
  // A proxy's 407 or 403 is its configuration; a 502 or 504 may pass.
  if (proxyStatus !== undefined) return { ...failure, retryable: proxyStatus >= 500, message: `${failure.message}: it answered HTTP ${proxyStatus}` };
  return explanation === undefined ? failure : { ...failure, message: explanation };
}

interface ExchangeContext {
  readonly env: Environment;
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
  readonly userAgent: string;
  readonly ca: string | undefined;
}

function requestHeaders(request: HttpRequest, body: Buffer | undefined, userAgent: string): Record<string, string> {
  // Lower-case names, so that a caller's header replaces a default whatever its case.
  const given = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip, deflate, br', 'user-agent': userAgent, ...given };
  if (body) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(body.length);
  }
  if (request.basicAuth) {
    headers['authorization'] = basicAuthorization(request.basicAuth.username, request.basicAuth.password);
  }
  return headers;
}

function exchange(request: HttpRequest, context: ExchangeContext): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const body = request.json !== undefined ? Buffer.from(JSON.stringify(request.json)) : request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = requestHeaders(request, body, context.userAgent);
    const target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (secure ? 443 : 80) };
    const path = `${url.pathname}${url.search}`;
    const opened: { destroy(): void }[] = [];
    let done = false;

    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: TransportError) =>
      finish(() => {
        for (const stream of opened) stream.destroy();
        reject(error);
      });
    const failWith = (fallback: string) => (error: NodeJS.ErrnoException) => fail(new TransportError(error.code ?? fallback));

    // One deadline for the whole exchange, connect to last byte: a server that trickles never holds a cycle.
    const deadline = setTimeout(() => fail(new TransportError('ETIMEDOUT')), request.timeoutMs);
    const onAbort = () => fail(new TransportError(request.signal?.reason instanceof Error && request.signal.reason.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ERR_CANCELED'));
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const onResponse = (response: http.IncomingMessage) => {
      opened.push(response);
      const declared = Number(response.headers['content-length']);
      if (declared > request.maxBytes) return fail(new TransportError('RESPONSE_TOO_LARGE'));
      const decoded = decode(response);
      if (decoded !== response) opened.push(decoded);
      const chunks: Buffer[] = [];
      let size = 0;
      decoded.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) return fail(new TransportError('RESPONSE_TOO_LARGE'));
        chunks.push(chunk);
      });
      decoded.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError(decoded === response ? (error.code ?? 'ECONNRESET') : 'BAD_ENCODING')));
      response.on('close', () => {
        if (!response.complete) fail(new TransportError('ECONNRESET'));
      });
      decoded.on('end', () =>
        finish(() => {
          const header = (name: string) => {
            const value = response.headers[name];
            return typeof value === 'string' ? value : undefined;
          };
          const retryAfter = header('retry-after');
          resolve({
            status: response.statusCode ?? 0,
            contentType: header('content-type') ?? '',
            text: Buffer.concat(chunks).toString('utf8'),
            ...(retryAfter === undefined ? {} : { retryAfter }),
          });
        }),
      );
    };
    const send = (options: https.RequestOptions) => {
      const outgoing = (secure ? https : http).request({ method: request.method, headers, ...options }, onResponse);
      opened.push(outgoing);
      outgoing.on('error', failWith('ECONNRESET'));
      outgoing.end(body);
    };

    const proxied = proxyFor(url, context.env);
    if (!proxied.ok) return fail(new TransportError('BAD_PROXY', { explanation: proxied.error }));
    const proxy = proxied.value;
    if (!proxy) return send({ ...target, path, agent: secure ? context.agents.https : context.agents.http });
    if (!secure) {
      // A plain-http target goes through the proxy as an absolute-form request.
      return send({ host: proxy.host, port: proxy.port, path: `${url.protocol}//${url.host}${path}`, headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) }, agent: context.agents.http });
    }
    openTunnel(proxy, target, opened, failWith('ECONNRESET'), fail, (socket, tls) =>
      // No agent: Node then uses createConnection, and the tunnel is this request's alone.
      send({
        ...target,
        path,
        createConnection: () => tls.connect({ socket, servername: target.host, ...(context.ca === undefined ? {} : { ca: context.ca }) }),
      }),
    );
  });
}

const proxyAuthorization = (proxy: Proxy): Record<string, string> => (proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {});

/** CONNECT through the proxy; TLS then runs end to end, so the proxy never sees the API's credentials. */
function openTunnel(
  proxy: Proxy,
  target: { host: string; port: number },
  opened: { destroy(): void }[],
  onError: (error: NodeJS.ErrnoException) => void,
  fail: (error: TransportError) => void,
  onOpen: (socket: Duplex, tls: typeof import('node:tls')) => void,
): void {
  const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const connect = http.request({ method: 'CONNECT', host: proxy.host, port: proxy.port, path: authority, headers: { Host: authority, ...proxyAuthorization(proxy) }, agent: false });
  opened.push(connect);
  connect.on('error', onError);
  connect.on('connect', (answer: http.IncomingMessage, socket: Duplex) => {
    opened.push(socket);
    // Until TLS takes the socket over, a reset on it would otherwise be an uncaught error.
    socket.on('error', onError);
    if (answer.statusCode !== 200) return fail(new TransportError('PROXY_REFUSED', { proxyStatus: answer.statusCode ?? 0 }));
    // Imported here, not at the top: an ESM import of node:tls reads its every export, and
    // `rootCertificates` then copies the whole CA bundle into the heap for nothing.
    import('node:tls').then(
      (tls) => onOpen(socket, tls),
      () => fail(new TransportError('ECONNRESET')),
    );
  });
  connect.end();
}

/** The body as sent, or decompressed when the server compressed it. */
function decode(response: http.IncomingMessage): NodeJS.ReadableStream & { destroy(): void } {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
