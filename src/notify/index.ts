import type { z } from 'zod';
import { kindFor, kindUnion } from '../config/union.js';
import type { ChannelDeps } from './channel-deps.js';
import { emailChannel } from './email.js';
import type { Channel } from './message.js';
import { slackChannel } from './slack.js';

/** Every channel type. A new channel is one file in this folder and one entry here. */
const CHANNEL_KINDS = [slackChannel, emailChannel] as const;

export const channelConfigSchema = kindUnion(CHANNEL_KINDS);

/** What the schema lets through; config/types.ts names it ChannelConfig for the rest of the code. */
type ChannelConfig = z.output<typeof channelConfigSchema>;

export function createChannel(config: ChannelConfig, deps: ChannelDeps): Channel {
  const create = kindFor(CHANNEL_KINDS, config.type).create as (config: ChannelConfig, deps: ChannelDeps) => Channel;
  return create(config, deps);
}
