import { z } from 'zod';
import { classifyNetworkError, type Failure } from '../net/failure.js';
import type { ChannelDeps } from './channel-deps.js';
import type { Channel } from './message.js';
import { redact, urlSecrets } from './redact.js';
import { renderEmail } from './render-email.js';
import { cronField, idField, secretField, SUMMARY_DESCRIPTION } from '../config/fields.js';
import { ACTIVE_IN_DESCRIPTION } from '../config/time-windows.js';

const address = z.string({ error: 'must be an email address' }).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an email address such as finance@example.com');

export const emailConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this channel (`notify: [finance]`).'),
    type: z.literal('email').describe('Email over SMTP.'),
    smtp_url: secretField(
      'smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS). It holds a password: use ${SMTP_URL}.',
    ),
    from: z.string({ error: 'must be a sender such as "Balance Watch <alerts@example.com>"' }).min(3).describe('The sender, e.g. "Balance Watch <alerts@example.com>".'),
    to: z
      .union([address, z.array(address).min(1, 'list at least one recipient')])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .describe('Recipients: one address or a list.'),
    summary: cronField(SUMMARY_DESCRIPTION).optional(),
    active_in: idField(ACTIVE_IN_DESCRIPTION).optional(),
  })
  .describe('An email channel.');

export type EmailConfig = z.output<typeof emailConfigSchema>;

interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
  /** The SMTP command nodemailer was at: CONN (the greeting), EHLO, STARTTLS, AUTH …, MAIL FROM, RCPT TO, DATA, or API (its own checks). */
  readonly command?: string;
}

/** Commands that concern this message: a 5xx there is the server refusing it, or a recipient, for good. */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/**
 * SMTP errors as failures, by the stage that failed rather than by the reply's
 * first digit. A 5xx greeting, EHLO or STARTTLS reply is the server's state (it
 * is restarting, overloaded, misconfigured), not a verdict on the message: like
 * Postfix, we defer and try again. So are network trouble, timeouts and
 * authentication, which an operator can fix while the message waits. Only a
 * refusal of this message or its recipients (MAIL FROM, RCPT TO, DATA) with a
 * 5xx, or nodemailer finding the envelope unusable, is permanent.
 */
export function smtpFailure(error: SmtpError): Failure {
  const code = error.code;
  const reply = error.responseCode;
  const said = (error.response ?? error.message ?? '').split('\n')[0]?.slice(0, 160) ?? '';
  const command = error.command ?? '';
  if (code === 'EAUTH') return { reason: 'auth', retryable: true, message: `the SMTP server refused the login (${said}); check the user and password in smtp_url` };
  if (code === 'ETIMEDOUT') return { reason: 'timeout', retryable: true, message: 'the SMTP server did not answer in time' };
  if (MESSAGE_COMMANDS.has(command) && reply !== undefined) {
    const what = command === 'RCPT TO' ? 'the recipient' : 'the message';
    if (reply >= 500) return { reason: 'client', retryable: false, status: reply, message: `the SMTP server refused ${what}: ${said}` };
    return { reason: 'server', retryable: true, status: reply, message: `the SMTP server deferred ${what}: ${said}` };
  }
  if (command === 'API' && (code === 'EENVELOPE' || code === 'EMESSAGE')) {
    return { reason: 'client', retryable: false, message: `the email cannot be sent as configured: ${said}` };
  }
  if (reply !== undefined) {
    return { reason: 'server', retryable: true, status: reply, message: `the SMTP server is not accepting mail now (${command || 'reply'}: ${said})` };
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'ETLS' || code === 'ECONNREFUSED') {
    return { reason: 'network', retryable: true, message: `cannot reach the SMTP server (${code}${said ? `: ${said}` : ''})` };
  }
  return { reason: 'network', retryable: true, message: `sending the email failed${code ? ` (${code})` : ''}${said ? `: ${said}` : ''}` };
}

/** nodemailer's options from `smtp_url`: `smtps://` is TLS from the start (465), `smtp://` upgrades with STARTTLS (587). */
export function smtpOptions(smtpUrl: string, timeoutMs: number) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

/** What nodemailer says of a sent message: with several recipients, it delivers to those the server accepts and lists the rest. */
interface SentInfo {
  readonly accepted?: readonly unknown[];
  readonly rejected?: readonly unknown[];
  readonly rejectedErrors?: readonly (SmtpError & { readonly recipient?: string })[];
}

/** The recipients the server refused at RCPT TO, each with the server's reply. */
export function refusedRecipients(info: SentInfo | undefined): { recipient: string; problem: string }[] {
  const rejected = (info?.rejected ?? []).map(String);
  return rejected.map((recipient) => {
    const error = info?.rejectedErrors?.find((e) => e.recipient === recipient);
    const said = (error?.response ?? error?.message ?? 'refused').split('\n')[0]!.slice(0, 160);
    return { recipient, problem: said };
  });
}

type Transport = { sendMail(mail: Record<string, unknown>): Promise<unknown>; close(): void };

/** Email over SMTP. nodemailer is loaded, and the transport built, on the first send: configs without email never pay for it. */
export function createEmailChannel(config: EmailConfig, deps: ChannelDeps): Channel {
  const secrets = urlSecrets(config.smtp_url);
  let transport: Promise<Transport> | undefined;
  const open = async (): Promise<Transport> => {
    const nodemailer = await import('nodemailer');
    return nodemailer.createTransport(smtpOptions(config.smtp_url, deps.timeoutMs) as never) as unknown as Transport;
  };
  return {
    id: config.id,
    type: 'email',
    label: `Email to ${config.to.join(', ')}`,
    async send(message, signal) {
      const content = renderEmail(message, deps.render);
      try {
        transport ??= open();
        const mailer = await transport;
        const sending = mailer.sendMail({ from: config.from, to: config.to, subject: content.subject, text: content.text, html: content.html });
        const info = (await abortable(sending, signal)) as SentInfo | undefined;
        const refused = refusedRecipients(info);
        if (refused.length === 0) return { ok: true };
        return { ok: true, refused: refused.map((r) => ({ ...r, problem: redact(r.problem, secrets) })), deliveredTo: info?.accepted?.length ?? 0 };
      } catch (error) {
        if (signal.aborted) return { ok: false, failure: classifyNetworkError('ERR_CANCELED') };
        const failure = smtpFailure(error as SmtpError);
        return { ok: false, failure: { ...failure, message: redact(failure.message, secrets) } };
      }
    },
    close() {
      void transport?.then((t) => t.close()).catch(() => undefined);
      transport = undefined;
    },
  };
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export const emailChannel = { type: 'email', configSchema: emailConfigSchema, create: createEmailChannel } as const;
