/**
 * Why a request to an API or a channel failed. The reason becomes a metric label
 * and a log field; `retryable` decides whether trying again can help.
 */
export type FailureReason = 'auth' | 'rate_limited' | 'client' | 'server' | 'timeout' | 'network' | 'bad_response' | 'cancelled';

export interface Failure {
  readonly reason: FailureReason;
  readonly retryable: boolean;
  /** For people; never contains a URL with credentials, a header or a body with secrets. */
  readonly message: string;
  readonly status?: number;
  /** From `Retry-After`, when the server asked for a pause. */
  readonly retryAfterMs?: number;
}

/** The one place that decides what an HTTP status means for retrying. */
export function classifyStatus(status: number): { reason: FailureReason; retryable: boolean } {
  if (status === 401 || status === 403) return { reason: 'auth', retryable: false };
  if (status === 429) return { reason: 'rate_limited', retryable: true };
  if (status === 408) return { reason: 'timeout', retryable: true };
  if (status >= 500) return { reason: 'server', retryable: true };
  return { reason: 'client', retryable: false };
}

/**
 * An API's refusal of a request: by its HTTP status when it is an error status,
 * else (a 2xx that says "failed" in its body) the given reason, not retried.
 */
export function classifyRefusal(status: number, otherwise: FailureReason): { reason: FailureReason; retryable: boolean } {
  return status >= 400 ? classifyStatus(status) : { reason: otherwise, retryable: false };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TLS_REFUSALS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Node's network error codes and the HTTP client's own, turned into a reason without touching the error object's request data. */
export function classifyNetworkError(code: string | undefined): Failure {
  if (code !== undefined && TLS_REFUSALS.has(code)) {
    return {
      reason: 'network',
      retryable: false,
      message: `the server's TLS certificate was not accepted (${code}); if your network inspects TLS, give Node its CA with NODE_EXTRA_CA_CERTS`,
    };
  }
  if (code?.startsWith('HPE_')) return { reason: 'network', retryable: true, message: `the server's answer was not valid HTTP (${code})` };
  switch (code) {
    case 'ETIMEDOUT':
      return { reason: 'timeout', retryable: true, message: 'the request timed out' };
    case 'ERR_CANCELED':
      return { reason: 'cancelled', retryable: false, message: 'the request was cancelled (shutting down)' };
    case 'ECONNREFUSED':
      return { reason: 'network', retryable: true, message: 'connection refused (is the host and port right, and the service up?)' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: 'network', retryable: true, message: 'the host name could not be resolved' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'network', retryable: true, message: 'the connection was closed unexpectedly' };
    case 'PROXY_REFUSED':
      return { reason: 'network', retryable: true, message: 'the proxy refused to connect to the server (check HTTPS_PROXY, its credentials and NO_PROXY)' };
    case 'BAD_PROXY':
      return { reason: 'network', retryable: false, message: 'HTTPS_PROXY or HTTP_PROXY is not a proxy URL such as http://proxy.example.com:3128' };
    case 'RESPONSE_TOO_LARGE':
      return { reason: 'bad_response', retryable: false, message: 'the response was larger than allowed' };
    case 'BAD_ENCODING':
      return { reason: 'bad_response', retryable: false, message: 'the response was compressed, but not readably' };
    default:
      return { reason: 'network', retryable: true, message: `network error${code ? ` (${code})` : ''}` };
  }
}
