import { z } from 'zod';
import { idField, secretField } from '../config/fields.js';

export const slackConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this channel (`notify: [treasury]`).'),
    type: z.literal('slack').describe('A Slack incoming webhook.'),
    webhook_url: secretField('The incoming webhook URL. It is a secret: use ${SLACK_WEBHOOK_URL}.'),
  })
  .describe('A Slack channel.');

export type SlackConfig = z.output<typeof slackConfigSchema>;
