import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import type { Scheduler } from '../../src/daemon/scheduler.js';
import { defaultChannelDeps } from '../../src/notify/channel-deps.js';
import type { HttpClient, HttpResponse } from '../../src/net/http.js';
import { ok, type Result } from '../../src/result.js';
import { initialState } from '../../src/rules/alert.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../helpers/cli.js';
import { instantRetry, TEST_RETRY } from '../helpers/retry.js';

const CONFIG = `schedule: "*/5 * * * *"
http: { listen: false }
sources:
  - { id: apay, type: apay, base_url: "http://127.0.0.1:1", project_id: 1, api_key: k }
rules:
  - { name: bKash, source: apay, payment_system: bkash_a, warn_below: 100 }
`;

/** An HTTP client whose answers the test releases one at a time. */
function heldClient() {
  const pending: ((r: Result<HttpResponse, never>) => void)[] = [];
  const client: HttpClient = { send: () => new Promise((resolve) => pending.push(resolve)) };
  const answer = () => pending.shift()?.(ok({ status: 200, contentType: 'application/json', text: '{"success":true,"payment_systems_balances":[{"name":"bkash_a","balance":"500"}]}' }));
  return { client, answer, waiting: () => pending.length };
}

/** A scheduler the test ticks by hand, with a fixed 5-minute interval. */
function manualScheduler() {
  const ticks: (() => void)[] = [];
  const scheduler: Scheduler = (_expression, _zone, run) => {
    ticks.push(run);
    return { stop: () => undefined, intervalMs: () => 300_000, nextRunAt: () => undefined };
  };
  return { scheduler, tick: () => ticks.forEach((run) => run()) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Daemon scheduling', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  function daemon(clock: { now: number }) {
    const dir = tempDir();
    const config = parseConfigText(CONFIG, { file: path.join(dir, 'config.yaml'), env: {} }).config!;
    const store = SqliteStore.open(config.state);
    stores.push(store);
    const http = heldClient();
    const schedule = manualScheduler();
    const metrics = createMetrics();
    const d = new Daemon({
      log: pino({ level: 'silent' }),
      store,
      metrics,
      scheduler: schedule.scheduler,
      sourceDeps: { http: http.client, retry: TEST_RETRY, retryDeps: instantRetry() },
      channelDeps: () => defaultChannelDeps({}),
      now: () => clock.now,
      random: () => 0.5,
    });
    return { d, config, http, schedule, metrics };
  }

  it('lets the first tick join the start cycle, then counts ticks that find a cycle still running', async () => {
    const clock = { now: 1_000_000 };
    const { d, config, http, schedule, metrics } = daemon(clock);
    await d.start(config);
    await flush();
    expect(http.waiting()).toBe(1);
    schedule.tick(); // the twin of the start cycle
    schedule.tick(); // the previous cycle is genuinely still running
    schedule.tick();
    const skipped = await metrics.cyclesSkipped.get();
    expect(skipped.values).toEqual([{ labels: { source: 'apay' }, value: 2 }]);
    expect(http.waiting()).toBe(1);
    http.answer();
    await flush();
    await flush();
    schedule.tick();
    await flush();
    expect(http.waiting()).toBe(1);
    http.answer();
    await d.stop();
  });

  it('forgets at start the alerts of rules the config no longer has', async () => {
    const clock = { now: 1_000_000 };
    const { d, config } = daemon(clock);
    const store = stores.at(-1)!;
    await store.commitCycle({ source: 'apay', now: 1, alerts: [{ rule: 'renamed away', account: 'bkash_a', state: initialState(1) }], observations: [], outbox: [] });
    await d.start(config);
    expect((await store.alerts()).map((a) => a.rule)).not.toContain('renamed away');
    await d.stop();
  });

  it('is ready once every source cycled within two intervals, and not after', async () => {
    const clock = { now: 1_000_000 };
    const { d, config, http } = daemon(clock);
    await d.start(config);
    expect(await d.readiness()).toMatchObject({ ready: false, reason: 'no recent cycle of: apay' });
    await flush();
    http.answer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await d.readiness()).toMatchObject({ ready: true, sources: { apay: { ok: true } } });
    clock.now += 2 * 300_000 + 1;
    expect(await d.readiness()).toMatchObject({ ready: false });
    await d.stop();
  });
});
