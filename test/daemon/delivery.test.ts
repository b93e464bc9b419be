import { writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import type { SlackSink } from '../../src/simulator/slack-sink.js';
import type { SmtpSink } from '../../src/simulator/smtp-sink.js';
import { runCli } from '../helpers/cli.js';
import type { DaemonProcess } from '../helpers/daemon.js';
import { simulatedDaemons } from '../helpers/daemon-harness.js';
import { channelsYaml, simulatedConfig } from '../helpers/simulated.js';

/**
 * Delivery through the real daemon, a real SMTP server and a Slack receiver:
 * a server's bad moment never costs an alert, and a dead channel is heard on
 * the other one. Every alert here notifies both channels.
 */
describe('delivery when a channel fails', () => {
  const harness = simulatedDaemons();
  let sim: Simulator;
  let slack: SlackSink;
  let smtp: SmtpSink;
  let file: string;

  const writeConfig = (channels = channelsYaml('[treasury, finance]')) =>
    writeFileSync(file, simulatedConfig(sim, { schedule: '* * * * * *', extra: channels, timeout: '1s' }).replace('listen: false', 'listen: 127.0.0.1:0'));

  const start = () => harness.start();
  const slackTexts = harness.slackTexts;
  const readyz = async (daemon: DaemonProcess) => {
    const response = await fetch(`${daemon.httpUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as { reason?: string; channels: Record<string, { ok: boolean; up: boolean }> } };
  };
  const metric = async (daemon: DaemonProcess, line: RegExp) => (await (await fetch(`${daemon.httpUrl}/metrics`)).text()).split('\n').find((l) => line.test(l));

  beforeEach(() => {
    ({ sim, slack, smtp, file } = harness.world);
    writeConfig();
  });

  it.each([
    [554, 'a 554 greeting while the server restarts'],
    [421, 'a 421 greeting'],
  ])('retries %i at the greeting and delivers the email once when the server recovers (%s)', async (code) => {
    const daemon = await start();
    smtp.failNext(1, code, 'greeting');
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitForLog(/notification failed, will retry: the SMTP server is not accepting mail now/);
    await daemon.waitFor('the email after the retry', () => smtp.received.length === 1, 20_000);
    await daemon.nextCycles('apay', 2);
    expect(smtp.received.map((m) => m.subject)).toEqual(['[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)']);
    expect(slackTexts()).toEqual(['[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)']);
    // Every warning says how much clears it.
    expect(JSON.stringify(slack.received[0]!.payload)).toContain('at least 10,000.00 BDT (to 55,000.00, the recovery level)');
    expect(daemon.raw.join('\n')).not.toMatch(/given up on/);
  });

  it('notices an email the server refused for one of three recipients: Slack hears who, the two are not mailed again', async () => {
    writeConfig(channelsYaml('[treasury, finance]').replace('to: [finance@example.com]', 'to: [finance@example.com, cfo@example.com, ops@example.com]'));
    smtp.refuseRecipient('cfo@example.com');
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the notice on Slack', () => slackTexts().some((t) => t.startsWith('[PARTLY DELIVERED]')), 20_000);
    expect(slackTexts().find((t) => t.startsWith('[PARTLY DELIVERED]'))).toMatch(
      /^\[PARTLY DELIVERED\] Email to finance@example\.com, cfo@example\.com, ops@example\.com at .*: cfo@example\.com refused: 550 5\.1\.1 User unknown; delivered to the 2 others\. The alert was: \[WARNING\] bKash agent float: 45,000\.00 BDT \(below 50,000\.00\)\./,
    );
    await daemon.nextCycles('apay', 3);
    expect(smtp.received.map((m) => m.to)).toEqual([['finance@example.com', 'ops@example.com']]);
    const status = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { channels: { channel: string; last_failure: string | null }[] };
    expect(status.channels.find((c) => c.channel === 'finance')?.last_failure).toBe('cfo@example.com refused: 550 5.1.1 User unknown; delivered to the 2 others');
    expect(await metric(daemon, /^balance_watch_notifications_total\{channel="finance",outcome="refused"/)).toMatch(/ 1$/);
  });

  it('gives up on a recipient the server refuses (550) and tells Slack once, without a secret', async () => {
    const daemon = await start();
    smtp.failNext(10, 550, 'recipient');
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the notice on Slack', () => slackTexts().some((t) => t.startsWith('[DELIVERY FAILED]')), 20_000);
    const notice = slackTexts().find((t) => t.startsWith('[DELIVERY FAILED]'))!;
    expect(notice).toMatch(/^\[DELIVERY FAILED\] Email to finance@example\.com failed at .*: the SMTP server refused the recipient: 550 5\.1\.1 User unknown\. The alert was: \[WARNING\] bKash agent float: 45,000\.00 BDT \(below 50,000\.00\)\./);
    expect(notice).not.toContain('smtp-test-password');
    // A second lost email within the hour is logged, not noticed again.
    sim.setApayBalance('bkash_a', '9000');
    await daemon.waitFor('the escalation on Slack', () => slackTexts().some((t) => t.startsWith('[CRITICAL]')), 20_000);
    await daemon.waitFor('the second give-up', () => daemon.raw.filter((l) => /notification given up on/.test(l)).length === 2, 20_000);
    await daemon.nextCycles('apay', 2);
    expect(slackTexts().filter((t) => t.startsWith('[DELIVERY FAILED]'))).toHaveLength(1);
    expect(smtp.received).toEqual([]);
    const ready = await readyz(daemon);
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/channel finance is failing: the SMTP server refused the recipient/);
    expect(await metric(daemon, /^balance_watch_channel_up\{channel="finance"\}/)).toMatch(/ 0$/);
    expect(await metric(daemon, /^balance_watch_channel_up\{channel="treasury"\}/)).toMatch(/ 1$/);
    const status = await runCli(['status', '-c', file, '--json']);
    const channels = (JSON.parse(status.stdout) as { channels: { channel: string; failing: boolean; given_up_last_day: number }[] }).channels;
    expect(channels.find((c) => c.channel === 'finance')).toMatchObject({ failing: true, given_up_last_day: 2 });
  });

  it('tells email when Slack answers 404 (a revoked webhook)', async () => {
    const daemon = await start();
    slack.failNext(10, 404);
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the notice by email', () => smtp.received.some((m) => m.subject.startsWith('[DELIVERY FAILED]')), 20_000);
    const subjects = smtp.received.map((m) => m.subject);
    expect(subjects).toEqual(['[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)', '[DELIVERY FAILED] Slack (channel treasury) failed']);
    expect(smtp.received[1]!.raw).toMatch(/Slack answered HTTP 404/);
    expect(smtp.received[1]!.raw).not.toContain('sinkTOKEN0secret');
    expect(slack.received).toEqual([]);
  });

  it('keeps what a removed channel is owed, and says so in check, the log and status', async () => {
    const daemon = await start();
    await smtp.stop(); // the email waits, undelivered
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitForLog(/notification failed, will retry/);
    writeConfig(channelsYaml('[treasury]').replace(/  - id: finance[\s\S]*?to: \[finance@example.com\]\n/, ''));
    await daemon.waitFor('the reload\'s warning', () => daemon.lines.some((l) => l.msg.startsWith('1 undelivered notification belongs to channel "finance", which the config no longer has')));
    const check = await runCli(['check', '-c', file], { env: { SLACK_WEBHOOK_URL: slack.url } });
    expect(check.stdout).toMatch(/warning: 1 undelivered notification belongs to channel "finance"/);
    const status = await runCli(['status', '-c', file]);
    expect(status.stdout).toMatch(/finance\s+NOT IN CONFIG/);
    expect(status.stdout).toMatch(/#\d+ to finance: "\[WARNING\] bKash agent float/);
  });
});
