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
import type { FirstFetches } from '../../src/daemon/first-fetch.js';
import type { Lease } from '../../src/store/lease.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
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

/** Polls `condition` for up to five seconds (the lease loop runs on real timers, a 1 s lease). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Daemon scheduling', () => {
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  function daemon(clock: { now: number }, lease?: Lease, firstFetches?: FirstFetches) {
    const dir = tempDir();
    const config = parseConfigText(`${CONFIG}ha: { lease: 1s }\n`, { file: path.join(dir, 'config.yaml'), env: {} }).config!;
    const file = SqliteStore.open(config.state);
    stores.push(file);
    // The file's own lease always grants; a shared store's is stood in for by `lease`.
    const store = lease ? new Proxy(file, { get: (target, key) => (key === 'lease' ? lease : Reflect.get(target, key, target)) }) : file;
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
      ...(firstFetches ? { firstFetches } : {}),
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

  it('stops acting when it loses the lease, clears what only the leader reports, and resumes when it wins it back', async () => {
    const clock = { now: 1_000_000 };
    let grant = true;
    const lease: Lease = { shared: true, acquire: async () => grant, release: async () => undefined, holder: async () => (grant ? undefined : 'other:1:ab') };
    const { d, config, http, schedule, metrics } = daemon(clock, lease);
    await d.start(config);
    await flush();
    expect(http.waiting()).toBe(1);
    http.answer();
    await until(async () => (await metrics.balance.get()).values.length === 1);
    expect(await d.readiness()).toMatchObject({ role: 'leader' });

    grant = false;
    await until(async () => (await metrics.leader.get()).values[0]?.value === 0);
    expect(await d.readiness()).toEqual({ ready: true, role: 'follower', leader: 'other:1:ab', sources: {}, channels: {} });
    expect((await metrics.balance.get()).values).toEqual([]);
    schedule.tick();
    await flush();
    expect(http.waiting()).toBe(0);

    grant = true;
    await until(() => http.waiting() === 1);
    expect((await metrics.leader.get()).values[0]?.value).toBe(1);
    http.answer();
    await d.stop();
  });

  it('takes the fetch begun before it loaded for its first cycle, and fetches for itself after', async () => {
    const clock = { now: 1_000_000 };
    const taken: string[] = [];
    const first: FirstFetches = {
      take: (source) => (taken.push(source), taken.length === 1 ? Promise.resolve({ ok: true, readings: [{ account: 'bkash_a', balance: ok({ amount: { units: 42n, scale: 0 }, currency: null }) }] }) : undefined),
      cancel: () => undefined,
    };
    const { d, config, http, schedule, metrics } = daemon(clock, undefined, first);
    await d.start(config);
    await until(async () => (await metrics.balance.get()).values[0]?.value === 42);
    expect(http.waiting()).toBe(0);
    schedule.tick();
    await flush();
    expect(http.waiting()).toBe(1);
    expect(taken).toEqual(['apay', 'apay']);
    http.answer();
    await d.stop();
  });

  it('forgets at start the alerts of rules the config no longer has', async () => {
    const clock = { now: 1_000_000 };
    const { d, config, http } = daemon(clock);
    const store = stores.at(-1)!;
    await store.commitCycle({ source: 'apay', now: 1, alerts: [{ rule: 'renamed away', account: 'bkash_a', state: initialState(1) }], observations: [], outbox: [] });
    await d.start(config);
    expect((await store.alerts()).map((a) => a.rule)).not.toContain('renamed away');
    await flush();
    http.answer(); // a cycle left hanging would hold stop() for its whole grace period
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
