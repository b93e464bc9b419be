import { createHttpClient } from '../net/client.js';
import { DEFAULT_RETRY, realRetryDeps } from '../net/http.js';
import type { SourceDeps } from './source.js';

/** The real network, with the default retry policy: what the CLI and the daemon use. */
export function defaultSourceDeps(): SourceDeps {
  return { http: createHttpClient(), retry: DEFAULT_RETRY, retryDeps: realRetryDeps };
}
