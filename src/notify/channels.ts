import type { Config } from '../config/types.js';
import { type ChannelDeps, defaultChannelDeps } from './channel-deps.js';
import { createChannel } from './index.js';
import type { Channel } from './message.js';

/** Every configured channel, built once per config load. */
export function channelsFor(config: Config, deps: ChannelDeps = defaultChannelDeps(config.timezone === undefined ? {} : { timezone: config.timezone })): Map<string, Channel> {
  return new Map(config.channels.map((channel) => [channel.id, createChannel(channel, deps)]));
}

export function closeChannels(channels: ReadonlyMap<string, Channel>): void {
  for (const channel of channels.values()) channel.close();
}
