import { err, ok, type Result } from '../result.js';
import { backoffDelay, sleep } from './backoff.js';
import { classifyNetworkError, classifyStatus, type Failure, parseRetryAfter } from './failure.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON; or `body`, a string sent as it is. */
  readonly json?: unknown;
  readonly body?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly timeoutMs: number;
  /** Responses larger than this are refused, so a misbehaving API cannot exhaust memory. */
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly retryAfter?: string;
}

/** One attempt of one request. Any HTTP status is a response; only transport problems are failures. */
export interface HttpClient {
  send(request: HttpRequest): Promise<Result<HttpResponse, Failure>>;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this ends the retries: the next cycle tries again. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

export interface RetryDeps {
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
}

export const realRetryDeps: RetryDeps = { sleep, random: Math.random, now: Date.now };

export interface RetriedResult {
  /** The last response (any status), or the transport failure that ended the tries. */
  readonly outcome: Result<HttpResponse, Failure>;
  readonly attempts: number;
}

/** Sends with retries on network errors, timeouts, 5xx and 429 (honouring Retry-After); never on other 4xx. */
export async function sendWithRetry(client: HttpClient, request: HttpRequest, policy: RetryPolicy, deps: RetryDeps): Promise<RetriedResult> {
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const outcome = await client.send(request);
    const retry = outcome.ok ? outcome.value.status >= 400 && classifyStatus(outcome.value.status).retryable : outcome.error.retryable;
    if (!retry || attempt >= policy.attempts || request.signal?.aborted) return { outcome, attempts: attempt };
    const asked = outcome.ok ? parseRetryAfter(outcome.value.retryAfter, deps.now()) : undefined;
    if (asked !== undefined && asked > policy.maxRetryAfterMs) return { outcome, attempts: attempt };
    const delay = asked ?? backoffDelay(attempt - 1, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, deps.random);
    try {
      await deps.sleep(delay, request.signal);
    } catch {
      return { outcome: err(classifyNetworkError('ERR_CANCELED')), attempts: attempt };
    }
  }
}

/** Reads a JSON body, telling an HTML error page or garbage apart from JSON. */
export function parseJsonBody(response: HttpResponse): Result<unknown, string> {
  const text = response.text.trimStart();
  if (text === '') return err(`an empty response (HTTP ${response.status})`);
  if (text.startsWith('<') || response.contentType.includes('text/html')) {
    return err(`an HTML page instead of JSON (HTTP ${response.status}); is base_url right, or is a proxy in the way?`);
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err(`a response that is not JSON (HTTP ${response.status})`);
  }
}
