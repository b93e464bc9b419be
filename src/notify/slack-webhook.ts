import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { classifyNetworkError, classifyStatus, type Failure, parseRetryAfter } from '../net/failure.js';
import { fetchOver, TransportFailure } from '../net/fetch.js';
import type { ChannelDeps } from './channel-deps.js';

/*
 * The part of the Slack channel that needs Slack's client, loaded on the first
 * send (as nodemailer is for email): a config without Slack, or a daemon that
 * has not alerted yet, never pays for it at start.
 */

/** Slack answers "ok"; anything much longer is an error page. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Slack's webhook client on our HTTP client (one deadline, the proxy variables),
 * with the response's Retry-After captured: its error object drops headers.
 */
export function webhookFor(webhookUrl: string, deps: ChannelDeps, signal: AbortSignal, seen: { retryAfter?: string }): IncomingWebhook {
  const send = fetchOver(deps.http, { timeoutMs: deps.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
  const fetchWithSignal: typeof fetch = async (input, init) => {
    const response = await send(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    seen.retryAfter = response.headers.get('retry-after') ?? undefined;
    return response;
  };
  return new IncomingWebhook(webhookUrl, { fetch: fetchWithSignal });
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

