import type { RenderOptions } from './message.js';

/** What channels get from outside, so that tests can swap them. */
export interface ChannelDeps {
  readonly render: RenderOptions;
  /** The fetch Slack's client uses. */
  readonly fetch: typeof fetch;
  /** How long one delivery attempt may take. */
  readonly timeoutMs: number;
}

export const defaultChannelDeps = (render: RenderOptions): ChannelDeps => ({ render, fetch: globalThis.fetch, timeoutMs: 15_000 });
