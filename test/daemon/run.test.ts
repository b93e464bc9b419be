import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import type { SlackSink } from '../../src/simulator/slack-sink.js';
import type { SmtpSink } from '../../src/simulator/smtp-sink.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { simulatedDaemons } from '../helpers/daemon-harness.js';
import { aliasBomb, deeplyNested } from '../helpers/config-text.js';
import { freePort } from '../helpers/ports.js';
import { channelsYaml, SIM_APAY_KEY, SIM_BEPAID_SECRET, simulatedConfig } from '../helpers/simulated.js';

const EVERY_SECOND = '* * * * * *';

/** bKash with a warning at 50,000 and a critical at 10,000: the routing and escalation tests add their notify and steps. */
const BKASH_WARN_AND_CRITICAL = `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000`;

describe('balance-watch run', () => {
  const harness = simulatedDaemons();
  let sim: Simulator;
  let slack: SlackSink;
  let smtp: SmtpSink;
  let file: string;

  const channels = (notify = '[treasury]') => channelsYaml(notify, '\n  stale_after: 2');

  const writeConfig = (options: Parameters<typeof simulatedConfig>[1] = {}) =>
    writeFileSync(file, simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channels(), timeout: '1s', ...options }).replace('listen: false', 'listen: 127.0.0.1:0'));

  const start = () => harness.start();
  const texts = harness.slackTexts;

  beforeEach(() => {
    ({ sim, slack, smtp, file } = harness.world);
    writeConfig();
  });

  it('writes a steady balance to the history only every few minutes, and every change at once', async () => {
    const daemon = await start();
    await daemon.nextCycles('apay', 3);
    const { SqliteStore } = await import('../../src/store/sqlite/open.js');
    const points = async () => {
      const store = SqliteStore.open(path.join(path.dirname(file), 'state.db'), { readonly: true });
      try {
        return (await store.history('apay', 'bkash_a', 0)).map((o) => o.value.amount.units);
      } finally {
        await store.close();
      }
    };
    expect(await points()).toEqual([8_000_000n]);
    sim.setApayBalance('bkash_a', '79000');
    await daemon.nextCycles('apay', 3);
    expect(await points()).toEqual([8_000_000n, 7_900_000n]);
  });

  it('fires once and holds, stays quiet in the band, escalates, improves and resolves', async () => {
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().length === 1);
    // The cycle's line counts events; each is also named.
    expect(daemon.lines.filter((l) => l.msg === 'firing: bKash agent float / bkash_a (warning)').map((l) => [l['rule'], l['account'], l['kind'], l['alert_level']])).toEqual([['bKash agent float', 'bkash_a', 'firing', 'warning']]);
    await daemon.nextCycles('apay', 3);
    sim.setApayBalance('bkash_a', '52000'); // above warn_below, below its recovery (55,000): holds
    await daemon.nextCycles('apay', 3);
    sim.setApayBalance('bkash_a', '9000');
    await daemon.waitFor('the escalation', () => texts().length === 2);
    sim.setApayBalance('bkash_a', '20000');
    await daemon.waitFor('the improvement', () => texts().length === 3);
    sim.setApayBalance('bkash_a', '70000');
    await daemon.waitFor('the resolve', () => texts().length === 4);
    await daemon.nextCycles('apay', 2);
    expect(texts()).toEqual([
      '[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)',
      '[CRITICAL] bKash agent float: 9,000.00 BDT (below 10,000.00, was warning)',
      '[WARNING] bKash agent float: 20,000.00 BDT (improved from critical, still below 50,000.00)',
      '[RESOLVED] bKash agent float: 70,000.00 BDT (back above 55,000.00; recovered: +50,000.00 BDT since the last check)',
    ]);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(daemon.raw.join('\n')).toMatch(/stopped cleanly/);
  }, 60_000);

  it('fires a drop once from the stored history, keeps its window across a restart, and resolves it', async () => {
    writeConfig({
      rules: `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 10000
    drop_by: 30%
    drop_within: 1h`,
    });
    const first = await start();
    sim.setApayBalance('bkash_a', '50000');
    await first.waitFor('the drop', () => texts().length === 1);
    expect(texts()[0]).toMatch(/^\[DROP\] bKash agent float fell 38 % \(−30,000\.00 BDT\) in \d+ s: 80,000\.00 → 50,000\.00 BDT$/);
    expect(await first.stop('SIGTERM')).toBe(0);
    // The high of 80,000 is in the store's history, not only in the first daemon's memory.
    const second = await start();
    await second.nextCycles('apay', 3);
    expect(texts()).toHaveLength(1);
    sim.setApayBalance('bkash_a', '80000');
    await second.waitFor('the drop to resolve', () => texts().length === 2);
    expect(texts()[1]).toBe('[RESOLVED] bKash agent float: 80,000.00 BDT, no longer falling fast (not below its high of the last 1 h)');
  }, 60_000);

  it('checks a total across both APIs, never with a vanished member, and names it in no data', async () => {
    writeFileSync(
      file,
      simulatedConfig(sim, {
        schedule: EVERY_SECOND,
        extra: channels(),
        timeout: '1s',
        rules: `  - name: USD liquidity
    total_of:
      - { source: apay, payment_system: usd_wallet }
      - { source: bepaid, account: "40701810842020395221" }
    warn_below: 6000
  - name: USD settlement
    source: bepaid
    account: usd-settlement
    warn_below: 100`,
      })
        .replace('"upi_*": INR', '"upi_*": INR\n      usd_wallet: USD')
        .replace('listen: false', 'listen: 127.0.0.1:0'),
    );
    sim.setApayBalance('usd_wallet', '3000.00'); // with bePaid's 5,000.00: 8,000.00
    const daemon = await start();
    await daemon.nextCycles('apay', 2);
    const status = async () => (await (await fetch(`${daemon.httpUrl}/api/status`)).json()) as { balances: { rule: string; account: string; balance: string | null }[]; totals: { currency: string; total: string }[] };
    expect((await status()).balances.find((b) => b.rule === 'USD liquidity')).toMatchObject({ account: 'total', balance: '8000.00' });
    // The strip of per-currency totals adds the balances listed, each once: not the total rule's sum again.
    expect((await status()).totals.find((t) => t.currency === 'USD')).toMatchObject({ total: '5000.00' });
    // Without usd_wallet the sum would be 5,000.00, below the warning: it must not fire on a part.
    sim.removeApaySystem('usd_wallet');
    await daemon.waitFor('the no-data alert', () => texts().length === 1);
    expect(texts()[0]).toMatch(/^\[NO DATA\] USD liquidity · total: .*apay\/usd_wallet \(missing from apay's answer\)/);
    sim.setApayBalance('usd_wallet', '500.00');
    await daemon.waitFor('the warning', () => texts().length >= 2);
    await daemon.nextCycles('apay', 2);
    // Data back and below the warning in one check: one message with both.
    expect(texts().slice(1)).toEqual([
      '[WARNING] 2 balance alerts from USD liquidity · total\n[WARNING] USD liquidity · total: 5,500.00 USD (below 6,000.00)\n[RESOLVED] USD liquidity · total: balances are being read again (5,500.00 USD)',
    ]);
    const warning = JSON.stringify(slack.received[1]!.payload);
    expect(warning).toContain('bepaid/usd-settlement 5,000.00 USD, apay/usd_wallet 500.00 USD');
  }, 60_000);

  it('routes by level: a warning to Slack only, the escalation to critical to both, and the resolve to both', async () => {
    writeConfig({
      extra: channels(),
      rules: `${BKASH_WARN_AND_CRITICAL}
    notify:
      warning: [treasury]
      critical: [treasury, finance]`,
    });
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().length === 1);
    await daemon.nextCycles('apay', 2);
    expect(smtp.received).toHaveLength(0);
    sim.setApayBalance('bkash_a', '8000');
    await daemon.waitFor('the critical on both', () => texts().length === 2 && smtp.received.length === 1, 20_000);
    sim.setApayBalance('bkash_a', '90000');
    await daemon.waitFor('the resolve on both', () => texts().length === 3 && smtp.received.length === 2, 20_000);
    expect(texts()[1]).toBe('[CRITICAL] bKash agent float: 8,000.00 BDT (below 10,000.00, was warning)');
    expect(smtp.received.map((m) => m.subject)).toEqual([texts()[1], texts()[2]]);
    expect(texts()[2]).toMatch(/^\[RESOLVED\] bKash agent float: 90,000.00 BDT/);
  }, 60_000);

  it('escalates a critical nobody acknowledges to email, and an acknowledgement stops the next step', async () => {
    writeConfig({
      extra: channels(),
      rules: `${BKASH_WARN_AND_CRITICAL}
    notify: [treasury]
    escalate:
      - { after: 2s, notify: [finance] }
      - { after: 10s, notify: [finance] }`,
    });
    const daemon = await start();
    sim.setApayBalance('bkash_a', '8000');
    await daemon.waitFor('the critical on Slack', () => texts().length === 1);
    await daemon.waitFor('the first step by email', () => smtp.received.length === 1, 20_000);
    expect(smtp.received[0]!.subject).toMatch(/^\[ESCALATED\] bKash agent float: critical for \d+ s, not acknowledged: 8,000\.00 BDT \(below 10,000\.00\)$/);
    expect((await runCli(['ack', 'bKash agent float', '--by', 'Boris', '-c', file])).code).toBe(0);
    // Past the second step's 10 s: it is not sent, since someone answered.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    await daemon.nextCycles('apay', 2);
    expect(smtp.received).toHaveLength(1);
    // Finance heard of it through the step, so it hears the resolve too.
    sim.setApayBalance('bkash_a', '90000');
    await daemon.waitFor('the resolve on both', () => smtp.received.length === 2 && texts().length === 2, 20_000);
    expect(smtp.received[1]!.subject).toMatch(/^\[RESOLVED\] bKash agent float: 90,000\.00 BDT/);
  }, 90_000);

  it('neither repeats a firing nor loses a resolve across a restart', async () => {
    const first = await start();
    sim.setApayBalance('bkash_a', '8000');
    await first.waitFor('the firing', () => texts().length === 1);
    expect(await first.stop('SIGINT')).toBe(0);
    sim.setApayBalance('bkash_a', '90000');
    const second = await start();
    await second.waitFor('the resolve', () => texts().length === 2);
    await second.nextCycles('apay', 2);
    expect(texts()).toEqual(['[CRITICAL] bKash agent float: 8,000.00 BDT (below 10,000.00)', '[RESOLVED] bKash agent float: 90,000.00 BDT (back above 55,000.00; recovered: +82,000.00 BDT since the last check)']);
  }, 60_000);

  it('delivers after kill -9 what was queued while Slack was down, exactly once', async () => {
    slack.failNext(1000, 503);
    const first = await start();
    sim.setApayBalance('bkash_a', '8000');
    await first.waitForLog(/notification failed, will retry: Slack answered HTTP 503/);
    await first.stop('SIGKILL');
    slack.failNext(0);
    const second = await start();
    await second.waitFor('the delivery', () => texts().length === 1, 20_000);
    await second.nextCycles('apay', 2);
    expect(texts()).toEqual(['[CRITICAL] bKash agent float: 8,000.00 BDT (below 10,000.00)']);
    expect(second.raw.join('\n') + first.raw.join('\n')).not.toContain('sinkTOKEN0secret');
  }, 60_000);

  it('retries email through an SMTP outage', async () => {
    writeFileSync(file, simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channels('[finance]'), timeout: '1s' }));
    smtp.failNext(1, 451);
    const daemon = await start();
    sim.setApayBalance('bkash_a', '8000');
    await daemon.waitForLog(/the SMTP server deferred the message/);
    await daemon.waitFor('the email', () => smtp.received.length === 1, 20_000);
    expect(smtp.received[0]!.subject).toBe('[CRITICAL] bKash agent float: 8,000.00 BDT (below 10,000.00)');
    expect(daemon.raw.join('\n')).not.toContain('smtp-test-password');
  }, 60_000);

  it('keeps alerting on a healthy API while the other hangs, skipping its overlapping ticks', async () => {
    sim.setFault('bepaid', 'hang');
    const daemon = await start();
    sim.setApayBalance('bkash_a', '8000');
    await daemon.waitFor('the firing', () => texts().length === 1);
    await daemon.waitForLog(/skipped a scheduled cycle of bepaid: the previous one is still running/);
    await daemon.waitForLog(/source bepaid could not be read: bePaid: no answer within 1s/, 20_000);
    const metrics = await (await fetch(`${daemon.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/balance_watch_cycles_skipped_total\{source="bepaid"\} [1-9]/);
    expect(daemon.raw.join('\n')).not.toContain(SIM_BEPAID_SECRET);
    // Shutting down abandons the hung request at once.
    const stopping = Date.now();
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(6_000);
  }, 60_000);

  it('reports garbage from an API for that payment system only, and raises no data after stale_after', async () => {
    const daemon = await start();
    sim.setFault('apay', 'garbage');
    await daemon.waitForLog(/bKash agent float \/ bkash_a: A-Pay sent a balance that is not a number/);
    await daemon.waitFor('the no-data alert', () => texts().some((t) => t.startsWith('[NO DATA] bKash agent float')));
    expect(texts().filter((t) => t.includes('UPI'))).toEqual([]);
    sim.setFault('apay', 'none');
    await daemon.waitFor('data back', () => texts().some((t) => t.includes('balances are being read again')));
    expect(daemon.raw.join('\n')).not.toContain(SIM_APAY_KEY);
  }, 60_000);

  it('reloads a valid config and refuses an invalid one, going on with the old', async () => {
    const daemon = await start();
    // Saved the way editors do: a new file renamed over the old one.
    const draft = `${file}.swp`;
    writeFileSync(draft, simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channels(), timeout: '1s', rules: '  - name: bKash agent float\n    source: apay\n    payment_system: bkash_a\n    warn_below: 90000\n' }).replace('listen: false', 'listen: 127.0.0.1:0'));
    renameSync(draft, file);
    await daemon.waitForLog(/config reloaded/);
    await daemon.waitFor('the warning at the new threshold', () => texts().includes('[WARNING] bKash agent float: 80,000.00 BDT (below 90,000.00)'));
    // The rules the new config dropped are closed quietly: no message, and gone from the store.
    const status = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { alerts: { rule: string }[] };
    expect([...new Set(status.alerts.map((a) => a.rule))]).toEqual(['bKash agent float']);
    expect(texts().filter((t) => /UPI|USD settlement/.test(t))).toEqual([]);
    writeFileSync(file, 'schedule: "* * * * * *"\nrules: [oops\n');
    await daemon.waitForLog(/the changed config was refused/);
    expect(daemon.raw.join('\n')).toMatch(/config.yaml:\d+:\d+ error: YAML syntax/);
    sim.setApayBalance('bkash_a', '100000');
    await daemon.waitFor('the resolve under the kept config', () => texts().some((t) => t.startsWith('[RESOLVED] bKash agent float')));
    daemon.signal('SIGHUP');
    await daemon.waitForLog(/"trigger":"SIGHUP".*refused/);
  }, 60_000);

  it('refuses a reload of an alias bomb or a 5,000-level file at once, and cycles and health go on', async () => {
    const daemon = await start();
    await daemon.nextCycles('apay');
    for (const [what, text] of [['alias bomb', aliasBomb()], ['deep nesting', deeplyNested(5_000)]] as const) {
      const refusalsBefore = daemon.lines.filter((l) => /the changed config was refused/.test(String(l.msg))).length;
      writeFileSync(file, text);
      await daemon.waitFor(`the ${what} refused`, () => daemon.lines.filter((l) => /the changed config was refused/.test(String(l.msg))).length > refusalsBefore);
      expect((await fetch(`${daemon.httpUrl}/healthz`)).status, what).toBe(200);
      await daemon.nextCycles('apay', 2);
    }
    expect(daemon.raw.join('\n')).toMatch(/config.yaml:5:10 error: more than 100 aliases are followed from \*a2/);
    expect(daemon.raw.join('\n')).toMatch(/config.yaml:2:264 error: nested more than 64 levels deep/);
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('a warning under the kept config', () => texts().some((t) => t.startsWith('[WARNING] bKash agent float')));
  }, 60_000);

  it('a payment system gone from A-Pay keeps its no-data alert until forgotten, quietly, and returns as a new alert', async () => {
    const daemon = await start();
    await daemon.nextCycles('apay');
    sim.removeApaySystem('upi_p2p');
    await daemon.waitFor('the no-data alert', () => texts().some((t) => t.startsWith('[NO DATA] UPI · upi_p2p')));
    const before = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { alerts: { account: string; missing_since: string | null }[] };
    expect(before.alerts.find((a) => a.account === 'upi_p2p')?.missing_since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await runCli(['status', '-c', file])).stdout).toMatch(/upi_p2p\s+no data \(not in apay's answers since /);
    const forgot = await runCli(['forget', 'UPI/upi_p2p', '-c', file]);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toMatch(/^forgot UPI\/upi_p2p \(no data, last read 400,000\.00 INR at .*\): closed quietly, nothing was sent; it comes back as a new alert if apay lists upi_p2p again/);
    const sentBefore = texts().length;
    await daemon.nextCycles('apay', 3);
    const after = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { alerts: { account: string }[] };
    expect(after.alerts.map((a) => a.account)).not.toContain('upi_p2p');
    expect(texts().length).toBe(sentBefore);
    expect((await runCli(['forget', 'UPI/upi_p2p', '-c', file])).stderr).toMatch(/rule "UPI" has no alert for "upi_p2p" \(accounts: upi_fast\)/);
    sim.setApayBalance('upi_p2p', '100000');
    await daemon.waitFor('the new alert', () => texts().some((t) => t.startsWith('[WARNING] UPI · upi_p2p')));
    expect(texts().filter((t) => t.startsWith('[RESOLVED]') || t.includes('balances are being read again'))).toEqual([]);
  }, 60_000);

  it('once beside the running daemon gives way instead of notifying the same change twice', async () => {
    writeConfig({ extra: `${channels()}\nha:\n  lease: 2s` });
    const daemon = await start();
    await daemon.nextCycles('apay');
    sim.setApayBalance('bkash_a', '45000');
    const beside = await runCli(['once', '-c', file], { env: { SLACK_WEBHOOK_URL: slack.url, SMTP_URL: smtp.url }, timeoutMs: 20_000 });
    expect(beside.code).toBe(3);
    expect(beside.stderr).toContain(`another balance-watch holds the leader lease of ${path.join(path.dirname(file), 'state.db')} (`);
    await daemon.waitFor('the warning', () => texts().length === 1);
    await daemon.nextCycles('apay', 2);
    expect(texts()).toEqual(['[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)']);
  }, 60_000);

  it('a Slack message\'s Silence link opens a page that changes nothing; its POST silences the alert, tells the channel, and the repeats stop', async () => {
    const port = await freePort();
    const secret = 'a-secret-of-at-least-thirty-two-characters';
    writeFileSync(
      file,
      simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channelsYaml('[treasury]', '\n  stale_after: 2').replace('repeat: 0', 'repeat: 3s'), timeout: '1s' })
        .replace('listen: false', `listen: 127.0.0.1:${port}\n  public_url: http://127.0.0.1:${port}\n  auth: { username: treasury, password: board-pass }`)
        .replace('sources:', `actions:\n  secret: ${secret}\nsources:`),
    );
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().length === 1);
    const links = [...JSON.stringify(slack.received[0]!.payload).matchAll(/<(http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_.-]+)\|([^>]+)>/g)].map((m): [string, string] => [m[1]!, m[2]!]);
    expect(links.map(([, label]) => label)).toEqual(['Acknowledge', 'Silence 2 h', 'Silence until tomorrow 09:00']);
    const silenceLink = links[1]![0];
    // A mail scanner or Slack's unfurler fetches it: nothing happens, and no board password is asked.
    const page = await fetch(silenceLink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<b>bKash agent float · bkash_a</b>: warning');
    expect((await fetch(`${daemon.httpUrl}/`)).status).toBe(401);
    const silencesNow = async () => JSON.parse((await runCli(['silence', 'list', '--json', '-c', file])).stdout) as { rule: string; reason: string; active: boolean }[];
    expect(await silencesNow()).toEqual([]);
    const done = await fetch(silenceLink, { method: 'POST', body: new URLSearchParams({ by: 'Anna', note: 'top-up requested from the bank' }) });
    expect(done.status).toBe(200);
    expect(await silencesNow()).toEqual([expect.objectContaining({ rule: 'bKash agent float', reason: 'Anna: top-up requested from the bank', active: true })]);
    await daemon.waitFor('the echo', () => texts().some((t) => /^bKash agent float: silenced until .* by Anna — top-up requested from the bank$/.test(t)));
    expect(daemon.lines.filter((l) => l.msg === 'bKash agent float / bkash_a silenced by Anna from a link (client 127.0.0.1)').map((l) => l['by'])).toEqual(['Anna']);
    const sent = texts().length;
    await daemon.nextCycles('apay', 5);
    expect(texts().slice(sent)).toEqual([]);
    // A tampered link changes nothing.
    const tampered = await fetch(silenceLink.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), { method: 'POST', body: new URLSearchParams({ by: 'Mallory' }) });
    expect(tampered.status).toBe(403);
    expect(await silencesNow()).toHaveLength(1);
  }, 60_000);

  it('Acknowledge from a Slack link stops the repeats and tells the channel; an escalation ends it and says who had acknowledged', async () => {
    const port = await freePort();
    writeFileSync(
      file,
      simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channelsYaml('[treasury]').replace('repeat: 0', 'repeat: 3s'), timeout: '1s' })
        .replace('listen: false', `listen: 127.0.0.1:${port}\n  public_url: http://127.0.0.1:${port}`)
        .replace('sources:', 'actions:\n  secret: a-secret-of-at-least-thirty-two-characters\nsources:'),
    );
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().length === 1);
    const ackLink = /<(http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_.-]+)\|Acknowledge>/.exec(JSON.stringify(slack.received[0]!.payload))![1]!;
    expect((await fetch(ackLink, { method: 'POST', body: new URLSearchParams({ by: 'Anna', note: 'top-up requested' }) })).status).toBe(200);
    await daemon.waitFor('the echo', () => texts().includes('bKash agent float: acknowledged by Anna — top-up requested'));
    const status = JSON.parse((await runCli(['status', '--json', '-c', file])).stdout) as { alerts: { account: string; acknowledged: { by: string; note: string } | null }[] };
    expect(status.alerts.find((a) => a.account === 'bkash_a')?.acknowledged).toMatchObject({ by: 'Anna', note: 'top-up requested' });
    // The daemon takes the acknowledgement in at its next cycle.
    await daemon.nextCycles('apay', 2);
    expect(await (await fetch(`${daemon.httpUrl}/metrics`)).text()).toContain('balance_watch_alert_acknowledged{rule="bKash agent float",account="bkash_a"} 1');
    const sent = texts().length;
    await daemon.nextCycles('apay', 5);
    expect(texts().slice(sent)).toEqual([]);
    sim.setApayBalance('bkash_a', '9000');
    await daemon.waitFor('the escalation', () => texts().some((t) => t.startsWith('[CRITICAL] bKash agent float')));
    const escalation = slack.received.find((m) => (m.payload.text ?? '').startsWith('[CRITICAL] bKash agent float'))!;
    expect(JSON.stringify(escalation.payload)).toMatch(/\*Acknowledged\*\\nby Anna at .* \(ended: it got worse\)/);
    await daemon.waitFor('a repeat of the critical, no longer acknowledged', () => texts().filter((t) => t.startsWith('[CRITICAL] bKash agent float')).length >= 2, 15_000);
  }, 60_000);

  it('ack and ack remove from the command line', async () => {
    writeConfig({ extra: channels().replace('repeat: 0', 'repeat: 2s') });
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().length === 1);
    const acked = await runCli(['ack', 'bKash agent float', '--by', 'Boris', '--note', 'calling the bank', '-c', file]);
    expect(acked.code).toBe(0);
    expect(acked.stdout).toMatch(/^acknowledged bKash agent float\/bkash_a \(warning\) by Boris at .*: calling the bank; no repeats until it gets worse or resolves$/m);
    await daemon.nextCycles('apay', 2);
    const quiet = texts().length;
    await daemon.nextCycles('apay', 4);
    expect(texts().length).toBe(quiet);
    expect((await runCli(['ack', 'remove', 'bKash agent float', '-c', file])).stdout).toContain('bKash agent float/bkash_a: acknowledgement by Boris taken back; repeats resume');
    await daemon.waitFor('a repeat again', () => texts().length > quiet, 15_000);
    expect((await runCli(['ack', 'UPI', '--by', 'Boris', '-c', file])).stderr).toContain('nothing of UPI is firing: there is nothing to acknowledge');
  }, 60_000);

  it('an email\'s Silence link works the same way', async () => {
    const port = await freePort();
    writeFileSync(
      file,
      simulatedConfig(sim, { schedule: EVERY_SECOND, extra: channelsYaml('[finance]'), timeout: '1s' })
        .replace('listen: false', `listen: 127.0.0.1:${port}\n  public_url: http://127.0.0.1:${port}`)
        .replace('sources:', 'actions:\n  secret: a-secret-of-at-least-thirty-two-characters\nsources:'),
    );
    const daemon = await start();
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the email', () => smtp.received.length === 1);
    // Quoted-printable: long lines are folded with "=" and bytes written as =XX.
    const decoded = smtp.received[0]!.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const inText = /Silence 2 h: (http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_.-]+)/.exec(decoded)?.[1];
    expect(decoded).toContain(`<a href="${inText}"`);
    const done = await fetch(inText!, { method: 'POST', body: new URLSearchParams({ by: 'Boris' }) });
    expect(done.status).toBe(200);
    await daemon.waitFor('the echo by email', () => smtp.received.some((m) => m.subject === '[SILENCED] bKash agent float by Boris'));
  }, 60_000);

  it('serves metrics, health and readiness', async () => {
    const daemon = await start();
    await daemon.nextCycles('bepaid');
    const health = await fetch(`${daemon.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${daemon.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, sources: { apay: { ok: true }, bepaid: { ok: true } } });
    const metrics = await (await fetch(`${daemon.httpUrl}/metrics`)).text();
    expect(metrics).toContain('balance_watch_balance{source="apay",account="bkash_a",currency="BDT"} 80000');
    expect(metrics).toContain('balance_watch_balance{source="bepaid",account="usd-settlement",currency="USD"} 5000');
    expect(metrics).toContain('balance_watch_alert_level{rule="bKash agent float",account="bkash_a"} 0');
    expect(metrics).toMatch(/balance_watch_fetches_total\{source="apay",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/balance_watch_cycle_duration_seconds_count\{source="apay"\} \d+/);
    expect(metrics).toContain('process_resident_memory_bytes');
    expect((await fetch(`${daemon.httpUrl}/nope`)).status).toBe(404);
  }, 30_000);

  it('exports the runway of a falling balance and raises a runway alert', async () => {
    writeConfig({ rules: '  - name: bKash agent float\n    source: apay\n    payment_system: bkash_a\n    critical_below: 10000\n    runway_below: 1h\n    runway_window: 1m\n' });
    const daemon = await start();
    for (let balance = 79_000; balance >= 72_000; balance -= 1_000) {
      sim.setApayBalance('bkash_a', `${balance}.00`);
      await daemon.nextCycles('apay');
    }
    await daemon.waitFor('the runway alert', () => texts().some((t) => t.startsWith('[RUNWAY] bKash agent float')));
    const metrics = await (await fetch(`${daemon.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/balance_watch_runway_seconds\{rule="bKash agent float",account="bkash_a"\} \d+/);
  }, 60_000);

  it('sees a silence added while it runs, and counts what it mutes', async () => {
    const daemon = await start();
    const added = await runCli(['silence', 'add', 'bKash agent float', '--for', '1h', '--reason', 'top-up on its way', '-c', file]);
    expect(added.code).toBe(0);
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitForLog(/notification silenced: bKash agent float \/ bkash_a/);
    await daemon.nextCycles('apay', 2);
    expect(texts()).toEqual([]);
    const metrics = await (await fetch(`${daemon.httpUrl}/metrics`)).text();
    expect(metrics).toContain('balance_watch_notifications_silenced_total{rule="bKash agent float"} 1');
    expect(metrics).toContain('balance_watch_alert_level{rule="bKash agent float",account="bkash_a"} 1');
  }, 30_000);

  it('sends a summary on its schedule, and a missed one once at start, marked late', async () => {
    writeFileSync(
      file,
      simulatedConfig(sim, {
        schedule: EVERY_SECOND,
        timeout: '1s',
        extra: `channels:\n  - { id: treasury, type: slack, webhook_url: "\${SLACK_WEBHOOK_URL}", summary: "*/2 * * * * *" }`,
      }),
    );
    const { SqliteStore } = await import('../../src/store/sqlite/open.js');
    const store = SqliteStore.open(path.join(path.dirname(file), 'state.db'));
    await store.recordSummary('treasury', undefined, Date.now() - 86_400_000, Date.now() - 60_000);
    await store.close();
    const daemon = await start();
    await daemon.waitFor('the late summary', () => texts().some((t) => t.startsWith('Balance summary (late):')));
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning', () => texts().some((t) => t.startsWith('[WARNING] bKash agent float')));
    await daemon.waitFor('an on-time summary with the firing', () => texts().some((t) => /^Balance summary: \d+ balances, 1 firing$/.test(t)), 10_000);
    const onTime = slack.received.find((m) => /^Balance summary: \d+ balances, 1 firing$/.test(m.payload.text ?? ''))!;
    expect(JSON.stringify(onTime.payload.blocks)).toMatch(/warning  bKash agent float · bkash_a\s+45,000.00 BDT/);
  }, 45_000);

  it('refuses to start on an invalid config, with exit 1', async () => {
    writeFileSync(file, 'schedule: "* * * * * *"\n');
    const result = await runCli(['run', '-c', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing required setting "sources"/);
  });
});

describe('balance-watch run, at start', () => {
  it('explains a metrics port that is already in use, exit 1', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const file = path.join(tempDir(), 'config.yaml');
    writeFileSync(
      file,
      `schedule: "*/5 * * * *"\nhttp: { listen: "127.0.0.1:${port}" }\nsources: [{ id: apay, type: apay, base_url: "http://127.0.0.1:9", project_id: 1, api_key: k }]\nrules: [{ name: r, source: apay, payment_system: bkash_a, warn_below: 5 }]\n`,
    );
    const result = await runCli(['run', '-c', file]);
    blocker.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`http.listen 127.0.0.1:${port}: the port is already in use (another balance-watch?); choose another port, 0 for any free one, or listen: false`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
