import { IncomingWebhook, IncomingWebhookRequestError } from '@slack/webhook';
import { classifyNetworkError, classifyStatus, type Failure, parseRetryAfter } from '../net/failure.js';
import { fetchOver, TransportFailure } from '../net/fetch.js';
import type { ChannelDeps } from './channel-deps.js';

/*
 * The part of the Slack channel that needs Slack's client, loaded on the first
 * send (as nodemailer is for email): a config without Slack, or a daemon that
 * has not alerted yet, never pays for it at start.
 *
 * @slack/webhook 8 sends through a fetch function and keeps only the status and
 * body of a refusal. The fetch we give it is our HTTP client (the proxy
 * variables, one deadline, a size cap) and answers only a success: every
 * failure, a refusal with its Retry-After included, is thrown already
 * classified, so it reaches slackFailure on one typed path.
 */

/** Slack answers "ok"; anything much longer is an error page. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** What Slack's refusal means, for retrying and for people. */
export function slackRefusal(status: number, body: string, retryAfter: string | undefined, now: number): Failure {
  const { reason, retryable } = classifyStatus(status);
  const excerpt = body.trim().slice(0, 120);
  const hint = status === 404 || status === 403 ? ' (the webhook was revoked or the channel archived: make a new webhook)' : '';
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  return { reason, retryable, status, message: `Slack answered HTTP ${status}${excerpt ? ` "${excerpt}"` : ''}${hint}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Slack's webhook client on our HTTP client, bound to one send's shutdown signal. */
export function webhookFor(webhookUrl: string, deps: ChannelDeps, signal: AbortSignal): IncomingWebhook {
  const send = fetchOver(deps.http, { timeoutMs: deps.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
  const fetchForSlack: typeof fetch = async (input, init) => {
    const response = await send(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    if (!response.ok) throw new TransportFailure(slackRefusal(response.status, await response.text(), response.headers.get('retry-after') ?? undefined, Date.now()));
    return response;
  };
  return new IncomingWebhook(webhookUrl, { fetch: fetchForSlack });
}

/** Maps the webhook client's errors to a failure, never reading anything that holds the URL. */
export function slackFailure(error: unknown, signal: AbortSignal): Failure {
  const original = error instanceof IncomingWebhookRequestError ? error.original : error;
  if (original instanceof TransportFailure) return original.failure.status === undefined ? { ...original.failure, message: `Slack: ${original.failure.message}` } : original.failure;
  if (signal.aborted) return classifyNetworkError('ERR_CANCELED');
  // Anything else is a bug of ours or the library's; its message could hold the URL, so it is not shown.
  return { reason: 'client', retryable: false, message: 'Slack: the request could not be made (a bug: please report it)' };
}
