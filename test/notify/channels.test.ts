import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultChannelDeps } from '../../src/notify/channel-deps.js';
import { createEmailChannel, smtpFailure } from '../../src/notify/email.js';
import type { Channel, Message } from '../../src/notify/message.js';
import { redact, urlSecrets } from '../../src/notify/redact.js';
import { createSlackChannel } from '../../src/notify/slack.js';
import { SlackSink } from '../../src/simulator/slack-sink.js';
import { SmtpSink } from '../../src/simulator/smtp-sink.js';
import { createHttpClient } from '../../src/net/client.js';
import { criticalEvent } from '../helpers/events.js';
import { proxyEnvironment, TestProxy } from '../helpers/proxy.js';

const message: Message = { kind: 'alerts', source: 'apay', events: [criticalEvent()] };
const deps = { ...defaultChannelDeps({ timezone: 'UTC' }), timeoutMs: 2_000 };
const signal = () => new AbortController().signal;

/** The contract every channel keeps: retry what can succeed later, never what cannot, and never leak its secret. */
function expectNoSecret(result: unknown, secrets: readonly string[]) {
  const text = JSON.stringify(result);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('Slack', () => {
  let sink: SlackSink;
  let channel: Channel;
  beforeEach(async () => {
    sink = await new SlackSink().start();
    channel = createSlackChannel({ id: 'treasury', type: 'slack', webhook_url: sink.url }, deps);
  });
  afterEach(() => sink.stop());

  it('delivers the rendered Block Kit payload', async () => {
    expect(await channel.send(message, signal())).toEqual({ ok: true });
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.path).toBe('/services/T000/B000/sinkTOKEN0secret');
    expect(sink.received[0]!.payload.text).toBe('[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)');
  });

  it.each([
    [503, undefined, { reason: 'server', retryable: true }],
    [500, undefined, { reason: 'server', retryable: true }],
    [429, '7', { reason: 'rate_limited', retryable: true, retryAfterMs: 7000 }],
    [404, undefined, { reason: 'client', retryable: false }],
    [403, undefined, { reason: 'auth', retryable: false }],
  ])('classifies HTTP %i', async (status, retryAfter, expected) => {
    sink.failNext(1, status, retryAfter);
    const result = await channel.send(message, signal());
    expect(result).toMatchObject({ ok: false, failure: expected });
    expectNoSecret(result, ['sinkTOKEN0secret', sink.url]);
  });

  it('sends through the proxy the environment names, like every request', async () => {
    const proxy = await new TestProxy().start();
    proxyEnvironment({ HTTP_PROXY: proxy.url });
    try {
      const port = new URL(sink.url).port;
      const viaProxy = createSlackChannel(
        { id: 'treasury', type: 'slack', webhook_url: `http://hooks.slack.test:${port}/services/T000/B000/sinkTOKEN0secret` },
        { ...deps, http: createHttpClient() },
      );
      expect(await viaProxy.send(message, signal())).toEqual({ ok: true });
      expect(proxy.requests.map((request) => request.target)).toEqual([`http://hooks.slack.test:${port}/services/T000/B000/sinkTOKEN0secret`]);
      expect(sink.received).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
      await proxy.stop();
    }
  });

  it('gives up on a Slack that does not answer within the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/services/T000/B000/sinkTOKEN0secret`;
      const slow = createSlackChannel({ id: 'treasury', type: 'slack', webhook_url: url }, { ...deps, timeoutMs: 300 });
      expect(await slow.send(message, signal())).toEqual({ ok: false, failure: { reason: 'timeout', retryable: true, message: 'Slack: no answer within 0.3s' } });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('says when Slack cannot be reached, without the URL', async () => {
    await sink.stop();
    const result = await channel.send(message, signal());
    expect(result).toMatchObject({ ok: false, failure: { reason: 'network', retryable: true } });
    expectNoSecret(result, ['sinkTOKEN0secret']);
  });
});

describe('email', () => {
  let sink: SmtpSink;
  let channel: Channel;
  beforeEach(async () => {
    sink = await new SmtpSink().start();
    channel = createEmailChannel({ id: 'finance', type: 'email', smtp_url: sink.url, from: 'Balance Watch <alerts@example.com>', to: ['finance@example.com', 'cfo@example.com'] }, deps);
  });
  afterEach(async () => {
    channel.close();
    await sink.stop();
  });

  it('delivers subject, text and HTML to every recipient', async () => {
    expect(await channel.send(message, signal())).toEqual({ ok: true });
    const [mail] = sink.received;
    expect(mail!.subject).toBe('[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)');
    expect(mail!.from).toBe('alerts@example.com');
    expect(mail!.to).toEqual(['finance@example.com', 'cfo@example.com']);
    expect(mail!.raw).toContain('text/plain');
    expect(mail!.raw).toContain('text/html');
  });

  it('retries a temporary refusal and gives up on a permanent one', async () => {
    sink.failNext(1, 451);
    expect(await channel.send(message, signal())).toMatchObject({ ok: false, failure: { reason: 'server', retryable: true, status: 451 } });
    sink.failNext(1, 550);
    expect(await channel.send(message, signal())).toMatchObject({ ok: false, failure: { reason: 'client', retryable: false, status: 550 } });
    expect(await channel.send(message, signal())).toEqual({ ok: true });
  });

  it('retries a server that greets with 554 while it restarts, and gives up on an unknown recipient', async () => {
    sink.failNext(1, 554, 'greeting');
    expect(await channel.send(message, signal())).toMatchObject({ ok: false, failure: { reason: 'server', retryable: true, status: 554 } });
    expect(await channel.send(message, signal())).toEqual({ ok: true });
    sink.failNext(2, 550, 'recipient'); // both recipients: nodemailer delivers to those accepted
    expect(await channel.send(message, signal())).toMatchObject({
      ok: false,
      failure: { reason: 'client', retryable: false, status: 550, message: expect.stringMatching(/refused the recipient: 550 5\.1\.1 User unknown/) },
    });
    expect(sink.received).toHaveLength(1);
  });

  it('delivers to the recipients the server accepts and names the one it refused', async () => {
    const three = createEmailChannel({ id: 'finance', type: 'email', smtp_url: sink.url, from: 'a@example.com', to: ['finance@example.com', 'cfo@example.com', 'ops@example.com'] }, deps);
    sink.refuseRecipient('cfo@example.com');
    const result = await three.send(message, signal());
    three.close();
    expect(result).toEqual({ ok: true, refused: [{ recipient: 'cfo@example.com', problem: '550 5.1.1 User unknown' }], deliveredTo: 2 });
    expect(sink.received.map((m) => m.to)).toEqual([['finance@example.com', 'ops@example.com']]);
  });

  it('explains a refused login without the password', async () => {
    const wrong = createEmailChannel({ id: 'finance', type: 'email', smtp_url: sink.url.replace('smtp-test-password', 'wrong-Passw0rd'), from: 'a@example.com', to: ['b@example.com'] }, deps);
    const result = await wrong.send(message, signal());
    wrong.close();
    expect(result).toMatchObject({ ok: false, failure: { reason: 'auth', retryable: true } });
    expect(JSON.stringify(result)).toMatch(/check the user and password in smtp_url/);
    expectNoSecret(result, ['wrong-Passw0rd', 'smtp-test-password']);
  });

  it('says when the server cannot be reached', async () => {
    await sink.stop();
    const result = await channel.send(message, signal());
    expect(result).toMatchObject({ ok: false, failure: { reason: 'network', retryable: true } });
    expectNoSecret(result, ['smtp-test-password']);
  });

  // The shapes nodemailer gives, stage by stage: a server's bad moment is retried, only a refusal of this message is final.
  it.each([
    ['greeting 554 (restarting)', { code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 service unavailable' }, 'server', true],
    ['greeting 421', { code: 'EPROTOCOL', command: 'CONN', responseCode: 421, response: '421 try later' }, 'server', true],
    ['EHLO 550', { code: 'ECONNECTION', command: 'EHLO', responseCode: 550, response: '550 go away' }, 'server', true],
    ['STARTTLS 554', { code: 'ETLS', command: 'STARTTLS', responseCode: 554, response: '554 TLS not available' }, 'server', true],
    ['AUTH 454 (temporary)', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 454, response: '454 4.7.0 try later' }, 'auth', true],
    ['AUTH 535 (wrong password)', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 invalid' }, 'auth', true],
    ['MAIL FROM 553', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 relay denied' }, 'client', false],
    ['MAIL FROM 451', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451, response: '451 greylisted' }, 'server', true],
    ['RCPT TO 550 5.1.1', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 user unknown' }, 'client', false],
    ['RCPT TO 450', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, response: '450 mailbox busy' }, 'server', true],
    ['DATA 552 (too big)', { code: 'EMESSAGE', command: 'DATA', responseCode: 552, response: '552 message too big' }, 'client', false],
    ['DATA 421', { code: 'EMESSAGE', command: 'DATA', responseCode: 421, response: '421 busy' }, 'server', true],
    ['an invalid recipient in the config', { code: 'EENVELOPE', command: 'API', message: 'Invalid recipient "x"' }, 'client', false],
    ['a timeout', { code: 'ETIMEDOUT', command: 'CONN' }, 'timeout', true],
    ['connection refused', { code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:25' }, 'network', true],
    ['the server closing mid-message', { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, 'network', true],
  ])('classifies SMTP: %s', (_, error, reason, retryable) => {
    expect(smtpFailure(error)).toMatchObject({ reason, retryable });
  });

  it('says which recipient stage refused, with the server\'s words', () => {
    expect(smtpFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 user unknown' }).message).toBe('the SMTP server refused the recipient: 550 5.1.1 user unknown');
    expect(smtpFailure({ code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 service unavailable' }).message).toBe('the SMTP server is not accepting mail now (CONN: 554 service unavailable)');
  });
});

describe('secrets', () => {
  it('redacts URLs, passwords and webhook tokens', () => {
    const url = 'smtp://alerts:p%40ss-word@mail.example.com:587';
    expect(redact(`failed for ${url} with p@ss-word`, urlSecrets(url))).toBe('failed for [redacted] with [redacted]');
  });
});
