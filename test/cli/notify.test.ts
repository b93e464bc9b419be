import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { SlackSink } from '../../src/simulator/slack-sink.js';
import { SmtpSink } from '../../src/simulator/smtp-sink.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { channelsYaml, simulatedConfig, simulator } from '../helpers/simulated.js';

describe('notifications end to end (once, status, test-notify)', () => {
  let sim: Simulator;
  let slack: SlackSink;
  let smtp: SmtpSink;
  let dir: string;
  let file: string;

  beforeEach(async () => {
    sim = await simulator().start();
    slack = await new SlackSink().start();
    smtp = await new SmtpSink().start();
    dir = tempDir();
    file = path.join(dir, 'config.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, simulatedConfig(sim, { extra: channelsYaml(), state: './data/state.db' }));
  });
  afterEach(async () => {
    await Promise.all([sim.stop(), slack.stop(), smtp.stop()]);
  });

  const env = () => ({ SLACK_WEBHOOK_URL: slack.url, SMTP_URL: smtp.url });
  const cli = (...args: string[]) => runCli([...args, '-c', file], { env: env() });

  it('fires once, holds quietly, then resolves: one message per event per channel', async () => {
    sim.setApayBalance('bkash_a', '8500.00');
    const first = await cli('once');
    expect(first.code).toBe(2);
    expect(slack.received.map((m) => m.payload.text)).toEqual(['[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)']);
    expect(smtp.received.map((m) => m.subject)).toEqual(['[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)']);

    sim.setApayBalance('bkash_a', '10500.00'); // inside the critical band: holds, silently
    expect((await cli('once')).code).toBe(2);
    expect(slack.received).toHaveLength(1);

    sim.setApayBalance('bkash_a', '100000.00');
    expect((await cli('once')).code).toBe(0);
    expect(slack.received.map((m) => m.payload.text).at(-1)).toBe('[RESOLVED] bKash agent float: 100,000.00 BDT (back above 55,000.00; recovered: +89,500.00 BDT since the last check)');
    expect(smtp.received).toHaveLength(2);
  });

  it('sends one digest per channel when several alerts change in a cycle', async () => {
    sim.setApayBalance('upi_fast', '100');
    sim.setApayBalance('upi_p2p', '200');
    sim.setApayBalance('bkash_a', '40000');
    await cli('once');
    const titles = slack.received.map((m) => m.payload.text?.split('\n')[0]);
    expect(titles).toEqual(['[WARNING] 3 balance alerts from apay']);
    expect(smtp.received.map((m) => m.subject)).toEqual(['[WARNING] 3 balance alerts from apay']);
  });

  it('keeps an undelivered message through an outage and delivers it on the next run', async () => {
    slack.failNext(10, 503);
    sim.setApayBalance('bkash_a', '8500.00');
    const first = await cli('once');
    expect(first.stdout).toMatch(/1 notification not yet delivered: they stay queued/);
    expect(first.stderr).toMatch(/notification failed, will retry: Slack answered HTTP 503/);
    expect(first.stderr + first.stdout).not.toContain('sinkTOKEN0secret');
    expect(smtp.received).toHaveLength(1);

    const status = await cli('status', '--json');
    const report = JSON.parse(status.stdout) as { alerts: { rule: string; account: string; state: string; firing: boolean }[]; outbox: { pending: { channel: string; last_reason: string }[] } };
    expect(report.alerts.filter((a) => a.firing)).toEqual([expect.objectContaining({ rule: 'bKash agent float', account: 'bkash_a', state: 'critical' })]);
    expect(report.outbox.pending).toEqual([expect.objectContaining({ channel: 'treasury', last_reason: 'server' })]);

    slack.failNext(0);
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // past the first backoff (at most 5 s)
    await cli('once');
    expect(slack.received.map((m) => m.payload.text)).toEqual(['[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)']);
    expect(smtp.received).toHaveLength(1);
  }, 30_000);

  it('status shows firing alerts in a table', async () => {
    sim.setBepaidAmount('40701810842020395221', 50_000n);
    await cli('once');
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Firing \(1\):/);
    expect(status.stdout).toMatch(/USD settlement\s+usd-settlement\s+warning\s+500.00 USD/);
    expect(status.stdout).toMatch(/Outbox: every notification has been delivered./);
  });

  it('status needs only the state store, not the secrets the daemon uses', async () => {
    sim.setApayBalance('bkash_a', '8500.00');
    await cli('once');
    const status = await runCli(['status', '-c', file], { env: {} });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/bKash agent float\s+bkash_a\s+critical\s+8,500.00 BDT/);
  });

  it('status before any run says so', async () => {
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/no state yet at .*state.db/);
  });

  it('test-notify reaches every channel with a message marked as a test', async () => {
    const result = await cli('test-notify');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('treasury (slack): delivered\nfinance (email): delivered\n');
    expect(slack.received[0]!.payload.text).toBe('[TEST] balance-watch test message for channel treasury');
    expect(smtp.received[0]!.subject).toBe('[TEST] balance-watch test message for channel finance');
  });

  it('test-notify reports each failing channel and exits 1', async () => {
    slack.failNext(1, 404);
    await smtp.stop();
    const result = await cli('test-notify');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/treasury \(slack\): FAILED \(client\): Slack answered HTTP 404 "no_service" \(the webhook was revoked/);
    expect(result.stdout).toMatch(/finance \(email\): FAILED \(network\): cannot reach the SMTP server/);
    expect(result.stdout).not.toContain('smtp-test-password');
    const one = await cli('test-notify', '--channel', 'nope');
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/no channel has id "nope" \(channels: treasury, finance\)/);
  });
});
