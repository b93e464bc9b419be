import type { z } from 'zod';
import { typeUnion } from '../config/union.js';
import { emailConfigSchema } from './email.js';
import { slackConfigSchema } from './slack.js';

/** Every channel type. A new channel is one file in this folder and one entry here. */
export const channelConfigSchema = typeUnion([slackConfigSchema, emailConfigSchema]);

export type ChannelConfig = z.output<typeof channelConfigSchema>;
