import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { simulatedDaemons } from '../helpers/daemon-harness.js';
import { channelsYaml, simulatedConfig } from '../helpers/simulated.js';
import { createDatabase, hasPostgres } from '../helpers/postgres.js';

interface JsonAlert {
  readonly account: string;
  readonly notifications: Record<string, number>;
  readonly notifications_in_order: { at: string; kind: string; level: string; channels: string[] }[];
}
interface JsonReport {
  readonly rules: { rule: string; alerts: JsonAlert[]; no_history: string[] }[];
}

describe('balance-watch backtest', () => {
  const harness = simulatedDaemons();
  // The config is read whole, as check reads it: its variables must be set (nothing is sent with them).
  const env = () => ({ SLACK_WEBHOOK_URL: harness.world.slack.url, SMTP_URL: harness.world.smtp.url });
  const rule = (warn: string) => `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: ${warn}
    critical_below: 10000`;

  it('replays the store a running daemon writes, and would have sent what it sent, notification by notification; --against shows the difference', async () => {
    const { sim, file } = harness.world;
    writeFileSync(file, simulatedConfig(sim, { schedule: '* * * * * *', timeout: '1s', extra: channelsYaml('[treasury]'), rules: rule('50000') }));
    const daemon = await harness.start();
    for (const balance of ['45000', '8000', '30000', '90000']) {
      sim.setApayBalance('bkash_a', balance);
      await daemon.nextCycles('apay', 2);
    }
    // Read while the daemon still writes.
    const replayed = await runCli(['backtest', '-c', file, '--since', '1h', '--json'], { env: env() });
    expect(replayed.code, replayed.stderr).toBe(0);
    const report = JSON.parse(replayed.stdout) as JsonReport;
    const bkash = report.rules[0]!.alerts.find((a) => a.account === 'bkash_a')!;
    // What the daemon did, from its own event log.
    const { SqliteStore } = await import('../../src/store/sqlite/open.js');
    const store = SqliteStore.open(path.join(path.dirname(file), 'state.db'), { readonly: true });
    const logged = (await store.eventsBetween(0, Date.now() + 1)).filter((e) => e.rule === 'bKash agent float');
    await store.close();
    expect(logged.map((e) => e.kind)).toEqual(['firing', 'escalation', 'improvement', 'resolved']);
    expect(bkash.notifications_in_order.map((n) => ({ at: Date.parse(n.at), kind: n.kind, level: n.level }))).toEqual(logged.map((e) => ({ at: e.at, kind: e.kind, level: e.level })));
    expect(bkash.notifications_in_order.every((n) => n.channels.join() === 'treasury')).toBe(true);
    expect(report.rules.find((r) => r.rule === 'UPI')).toBeUndefined();

    // The same history, a lower warning: no warning at 45,000 any more.
    const lower = path.join(path.dirname(file), 'lower.yaml');
    writeFileSync(lower, simulatedConfig(sim, { schedule: '* * * * * *', timeout: '1s', extra: channelsYaml('[treasury]'), rules: rule('40000') }));
    const compared = await runCli(['backtest', '-c', lower, '--against', file, '--since', '1h'], { env: env() });
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/bKash agent float: notifications 4 → 3; fired 1 → 1; warning time [^;]+ → [^;]+; critical time/);
    expect(compared.stdout).toContain('nothing was sent or written');

    // check --backtest: after validation, a line per changed rule.
    const checked = await runCli(['check', '-c', lower, '--backtest', '--since', '1h', '--against', file], { env: env() });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/backtest over the last 1 h, the rules that differ from .*config\.yaml \(before → after\):\n {2}bKash agent float: notifications 4 → 3; fired 1 → 1;/);
    expect(checked.stdout).not.toMatch(/^ {2}UPI:/m);
    const summary = await runCli(['check', '-c', file, '--backtest', '--since', '1h'], { env: env() });
    expect(summary.stdout).toMatch(/ {2}bKash agent float: 1 fired, 4 notifications \(treasury 4\); warning \d+ s, critical \d+ s over 1 h/);
  }, 60_000);

  it('explains a store that is not there, and a rule that is not in the config', async () => {
    const { sim, file } = harness.world;
    writeFileSync(file, simulatedConfig(sim, { extra: channelsYaml('[treasury]') }));
    expect((await runCli(['backtest', '-c', file], { env: env() })).stderr).toMatch(/no state at .*state\.db: nothing has been recorded yet to replay/);
    expect((await runCli(['backtest', '-c', file, '--rule', 'nope'], { env: env() })).stderr).toMatch(/no rule is named "nope" \(rules: bKash agent float, UPI, USD settlement\)/);
  });

  it.skipIf(!hasPostgres())('reads a PostgreSQL store through a cursor while it is written, with --state', async () => {
    const { sim, file } = harness.world;
    writeFileSync(file, simulatedConfig(sim, { schedule: '*/5 * * * *', extra: channelsYaml('[treasury]'), rules: rule('50000') }));
    const db = await createDatabase();
    try {
      const { PostgresStore } = await import('../../src/store/postgres/open.js');
      const store = await PostgresStore.open(db.url);
      const T0 = Date.now() - 3_600_000;
      const bdt = (major: number) => ({ amount: { units: BigInt(major) * 100n, scale: 2 }, currency: 'BDT' });
      for (const [i, major] of [80_000, 45_000, 45_000, 90_000].entries()) {
        await store.commitCycle({ source: 'apay', now: T0 + i * 300_000, alerts: [], observations: [{ account: 'bkash_a', value: bdt(major) }], outbox: [] });
      }
      // A write in flight beside the read: the replay sees the history up to its start.
      const reading = runCli(['backtest', '-c', file, '--state', db.url, '--since', '2h', '--json'], { env: env() });
      await store.commitCycle({ source: 'apay', now: T0 + 4 * 300_000, alerts: [], observations: [{ account: 'bkash_a', value: bdt(90_000) }], outbox: [] });
      const result = await reading;
      await store.close();
      expect(result.code, result.stderr).toBe(0);
      const bkash = (JSON.parse(result.stdout) as JsonReport).rules[0]!.alerts[0]!;
      expect(bkash.notifications_in_order.map((n) => n.kind)).toEqual(['firing', 'resolved']);
      expect(bkash.notifications).toEqual({ firing: 1, resolved: 1 });
    } finally {
      await db.drop();
    }
  });
});
