import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { initialState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import { PostgresStore } from '../../src/store/postgres/open.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { type StateStore, StoreError } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';
import { createDatabase, hasPostgres } from '../helpers/postgres.js';

const fresh = () => path.join(tempDir(), 'nested', 'folder', 'state.db');

interface Engine {
  readonly name: string;
  readonly postgres: boolean;
  /** A new empty store, and a way to open the same store again (as a restart would). */
  create(): Promise<{ store: StateStore; reopen: () => Promise<StateStore> }>;
}

const databases: { drop: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

const ENGINES: readonly Engine[] = [
  {
    name: 'SQLite',
    postgres: false,
    create: async () => {
      const file = fresh();
      return { store: SqliteStore.open(file), reopen: async () => SqliteStore.open(file) };
    },
  },
  {
    name: 'PostgreSQL',
    postgres: true,
    create: async () => {
      const db = await createDatabase();
      databases.push(db);
      return { store: await PostgresStore.open(db.url), reopen: () => PostgresStore.open(db.url) };
    },
  },
];

// The same contract for both engines: the daemon must not be able to tell them apart.
describe.each(ENGINES)('the state store on $name', (engine) => {
  describe.skipIf(engine.postgres && !hasPostgres())('the same contract', () => {
    it('forgets an alert: gone from the store, a line in its timeline, and a request the next cycle of its source applies', async () => {
      const { store } = await engine.create();
      const state = { ...initialState(T0), level: 'warning' as const, noDataSince: T0 + 1, missingSince: T0, lastValue: bdt(4_500_000n) };
      await store.commitCycle({ source: 'apay', now: T0, alerts: [{ rule: 'UPI', account: 'upi_old', state }, { rule: 'UPI', account: 'upi_new', state }], observations: [], outbox: [] });
      expect(await store.forgetAlert('UPI', 'nope', T0 + 5)).toBeUndefined();
      expect(await store.forgetAlert('UPI', 'upi_old', T0 + 5)).toEqual({ rule: 'UPI', account: 'upi_old', source: 'apay', state, updatedAt: T0 });
      expect((await store.alerts()).map((a) => a.account)).toEqual(['upi_new']);
      expect(await store.eventsBetween(T0, T0 + 10)).toEqual([{ source: 'apay', rule: 'UPI', account: 'upi_old', kind: 'forgotten', level: 'warning', at: T0 + 5, value: bdt(4_500_000n) }]);
      expect(await store.pendingRequests('apay')).toEqual([{ rule: 'UPI', account: 'upi_old', kind: 'forget' }]);
      expect(await store.pendingRequests('bepaid')).toEqual([]);
      // A cycle in flight while it was forgotten does not write it back.
      await store.commitCycle({ source: 'apay', now: T0 + 6, alerts: [{ rule: 'UPI', account: 'upi_old', state }], observations: [], outbox: [] });
      expect((await store.alerts()).map((a) => a.account)).toEqual(['upi_new']);
      await store.commitCycle({ source: 'apay', now: T0 + 7, alerts: [], observations: [], outbox: [], applied: [{ rule: 'UPI', account: 'upi_old', kind: 'forget' }] });
      expect((await store.alerts()).map((a) => a.account)).toEqual(['upi_new']);
      expect(await store.pendingRequests('apay')).toEqual([]);
      // Back in the same cycle that applies the request: the new state stays.
      await store.forgetAlert('UPI', 'upi_new', T0 + 8);
      await store.commitCycle({ source: 'apay', now: T0 + 9, alerts: [{ rule: 'UPI', account: 'upi_new', state: initialState(T0 + 9) }], observations: [], outbox: [], applied: [{ rule: 'UPI', account: 'upi_new', kind: 'forget' }] });
      expect((await store.alerts()).map((a) => [a.account, a.state])).toEqual([['upi_new', initialState(T0 + 9)]]);
      await store.close();
    });

    it('keeps names with quotes, backslashes and non-Latin letters, and units beyond 64 bits, exactly as written', async () => {
      const { store } = await engine.create();
      const rule = 'Float "main" \\ ₹';
      const account = 'упи_"a"\\b';
      const huge = { amount: { units: 2n ** 80n + 1n, scale: 2 }, currency: 'INR' };
      const state = { ...initialState(T0), level: 'warning' as const, lastValue: huge, acknowledged: { by: 'Ann "the" \\ treasurer', note: 'on it\n', at: T0 } };
      await store.commitCycle({ source: 'apay', now: T0, alerts: [{ rule, account, state }], observations: [{ account, value: huge }, { account: 'plain', value: { amount: { units: -5n, scale: 0 }, currency: null } }], outbox: [] });
      expect(await store.alerts()).toEqual([{ rule, account, source: 'apay', state, updatedAt: T0 }]);
      expect(await store.valueAt('apay', account, T0)).toEqual(huge);
      expect(await store.valueAt('apay', 'plain', T0)).toEqual({ amount: { units: -5n, scale: 0 }, currency: null });
      await store.close();
    });

    it('acknowledges an alert and takes it back: the state at once, the timeline, and requests for the daemon, latest first', async () => {
      const { store } = await engine.create();
      const state = { ...initialState(T0), level: 'warning' as const, lastValue: bdt(4_500_000n) };
      await store.commitCycle({ source: 'apay', now: T0, alerts: [{ rule: 'bKash', account: 'bkash_a', state }], observations: [], outbox: [] });
      expect(await store.acknowledgeAlert('bKash', 'nope', { by: 'Anna', at: T0 + 1 }, T0 + 1)).toBeUndefined();
      const ack = { by: 'Anna', note: 'top-up requested', at: T0 + 1 };
      expect((await store.acknowledgeAlert('bKash', 'bkash_a', ack, T0 + 1))?.state).toEqual({ ...state, acknowledged: ack });
      expect((await store.alerts())[0]?.state.acknowledged).toEqual(ack);
      expect(await store.pendingRequests('apay')).toEqual([{ rule: 'bKash', account: 'bkash_a', kind: 'ack', ack }]);
      await store.acknowledgeAlert('bKash', 'bkash_a', null, T0 + 2);
      expect((await store.alerts())[0]?.state.acknowledged).toBeUndefined();
      expect(await store.pendingRequests('apay')).toEqual([{ rule: 'bKash', account: 'bkash_a', kind: 'unack' }]);
      expect((await store.eventsBetween(T0, T0 + 10)).map((e) => [e.kind, e.at])).toEqual([['acknowledged', T0 + 1], ['unacknowledged', T0 + 2]]);
      await store.commitCycle({ source: 'apay', now: T0 + 3, alerts: [], observations: [], outbox: [], applied: [{ rule: 'bKash', account: 'bkash_a', kind: 'unack' }] });
      expect(await store.pendingRequests('apay')).toEqual([]);
      // A cycle that ran while someone acknowledged writes its older state: the acknowledgement stands until the next cycle takes it in.
      await store.acknowledgeAlert('bKash', 'bkash_a', ack, T0 + 4);
      await store.commitCycle({ source: 'apay', now: T0 + 5, alerts: [{ rule: 'bKash', account: 'bkash_a', state }], observations: [], outbox: [] });
      expect((await store.alerts())[0]?.state.acknowledged).toEqual(ack);
      await store.commitCycle({ source: 'apay', now: T0 + 6, alerts: [{ rule: 'bKash', account: 'bkash_a', state: { ...state, acknowledged: ack } }], observations: [], outbox: [], applied: [{ rule: 'bKash', account: 'bkash_a', kind: 'ack', ack }] });
      expect((await store.alerts())[0]?.state.acknowledged).toEqual(ack);
      expect(await store.pendingRequests('apay')).toEqual([]);
      expect((await store.alerts()).map((a) => a.account)).toEqual(['bkash_a']);
      await store.close();
    });

    it('keeps alert state, with exact money, across a reopen', async () => {
      const { store, reopen } = await engine.create();
      const state = { ...initialState(T0), level: 'critical' as const, lastValue: { amount: { units: 90071992547409931n, scale: 2 }, currency: 'USD' } };
      await store.commitCycle({ source: 'apay', now: T0, alerts: [{ rule: 'r', account: 'a', state }], observations: [], outbox: [] });
      await store.close();
      const again = await reopen();
      expect((await again.loadStates('apay')).get(alertKey('r', 'a'))).toEqual(state);
      expect((await again.loadStates('bepaid')).size).toBe(0);
      expect(await again.alerts()).toEqual([{ rule: 'r', account: 'a', source: 'apay', state, updatedAt: T0 }]);
      await again.close();
    });

    it('writes state and outbox in one transaction: a crash before sending loses nothing', async () => {
      const { store, reopen } = await engine.create();
      const message = { kind: 'alerts' as const, source: 'apay', events: [criticalEvent()] };
      await store.commitCycle({
        source: 'apay',
        now: T0,
        alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state: { ...initialState(T0), level: 'critical' } }],
        observations: [{ account: 'bkash_a', value: bdt(850_000n) }],
        outbox: [{ channel: 'treasury', message }],
        events: [criticalEvent()],
      });
      // The process dies here, before any send: nothing is marked sent.
      await store.close();
      const restarted = await reopen();
      const due = await restarted.dueMessages(T0);
      expect(due).toHaveLength(1);
      expect(due[0]!.message).toEqual(message);
      await restarted.markSent(due[0]!.id, T0 + 1);
      expect(await restarted.dueMessages(T0 + 2)).toEqual([]);
      expect(await restarted.history('apay', 'bkash_a', 0)).toEqual([{ at: T0, value: bdt(850_000n) }]);
      expect(await restarted.eventsBetween(T0, T0 + 1)).toEqual([expect.objectContaining({ rule: criticalEvent().rule, kind: criticalEvent().kind, at: T0 })]);
      await restarted.close();
    });

    it('rolls back a cycle that fails half way', async () => {
      const { store } = await engine.create();
      const bad = { kind: 'alerts', source: 'apay', events: [] } as const;
      await expect(
        store.commitCycle({
          source: 'apay',
          now: T0,
          alerts: [{ rule: 'r', account: 'a', state: initialState(T0) }],
          observations: [{ account: 'a', value: bdt(1n) }],
          outbox: [{ channel: null as unknown as string, message: bad }],
        }),
      ).rejects.toThrow();
      expect((await store.loadStates()).size).toBe(0);
      expect(await store.history('apay', 'a', 0)).toEqual([]);
      await store.close();
    });

    it('schedules retries, records permanent failures, and reports overdue messages once', async () => {
      const { store } = await engine.create();
      await store.commitCycle({ source: 's', now: T0, alerts: [], observations: [], outbox: [{ channel: 'c', message: { kind: 'test', channel: 'c', at: T0 } }] });
      const [row] = await store.dueMessages(T0);
      await store.markRetry(row!.id, T0 + 60_000, 'Slack answered HTTP 503', 'server');
      expect(await store.dueMessages(T0 + 59_999)).toEqual([]);
      expect(await store.nextDueAt()).toBe(T0 + 60_000);
      expect((await store.dueMessages(T0 + 60_000))[0]).toMatchObject({ attempts: 1, lastError: 'Slack answered HTTP 503', lastReason: 'server' });
      expect(await store.takeNewlyOverdue(T0 + 3_600_000, 3_600_000)).toHaveLength(1);
      expect(await store.takeNewlyOverdue(T0 + 7_200_000, 3_600_000)).toHaveLength(0);
      expect(await store.pendingCount()).toBe(1);
      await store.markFailed(row!.id, T0 + 1, 'Slack answered HTTP 404', 'client');
      expect(await store.pendingMessages()).toEqual([]);
      expect((await store.failedMessages())[0]).toMatchObject({ lastError: 'Slack answered HTTP 404' });
      await store.close();
    });

    it('holds messages for a channel outside its hours without calling them overdue, and replaces them with one catch-up in one step', async () => {
      const { store } = await engine.create();
      const test = (channel: string) => ({ channel, message: { kind: 'test' as const, channel, at: T0 } });
      await store.enqueue('apay', [test('a'), test('b')], T0);
      const [a, b] = await store.dueMessages(T0);
      await store.postpone(a!.id, T0 + 86_400_000, 'held: outside office-hours', 'held');
      await store.postpone(b!.id, T0 + 86_400_000, 'held: outside office-hours', 'held');
      expect(await store.takeNewlyOverdue(T0 + 7_200_000, 3_600_000)).toEqual([]);
      await store.mergeHeld([a!.id, b!.id], 'away', test('catch-up'), T0 + 86_400_000);
      expect((await store.pendingMessages()).map((m) => (m.message as { channel: string }).channel)).toEqual(['catch-up']);
      expect((await store.pendingMessages())[0]).toMatchObject({ source: 'away', nextAttemptAt: T0 + 86_400_000 });
      await store.close();
    });

    it('keeps messages in the order they were owed, and counts them by channel', async () => {
      const { store } = await engine.create();
      const owed = ['first', 'second', 'third'].map((name) => ({ channel: name === 'second' ? 'email' : 'slack', message: { kind: 'test' as const, channel: name, at: T0 } }));
      await store.enqueue('apay', owed, T0);
      expect((await store.pendingMessages()).map((m) => (m.message as { channel: string }).channel)).toEqual(['first', 'second', 'third']);
      await store.channelHealth.delivered('slack', T0 + 1);
      await store.channelHealth.failed('email', T0 + 2, { message: 'refused', reason: 'client', gaveUp: true });
      expect(await store.channelHealth.claimNotice('email', T0 + 3, 3_600_000)).toBe(true);
      expect(await store.channelHealth.claimNotice('email', T0 + 4, 3_600_000)).toBe(false);
      expect(await store.channelHealth.all(T0 + 5)).toEqual([
        { channel: 'email', lastSuccessAt: null, lastFailureAt: T0 + 2, lastFailure: 'refused', lastReason: 'client', lastGaveUpAt: T0 + 2, waiting: 1, gaveUpLastDay: 0 },
        { channel: 'slack', lastSuccessAt: T0 + 1, lastFailureAt: null, lastFailure: null, lastReason: null, lastGaveUpAt: null, waiting: 2, gaveUpLastDay: 0 },
      ]);
      await store.close();
    });

    it('reads history by account, the latest value at a time, and the recent points', async () => {
      const { store } = await engine.create();
      for (const [i, units] of [5n, 4n, 3n].entries()) {
        await store.commitCycle({ source: 's', now: T0 + i * 10, alerts: [], observations: [{ account: 'a', value: bdt(units) }, { account: 'b', value: bdt(units * 10n) }], outbox: [] });
      }
      const both = await store.histories('s', ['a', 'b', 'none'], T0 + 10);
      expect(both.get('a')).toEqual([{ at: T0 + 10, value: bdt(4n) }, { at: T0 + 20, value: bdt(3n) }]);
      expect(both.get('b')?.map((o) => o.value)).toEqual([bdt(40n), bdt(30n)]);
      expect(both.has('none')).toBe(false);
      expect(await store.valueAt('s', 'a', T0 + 15)).toEqual(bdt(4n));
      expect(await store.valueAt('s', 'a', T0 - 1)).toBeUndefined();
      expect((await store.recent('s', 'a', 2)).map((o) => o.at)).toEqual([T0 + 10, T0 + 20]);
      await store.close();
    });

    it('streams the observations of a period in time order, and a break lets go of the read', async () => {
      const { store } = await engine.create();
      for (const [i, units] of [5n, 4n, 3n].entries()) {
        await store.commitCycle({ source: 's', now: T0 + i * 10, alerts: [], observations: [{ account: 'a', value: bdt(units) }], outbox: [] });
      }
      await store.commitCycle({ source: 't', now: T0 + 15, alerts: [], observations: [{ account: 'b', value: bdt(7n) }], outbox: [] });
      const read: string[] = [];
      for await (const batch of store.streamObservations(T0 + 10, T0 + 20)) for (const o of batch) read.push(`${o.source}/${o.account}@${o.at - T0}=${o.value.amount.units}`);
      expect(read).toEqual(['s/a@10=4', 't/b@15=7']);
      for await (const _ of store.streamObservations(T0, T0 + 100)) break;
      // The store still answers after a stream was left half read.
      expect(await store.valueAt('s', 'a', T0 + 25)).toEqual(bdt(3n));
      await store.close();
    });

    it("reads every account's observations after a time, or only the last of each slice", async () => {
      const { store } = await engine.create();
      for (const [at, units] of [[T0 + 1, 1n], [T0 + 5, 2n], [T0 + 12, 3n], [T0 + 15, 4n]] as const) {
        await store.commitCycle({ source: 's', now: at, alerts: [], observations: [{ account: 'a', value: bdt(units) }, { account: 'b', value: bdt(units * 10n) }], outbox: [] });
      }
      const all = await store.observationsAfter(T0 + 1);
      expect(all.map((o) => `${o.account}@${o.at - T0}`).sort()).toEqual(['a@12', 'a@15', 'a@5', 'b@12', 'b@15', 'b@5']);
      // Slices of 10 ms from the epoch: T0 is a multiple of 10, so [T0, T0+10) and [T0+10, T0+20).
      const sampled = await store.observationsAfter(T0, 10);
      expect(sampled.map((o) => [o.account, o.at - T0, o.value.amount.units]).sort()).toEqual([
        ['a', 15, 4n],
        ['a', 5, 2n],
        ['b', 15, 40n],
        ['b', 5, 20n],
      ]);
      expect(sampled.map((o) => o.at)).toEqual([...sampled.map((o) => o.at)].sort((x, y) => x - y));
      await store.close();
    });

    it('adds, lists and ends silences; a cycle ends those whose alert resolved', async () => {
      const { store } = await engine.create();
      const id = await store.addSilence({ rule: 'r', account: null, level: 'warning', reason: 'top-up asked', createdAt: T0, until: T0 + 3_600_000 });
      const other = await store.addSilence({ rule: 'r', account: 'a', level: 'critical', reason: 'known', createdAt: T0, until: T0 + 3_600_000 });
      expect((await store.silences(T0 + 1)).map((s) => s.id)).toEqual([id, other]);
      expect(await store.endSilence(id, T0 + 2, 'removed')).toBe(true);
      expect(await store.endSilence(id, T0 + 3, 'removed')).toBe(false);
      await store.commitCycle({ source: 's', now: T0 + 4, alerts: [], observations: [], outbox: [], endedSilences: [other] });
      const listed = await store.silences(T0 + 5, T0);
      expect(listed.map((s) => [s.id, s.endReason])).toEqual([
        [id, 'removed'],
        [other, 'the alert resolved'],
      ]);
      await store.close();
    });

    it('queues a summary with its schedule in one step', async () => {
      const { store } = await engine.create();
      await store.recordSummary('treasury', undefined, null, T0 + 100);
      expect(await store.summarySchedule('treasury')).toEqual({ lastSentAt: null, nextDueAt: T0 + 100 });
      await store.recordSummary('treasury', { kind: 'test', channel: 'treasury', at: T0 }, T0 + 100, T0 + 200);
      expect(await store.summarySchedule('treasury')).toEqual({ lastSentAt: T0 + 100, nextDueAt: T0 + 200 });
      expect(await store.pendingMessages()).toEqual([expect.objectContaining({ channel: 'treasury', source: 'summary', createdAt: T0 + 100 })]);
      await store.close();
    });

    it('prunes old observations and delivered messages only', async () => {
      const { store } = await engine.create();
      await store.commitCycle({ source: 's', now: T0, alerts: [], observations: [{ account: 'a', value: bdt(1n) }], outbox: [{ channel: 'c', message: { kind: 'test', channel: 'c', at: T0 } }] });
      await store.commitCycle({ source: 's', now: T0 + 10, alerts: [], observations: [{ account: 'a', value: bdt(2n) }], outbox: [] });
      expect(await store.prune(T0 + 5, T0 + 5)).toEqual({ observations: 1, messages: 0 });
      expect(await store.pendingMessages()).toHaveLength(1);
      await store.close();
    });

    it('forgets alerts of removed rules', async () => {
      const { store } = await engine.create();
      await store.commitCycle({
        source: 's',
        now: T0,
        alerts: [
          { rule: 'keep', account: 'a', state: initialState(T0) },
          { rule: 'gone', account: 'a', state: initialState(T0) },
          { rule: 'gone', account: 'b', state: initialState(T0) },
        ],
        observations: [],
        outbox: [],
      });
      expect(await store.removeAlertsExcept(['keep'])).toBe(1);
      expect([...(await store.loadStates()).keys()]).toEqual([alertKey('keep', 'a')]);
      await store.close();
    });
  });
});

describe('the SQLite store', () => {
  it('creates its folder, migrates in WAL mode, and reopens an existing file', async () => {
    const file = fresh();
    await SqliteStore.open(file).close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await SqliteStore.open(file).close();
  });

  it('lets one process at a time act on a file, and takes over at once from a holder gone from this machine', async () => {
    const file = fresh();
    const store = SqliteStore.open(file);
    expect(store.lease.shared).toBe(true);
    expect(await store.lease.acquire('daemon', 15_000)).toBe(true);
    expect(await store.lease.acquire('daemon', 15_000)).toBe(true);
    expect(await store.lease.acquire('once', 15_000)).toBe(false);
    expect(await store.lease.holder()).toBe('daemon');
    await store.lease.release('daemon');
    expect(await store.lease.holder()).toBeUndefined();
    expect(await store.lease.acquire('once', 15_000)).toBe(true);
    // The holder's process exits (kill -9): no need to wait its lease out.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const raw = new Database(file);
    raw.prepare('UPDATE leader_lease SET pid = ?').run(gone);
    expect(await store.lease.holder()).toBeUndefined();
    expect(await store.lease.acquire('daemon', 15_000)).toBe(true);
    // An expired lease is free too, whoever held it.
    raw.prepare('UPDATE leader_lease SET expires_at = ?').run(Date.now() - 1);
    expect(await store.lease.acquire('once', 15_000)).toBe(true);
    raw.close();
    await store.close();
  });

  it('explains a corrupt file, naming it', () => {
    const file = path.join(tempDir(), 'state.db');
    writeFileSync(file, 'this is not a database, but a text file that is long enough to have a header of its own.\n'.repeat(20));
    expect(() => SqliteStore.open(file)).toThrow(StoreError);
    expect(() => SqliteStore.open(file)).toThrow(`state store ${file} is not a valid balance-watch database`);
  });

  it('refuses a file written by a newer version', async () => {
    const file = fresh();
    await SqliteStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => SqliteStore.open(file)).toThrow(/written by a newer balance-watch/);
  });

  it('explains a folder it cannot create', () => {
    const dir = tempDir({ 'a-file': 'x' });
    expect(() => SqliteStore.open(path.join(dir, 'a-file', 'state.db'))).toThrow(StoreError);
  });
});
