import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { err, ok } from '../result.js';
import { packageVersion } from '../version.js';
import { classifyNetworkError, type Failure } from './failure.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';
import { proxyFor } from './proxy.js';

export interface HttpClientOptions {
  /** Default: balance-watch/<version>. */
  readonly userAgent?: string;
  /** Certificates to trust instead of the system's (tests; users set NODE_EXTRA_CA_CERTS). */
  readonly ca?: string;
}

/** Idle keep-alive connections close after this: a cycle reuses them, the next cycle minutes later does not. */
const IDLE_SOCKET_MS = 5_000;

interface Agents {
  readonly http: http.Agent;
  readonly https: http.Agent;
}

/**
 * The client every source and channel sends with: axios over Node's http
 * adapter, with keep-alive, one deadline per exchange, a size cap on the
 * decoded body, no redirects, and the proxy variables (proxy-from-env decides,
 * https-proxy-agent and http-proxy-agent carry). axios's own proxying is off:
 * it would not take our loopback rule or refuse an unusable variable.
 *
 * An axios error carries the request's config, headers and credentials
 * included: it never leaves this file. Only its code, the status a proxy
 * answered, and our own words do.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const direct: Agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, ...(options.ca === undefined ? {} : { ca: options.ca }) }),
  };
  const proxied = new Map<string, Promise<http.Agent>>();
  const agentsFor = async (url: URL): Promise<Agents> => {
    const proxy = proxyFor(url);
    if (!proxy.ok) throw new ClientError('BAD_PROXY', proxy.error);
    if (!proxy.value) return direct;
    const secure = url.protocol === 'https:';
    const key = `${secure}:${proxy.value.href}`;
    let agent = proxied.get(key);
    if (!agent) {
      // Imported on first use: a deployment without a proxy never loads the agents.
      agent = import('./proxy-agents.js').then(({ createProxyAgent }) =>
        createProxyAgent(proxy.value!, secure, { keepAlive: true, idleSocketMs: IDLE_SOCKET_MS, ...(options.ca === undefined ? {} : { ca: options.ca }) }),
      );
      proxied.set(key, agent);
    }
    const chosen = await agent;
    return { http: chosen, https: chosen };
  };
  const instance = axios.create({
    adapter: 'http',
    proxy: false,
    maxRedirects: 0,
    decompress: true,
    responseType: 'text',
    // Any status is an answer for the caller to read; only transport problems are failures.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, forcedJSONParsing: false, silentJSONParsing: true },
    headers: { 'User-Agent': options.userAgent ?? `balance-watch/${packageVersion()}`, Accept: 'application/json' },
  });
  return {
    async send(request) {
      try {
        return ok(await exchange(instance, request, await agentsFor(new URL(request.url))));
      } catch (error) {
        return err(failureOf(error, request));
      }
    },
  };
}

/** A failure of ours before axios is called: its message is already for people. */
class ClientError extends Error {
  constructor(
    readonly code: string,
    readonly explanation: string,
  ) {
    super(explanation);
  }
}

async function exchange(instance: AxiosInstance, request: HttpRequest, agents: Agents): Promise<HttpResponse> {
  // One deadline for the whole exchange, connect to last byte: a server that trickles never holds a cycle.
  // axios's own `timeout` only watches for a silent socket.
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
  const response = await instance.request<string>({
    method: request.method,
    url: request.url,
    headers: request.json !== undefined ? { 'Content-Type': 'application/json', ...request.headers } : { ...request.headers },
    ...(request.json !== undefined ? { data: JSON.stringify(request.json) } : request.body !== undefined ? { data: request.body } : {}),
    ...(request.basicAuth ? { auth: { username: request.basicAuth.username, password: request.basicAuth.password } } : {}),
    maxContentLength: request.maxBytes,
    maxBodyLength: request.maxBytes,
    httpAgent: agents.http,
    httpsAgent: agents.https,
    signal,
  });
  const header = (name: string): string | undefined => {
    const value: unknown = response.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const retryAfter = header('retry-after');
  return {
    status: response.status,
    contentType: header('content-type') ?? '',
    text: typeof response.data === 'string' ? response.data : '',
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

interface ErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly proxyStatus?: unknown;
}

/** The innermost error's fields, read one by one: the error objects themselves hold the request. */
function errorChain(error: unknown): ErrorShape[] {
  const chain: ErrorShape[] = [];
  for (let current = error; typeof current === 'object' && current !== null && chain.length < 5; current = (current as ErrorShape).cause) {
    chain.push(current as ErrorShape);
  }
  return chain;
}

/** What went wrong, from error codes and the proxy's status alone. */
function failureOf(error: unknown, request: HttpRequest): Failure {
  if (error instanceof ClientError) return { ...classifyNetworkError(error.code), message: error.explanation };
  const chain = errorChain(error);
  const outer = chain[0] ?? {};
  if (outer.code === 'ERR_CANCELED') {
    const timedOut = request.signal?.aborted ? isTimeout(request.signal.reason) : true;
    return timedOut ? { ...classifyNetworkError('ETIMEDOUT'), message: `no answer within ${request.timeoutMs / 1000}s` } : classifyNetworkError('ERR_CANCELED');
  }
  // axios says a body was too large only in its message; the code alone (ERR_BAD_RESPONSE) also means a cut stream.
  if (outer.code === 'ERR_BAD_RESPONSE' && typeof outer.message === 'string' && outer.message.startsWith('maxContentLength')) {
    return classifyNetworkError('RESPONSE_TOO_LARGE');
  }
  const refused = chain.find((link) => typeof link.proxyStatus === 'number');
  if (refused && typeof refused.proxyStatus === 'number') {
    const failure = classifyNetworkError('PROXY_REFUSED');
    // A proxy's 407 or 403 is its configuration; a 502 or 504 may pass.
    return { ...failure, retryable: refused.proxyStatus >= 500, message: `${failure.message}: it answered HTTP ${refused.proxyStatus}` };
  }
  const codes = chain.map((link) => link.code).filter((code): code is string => typeof code === 'string');
  // zlib's codes (Z_DATA_ERROR) and brotli's (ERR__ERROR_FORMAT_…): the body was compressed, but not readably.
  if (codes.some((code) => code.startsWith('Z_') || code.startsWith('ERR__ERROR'))) return classifyNetworkError('BAD_ENCODING');
  return classifyNetworkError(codes.find((code) => code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_NETWORK') ?? (outer.code === 'ERR_BAD_RESPONSE' ? 'ECONNRESET' : undefined));
}

const isTimeout = (reason: unknown): boolean => reason instanceof Error && reason.name === 'TimeoutError';
