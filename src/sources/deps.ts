import { createHttpClient } from '../net/client.js';
import { DEFAULT_RETRY, realRetryDeps } from '../net/http.js';
import { packageVersion } from '../version.js';
import type { SourceDeps } from './source.js';

/** The real network, with the default retry policy: what the CLI and the daemon use. */
export function defaultSourceDeps(): SourceDeps {
  return { http: createHttpClient({ userAgent: `balance-watch/${packageVersion()}` }), retry: DEFAULT_RETRY, retryDeps: realRetryDeps };
}
