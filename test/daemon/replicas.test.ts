import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { SlackSink } from '../../src/simulator/slack-sink.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon.js';
import { createDatabase, hasPostgres, queryDatabase } from '../helpers/postgres.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

const EVERY_SECOND = '* * * * * *';
const TOOK_LEASE = /this replica took the leader lease/;

/** One rule on one A-Pay payment system, Slack only: each event is one Slack message. */
const RULES = `  - name: bKash agent float
    source: apay
    payment_system: bkash_a
    warn_below: 50000
    critical_below: 10000
`;

/**
 * Two `run` replicas on one PostgreSQL database, against the simulator and a
 * Slack receiver: one acts, the other stands by; a kill, a shutdown or the
 * database dropping its connections must lose nothing and double nothing.
 */
describe.skipIf(!hasPostgres())('two replicas on PostgreSQL', () => {
  let sim: Simulator;
  let slack: SlackSink;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let file: string;
  const daemons: DaemonProcess[] = [];

  const writeConfig = (lease: string) => {
    const extra = `channels:
  - { id: treasury, type: slack, webhook_url: "\${SLACK_WEBHOOK_URL}" }
defaults:
  notify: [treasury]
  repeat: 0
ha:
  lease: ${lease}`;
    writeFileSync(file, simulatedConfig(sim, { schedule: EVERY_SECOND, state: database.url, extra, rules: RULES, timeout: '1s' }).replace('listen: false', 'listen: 127.0.0.1:0'));
  };

  const replica = () => {
    const daemon = new DaemonProcess(['run', '-c', file], { SLACK_WEBHOOK_URL: slack.url, LOG_LEVEL: 'debug' });
    daemons.push(daemon);
    return daemon;
  };

  /** Starts two replicas together; resolves with them as leader and follower once the leader has cycled. */
  const pair = async () => {
    const [a, b] = [replica(), replica()];
    await Promise.all([a.waitForLog(/balance-watch started/), b.waitForLog(/balance-watch started/)]);
    await a.waitFor('one replica to lead', () => [a, b].some((d) => d.raw.some((line) => TOOK_LEASE.test(line))));
    const leader = a.raw.some((line) => TOOK_LEASE.test(line)) ? a : b;
    const follower = leader === a ? b : a;
    await leader.nextCycles('apay', 2);
    return { leader, follower };
  };

  const texts = () => slack.received.map((m) => m.payload.text ?? '');
  const count = (prefix: string) => texts().filter((t) => t.startsWith(prefix)).length;

  beforeEach(async () => {
    sim = await simulator().start();
    slack = await new SlackSink().start();
    database = await createDatabase();
    file = path.join(tempDir(), 'config.yaml');
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL').catch(() => undefined)));
    await Promise.all([sim.stop(), slack.stop()]);
    await database.drop();
  });

  it('one replica fetches and notifies, once per event; the other answers as a follower', async () => {
    writeConfig('3s');
    const { leader, follower } = await pair();
    sim.setApayBalance('bkash_a', '45000');
    await leader.waitFor('the warning', () => count('[WARNING] bKash agent float') === 1);
    await leader.nextCycles('apay', 3);
    expect(count('[WARNING] bKash agent float')).toBe(1);
    expect(slack.received).toHaveLength(1);
    expect(follower.cycles('apay')).toBe(0);

    const ready = await fetch(`${follower.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, role: 'follower', leader: expect.stringContaining(':') });
    expect(await (await fetch(`${follower.httpUrl}/metrics`)).text()).toMatch(/^balance_watch_leader 0$/m);
    expect(await (await fetch(`${leader.httpUrl}/metrics`)).text()).toMatch(/^balance_watch_leader 1$/m);
    expect(await (await fetch(`${leader.httpUrl}/readyz`)).json()).toMatchObject({ ready: true, role: 'leader' });
  });

  it('after kill -9 of the leader the follower takes over and sends the resolve it left owed, exactly once', async () => {
    writeConfig('2s');
    const { leader, follower } = await pair();
    sim.setApayBalance('bkash_a', '45000');
    await leader.waitFor('the warning', () => count('[WARNING] bKash agent float') === 1);
    // Slack fails from now on: the resolve is written to the outbox, tried, and left owed.
    slack.failNext(1_000, 503);
    sim.setApayBalance('bkash_a', '70000');
    await leader.waitForLog(/notification failed, will retry/);
    leader.signal('SIGKILL');
    slack.failNext(0);
    await follower.waitForLog(TOOK_LEASE, 15_000);
    await follower.waitFor('the resolve', () => count('[RESOLVED] bKash agent float') === 1, 20_000);
    await follower.nextCycles('apay', 3);
    expect(count('[RESOLVED] bKash agent float')).toBe(1);
    expect(count('[WARNING] bKash agent float')).toBe(1);
    const owed = await queryDatabase<{ n: string }>(database.url, 'SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL');
    expect(owed).toEqual([{ n: '0' }]);
    // The state carried over: the alert is ok, not fired again by the new leader.
    sim.setApayBalance('bkash_a', '45000');
    await follower.waitFor('a new warning from the new leader', () => count('[WARNING] bKash agent float') === 2);
  });

  it('once beside a leader waits one lease, then gives way naming it; with the leader stopped, it takes the lease for its cycle', async () => {
    writeConfig('2s');
    const daemon = replica();
    await daemon.waitForLog(TOOK_LEASE);
    await daemon.nextCycles('apay', 1);
    sim.setApayBalance('bkash_a', '45000');
    const beside = await runCli(['once', '-c', file], { env: { SLACK_WEBHOOK_URL: slack.url }, timeoutMs: 20_000 });
    expect(beside.code).toBe(3);
    expect(beside.stderr).toMatch(/^another balance-watch holds the leader lease of postgres:\/\/postgres@127\.0\.0\.1:5432\/bw_test_\w+ \([^:]+:\d+:[0-9a-f]{6}\): it runs the cycles and sends, and once beside it would notify the same changes twice\. Run once --dry-run beside it, or stop it first\.$/m);
    await daemon.waitFor('the warning, once, from the daemon', () => count('[WARNING] bKash agent float') === 1);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    sim.setApayBalance('bkash_a', '70000');
    const alone = await runCli(['once', '-c', file], { env: { SLACK_WEBHOOK_URL: slack.url }, timeoutMs: 20_000 });
    expect(alone.code).toBe(0);
    expect(count('[RESOLVED] bKash agent float')).toBe(1);
    expect(await queryDatabase<{ n: string }>(database.url, 'SELECT COUNT(*) AS n FROM leader_lease')).toEqual([{ n: '0' }]);
  });

  it('hands over on SIGTERM at once, without waiting for the lease to expire', async () => {
    writeConfig('15s');
    const { leader, follower } = await pair();
    const stoppedAt = Date.now();
    expect(await leader.stop('SIGTERM')).toBe(0);
    await follower.waitForLog(TOOK_LEASE, 10_000);
    const handOverMs = Date.now() - stoppedAt;
    // A lease left to expire would take 15 s; a released one is taken at the follower's next bid (every second).
    expect(handOverMs).toBeLessThan(8_000);
    await follower.nextCycles('apay', 1);
    sim.setApayBalance('bkash_a', '45000');
    await follower.waitFor('the warning from the new leader', () => count('[WARNING] bKash agent float') === 1);
  });

  it('rides out PostgreSQL dropping every connection: says so, reconnects, loses nothing', async () => {
    writeConfig('5s');
    const daemon = replica();
    await daemon.waitForLog(TOOK_LEASE);
    await daemon.nextCycles('apay', 2);
    // The daemon's pool holds a connection or more: each is cut, and the daemon must say so (or this wait times out).
    await database.terminateConnections();
    await daemon.waitForLog(/state store postgres:\/\/postgres@127\.0\.0\.1:5432\/bw_test_\w+: .*retrying/);
    await daemon.waitForLog(/reachable again/, 15_000);
    sim.setApayBalance('bkash_a', '45000');
    await daemon.waitFor('the warning after the reconnect', () => count('[WARNING] bKash agent float') === 1);
    await daemon.nextCycles('apay', 2);
    expect(count('[WARNING] bKash agent float')).toBe(1);
    expect(daemon.raw.some((line) => /this replica stopped leading/.test(line))).toBe(false);
  });
});
