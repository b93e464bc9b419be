import { z } from 'zod';
import type { ChannelDeps } from './channel-deps.js';
import type { Channel } from './message.js';
import { redact, urlSecrets } from './redact.js';
import { renderSlack } from './render-slack.js';
import { cronField, idField, secretField, SUMMARY_DESCRIPTION } from '../config/fields.js';
import { ACTIVE_IN_DESCRIPTION } from '../config/time-windows.js';

export const slackConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this channel (`notify: [treasury]`).'),
    type: z.literal('slack').describe('A Slack incoming webhook.'),
    webhook_url: secretField('The incoming webhook URL. It is a secret: use ${SLACK_WEBHOOK_URL}.'),
    summary: cronField(SUMMARY_DESCRIPTION).optional(),
    active_in: idField(ACTIVE_IN_DESCRIPTION).optional(),
  })
  .describe('A Slack channel.');

export type SlackConfig = z.output<typeof slackConfigSchema>;

/** A Slack incoming webhook. */
export function createSlackChannel(config: SlackConfig, deps: ChannelDeps): Channel {
  const secrets = urlSecrets(config.webhook_url);
  return {
    id: config.id,
    type: 'slack',
    label: `Slack (channel ${config.id})`,
    async send(message, signal) {
      const { webhookFor, slackFailure } = await import('./slack-webhook.js');
      // A client per send binds this send's shutdown signal; it holds no connection, so nothing is rebuilt that matters.
      const webhook = webhookFor(config.webhook_url, deps, signal);
      try {
        await webhook.send(renderSlack(message, deps.render));
        return { ok: true };
      } catch (error) {
        const failure = slackFailure(error, signal);
        return { ok: false, failure: { ...failure, message: redact(failure.message, secrets) } };
      }
    },
    close() {},
  };
}

export const slackChannel = { type: 'slack', configSchema: slackConfigSchema, create: createSlackChannel } as const;
