import { createHttpClient } from '../net/client.js';
import type { HttpClient } from '../net/http.js';
import type { RenderOptions } from './message.js';

/** What channels get from outside, so that tests can swap them. */
export interface ChannelDeps {
  readonly render: RenderOptions;
  /** The HTTP client webhook channels send with. */
  readonly http: HttpClient;
  /** How long one delivery attempt may take. */
  readonly timeoutMs: number;
}

export const defaultChannelDeps = (render: RenderOptions): ChannelDeps => ({
  render,
  http: createHttpClient(),
  timeoutMs: 15_000,
});
