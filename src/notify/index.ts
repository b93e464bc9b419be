import type { z } from 'zod';
import { kindUnion } from '../config/union.js';
import { emailConfigSchema } from './email.js';
import { slackConfigSchema } from './slack.js';

/** Every channel type. A new channel is one file in this folder and one entry here. */
const CHANNEL_KINDS = [
  { type: 'slack', configSchema: slackConfigSchema },
  { type: 'email', configSchema: emailConfigSchema },
] as const;

export const channelConfigSchema = kindUnion(CHANNEL_KINDS);

export type ChannelConfig = z.output<typeof channelConfigSchema>;
