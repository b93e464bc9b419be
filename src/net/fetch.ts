import { STATUS_CODES } from 'node:http';
import type { Failure } from './failure.js';
import type { HttpClient } from './http.js';

/** A request that failed before any response: the failure is already classified and safe to show. */
export class TransportFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'TransportFailure';
  }
}

const textHeaders = (headers: unknown): Record<string, string> => {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || typeof (headers as { get?: unknown }).get === 'function') {
    throw new TypeError('only a plain object of headers is supported');
  }
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
};

/**
 * The part of fetch a client library such as @slack/webhook calls (a GET or a
 * POST of a string body; status, ok, statusText, text() and headers.get() back),
 * over our own client: Slack then gets the same proxy variables, deadline and
 * size cap as the APIs, and Node's fetch stack is never loaded. Anything
 * beyond that part is refused rather than half-supported.
 */
export function fetchOver(client: HttpClient, limits: { readonly timeoutMs: number; readonly maxBytes: number }): typeof fetch {
  const partialFetch = async (input: unknown, init: RequestInit = {}) => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('only a URL is supported');
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new TypeError(`method ${method} is not supported`);
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('only a string body is supported');
    const outcome = await client.send({
      method,
      url: String(input),
      headers: textHeaders(init.headers),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      timeoutMs: limits.timeoutMs,
      maxBytes: limits.maxBytes,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    if (!outcome.ok) throw new TransportFailure(outcome.error);
    const { status, text, contentType, retryAfter } = outcome.value;
    const headers = new Map([
      ['content-type', contentType],
      ...(retryAfter === undefined ? [] : [['retry-after', retryAfter] as const]),
    ]);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_CODES[status] ?? '',
      headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
      text: () => Promise.resolve(text),
    };
  };
  // The cast is the point of this adapter: it is a fetch for the calls above, not a Response factory.
  return partialFetch as unknown as typeof fetch;
}
