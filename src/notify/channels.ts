import type { Config } from '../config/types.js';
import { type ChannelDeps, defaultChannelDeps } from './channel-deps.js';
import { createChannel } from './index.js';
import type { Channel, RenderOptions } from './message.js';
import { actionLinker, digestLinker } from '../actions/links.js';

/** How a config's messages are rendered: its zone for times, and its action links (signed when each message is rendered). */
export function renderOptionsFor(config: Config, now: () => number = Date.now): RenderOptions {
  const links = actionLinker(config, now);
  const digestLink = digestLinker(config, now);
  return { ...(config.timezone === undefined ? {} : { timezone: config.timezone }), ...(links ? { links } : {}), ...(digestLink ? { digestLink } : {}) };
}

/** Every configured channel, built once per config load. */
export function channelsFor(config: Config, deps: ChannelDeps = defaultChannelDeps(renderOptionsFor(config))): Map<string, Channel> {
  return new Map(config.channels.map((channel) => [channel.id, createChannel(channel, deps)]));
}

export function closeChannels(channels: ReadonlyMap<string, Channel>): void {
  for (const channel of channels.values()) channel.close();
}
