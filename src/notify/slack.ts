import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type IncomingWebhookSendArguments } from '@slack/webhook';
import { z } from 'zod';
import { classifyNetworkError, classifyStatus, type Failure, parseRetryAfter } from '../net/failure.js';
import { fetchOver, TransportFailure } from '../net/fetch.js';
import type { ChannelDeps } from './channel-deps.js';
import type { Channel } from './message.js';
import { redact, urlSecrets } from './redact.js';
import { renderSlack } from './render-slack.js';
import { cronField, idField, secretField, SUMMARY_DESCRIPTION } from '../config/fields.js';

export const slackConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this channel (`notify: [treasury]`).'),
    type: z.literal('slack').describe('A Slack incoming webhook.'),
    webhook_url: secretField('The incoming webhook URL. It is a secret: use ${SLACK_WEBHOOK_URL}.'),
    summary: cronField(SUMMARY_DESCRIPTION).optional(),
  })
  .describe('A Slack channel.');

export type SlackConfig = z.output<typeof slackConfigSchema>;

/** Slack answers "ok"; anything much longer is an error page. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Slack's webhook client on our HTTP client (one deadline, the proxy variables),
 * with the response's Retry-After captured: its error object drops headers.
 */
function webhookFor(config: SlackConfig, deps: ChannelDeps, signal: AbortSignal, seen: { retryAfter?: string }): IncomingWebhook {
  const send = fetchOver(deps.http, { timeoutMs: deps.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
  const fetchWithSignal: typeof fetch = async (input, init) => {
    const response = await send(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    seen.retryAfter = response.headers.get('retry-after') ?? undefined;
    return response;
  };
  return new IncomingWebhook(config.webhook_url, { fetch: fetchWithSignal });
}

/** Maps the webhook client's errors to a failure, never reading anything that holds the URL. */
export function slackFailure(error: unknown, retryAfter: string | undefined, signal: AbortSignal, now: number): Failure {
  if (error instanceof IncomingWebhookHTTPError) {
    const { reason, retryable } = classifyStatus(error.statusCode);
    const body = error.body.trim().slice(0, 120);
    const hint = error.statusCode === 404 || error.statusCode === 403 ? ' (the webhook was revoked or the channel archived: make a new webhook)' : '';
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return { reason, retryable, status: error.statusCode, message: `Slack answered HTTP ${error.statusCode}${body ? ` "${body}"` : ''}${hint}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (signal.aborted) return classifyNetworkError('ERR_CANCELED');
  const original = error instanceof IncomingWebhookRequestError ? error.original : error;
  // Anything else is a bug of ours or the library's; its message could hold the URL, so it is not shown.
  const failure: Failure = original instanceof TransportFailure ? original.failure : { reason: 'client', retryable: false, message: 'the request could not be made (a bug: please report it)' };
  return { ...failure, message: `Slack: ${failure.message}` };
}

/** A Slack incoming webhook. */
export function createSlackChannel(config: SlackConfig, deps: ChannelDeps): Channel {
  const secrets = urlSecrets(config.webhook_url);
  return {
    id: config.id,
    type: 'slack',
    label: `Slack (channel ${config.id})`,
    async send(message, signal) {
      const seen: { retryAfter?: string } = {};
      // A client per send binds this send's shutdown signal; it holds no connection, so nothing is rebuilt that matters.
      const webhook = webhookFor(config, deps, signal, seen);
      try {
        await webhook.send({ ...renderSlack(message, deps.render) } as IncomingWebhookSendArguments);
        return { ok: true };
      } catch (error) {
        const failure = slackFailure(error, seen.retryAfter, signal, Date.now());
        return { ok: false, failure: { ...failure, message: redact(failure.message, secrets) } };
      }
    },
    close() {},
  };
}

export const slackChannel = { type: 'slack', configSchema: slackConfigSchema, create: createSlackChannel } as const;
