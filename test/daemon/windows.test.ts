import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { simulatedDaemons } from '../helpers/daemon-harness.js';
import { channelsYaml, simulatedConfig } from '../helpers/simulated.js';

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('a channel with office hours, end to end', () => {
  const harness = simulatedDaemons();

  it('holds email outside its window and sends one catch-up at the opening, with a firing and a resolve from the closed period', async () => {
    const { sim, slack, smtp, file } = harness.world;
    // The window opens at the first whole minute at least 25 s from now (UTC), and stays open for an hour.
    const opensAt = Math.ceil((Date.now() + 25_000) / 60_000) * 60_000;
    const config = simulatedConfig(sim, {
      schedule: '* * * * * *',
      timeout: '1s',
      extra: `time_windows:
  - name: desk-hours
    timezone: UTC
    times: ["${hhmm(opensAt)}-${hhmm(opensAt + 3_600_000)}"]
${channelsYaml('[treasury, finance]')}`,
      rules: `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000`,
    }).replace('    to: [finance@example.com]\n', '    to: [finance@example.com]\n    active_in: desk-hours\n');
    writeFileSync(file, config);
    const daemon = await harness.start();
    sim.setApayBalance('bkash_a', '8000');
    await daemon.waitFor('the critical on Slack', () => slack.received.length === 1);
    sim.setApayBalance('bkash_a', '90000');
    await daemon.waitFor('the resolve on Slack', () => slack.received.length === 2);
    await daemon.waitForLog(/a notification for finance is held until its time window opens/);
    expect(smtp.received).toHaveLength(0);
    const status = await runCli(['status', '-c', file]);
    expect(status.stdout).toMatch(new RegExp(`finance\\s+closed, opens \\w{3} ${hhmm(opensAt)} \\(desk-hours\\)`));
    await daemon.waitFor('the catch-up email', () => smtp.received.length >= 1, opensAt - Date.now() + 20_000);
    await daemon.nextCycles('apay', 2);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toMatch(/^While you were away \(\w{3} \d\d:\d\d – \w{3} \d\d:\d\d\): 1 alert fired, 1 resolved, 0 still firing$/);
    // The text part, soft line breaks of quoted-printable undone.
    expect(mail.raw.replace(/=\r?\n/g, '')).toMatch(/bKash agent float: fired \w{3} \d\d:\d\d \(critical, 8,000\.00 BDT\), resolved \w{3} \d\d:\d\d; now ok, 90,000\.00 BDT/);
  }, 150_000);
});
