import { afterAll, describe, expect, it } from 'vitest';
import { initialState } from '../../src/rules/alert.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/open.js';
import { StoreError } from '../../src/store/store.js';
import { T0 } from '../helpers/events.js';
import { createDatabase, hasPostgres, queryDatabase, urlOf } from '../helpers/postgres.js';

const databases: { drop: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function fresh() {
  const db = await createDatabase();
  databases.push(db);
  return db;
}

const cycle = (now: number) => ({ source: 's', now, alerts: [{ rule: 'r', account: 'a', state: initialState(now) }], observations: [], outbox: [] });

describe.skipIf(!hasPostgres())('the PostgreSQL store', () => {
  it('migrates once when two replicas start together', async () => {
    const db = await fresh();
    const stores = await Promise.all([PostgresStore.open(db.url), PostgresStore.open(db.url), PostgresStore.open(db.url)]);
    await Promise.all(stores.map((s) => s.close()));
    expect(await queryDatabase<{ version: number }>(db.url, 'SELECT version FROM balance_watch_schema')).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
  });

  it('refuses a database written by a newer version', async () => {
    const db = await fresh();
    await (await PostgresStore.open(db.url)).close();
    await queryDatabase(db.url, 'UPDATE balance_watch_schema SET version = version + 1');
    await expect(PostgresStore.open(db.url)).rejects.toThrow(/written by a newer balance-watch/);
  });

  it('read-only, says a database the daemon never used is empty', async () => {
    const db = await fresh();
    await expect(PostgresStore.open(db.url, { readonly: true })).rejects.toThrow(/is empty: the daemon has not run with it yet/);
  });

  it('explains what is wrong without printing the password', async () => {
    const noUser = urlOf('test').replace('postgres://postgres@', 'postgres://nobody:s3cret-pass@');
    const error = await PostgresStore.open(noUser).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(String(error)).toMatch(/postgres:\/\/nobody@127\.0\.0\.1:5432\/test: the server refused the login .*check the user and password/);
    expect(String(error)).not.toContain('s3cret');
    await expect(PostgresStore.open(urlOf('bw_no_such_database'))).rejects.toThrow(/does not exist; create it/);
    await expect(PostgresStore.open('postgres://u:pw@127.0.0.1:1/db')).rejects.toThrow('state store postgres://u@127.0.0.1:1/db: connection refused; is PostgreSQL running');
  });

  it('grants the lease to one holder at a time, renews it, and hands it over on release', async () => {
    const db = await fresh();
    const [a, b] = await Promise.all([PostgresStore.open(db.url), PostgresStore.open(db.url)]);
    expect(await a.lease.acquire('a', 10_000)).toBe(true);
    expect(await b.lease.acquire('b', 10_000)).toBe(false);
    expect(await a.lease.acquire('a', 10_000)).toBe(true);
    expect(await b.lease.holder()).toBe('a');
    await a.lease.release('a');
    expect(await b.lease.acquire('b', 10_000)).toBe(true);
    expect(await a.lease.holder()).toBe('b');
    await Promise.all([a.close(), b.close()]);
  });

  it('fences a leader whose lease ran out: its late cycle is refused, not written over its successor', async () => {
    const db = await fresh();
    const [old, successor] = await Promise.all([PostgresStore.open(db.url), PostgresStore.open(db.url)]);
    expect(await old.lease.acquire('old', 60_000)).toBe(true);
    await old.commitCycle(cycle(T0));
    // The old leader stalls (a long GC pause, a cut network) past its lease.
    await queryDatabase(db.url, "UPDATE leader_lease SET expires_at = clock_timestamp() - interval '1 second'");
    expect(await successor.lease.acquire('successor', 60_000)).toBe(true);
    await successor.commitCycle(cycle(T0 + 2));
    await expect(old.commitCycle(cycle(T0 + 1))).rejects.toThrow(/no longer holds the leader lease/);
    await expect(old.enqueue('s', [{ channel: 'c', message: { kind: 'test', channel: 'c', at: T0 } }], T0)).rejects.toThrow(StoreError);
    expect((await successor.alerts())[0]?.updatedAt).toBe(T0 + 2);
    await Promise.all([old.close(), successor.close()]);
  });

  it('writes 10,000 balances of a cycle in a handful of statements', async () => {
    const db = await fresh();
    const store = await PostgresStore.open(db.url);
    const observations = Array.from({ length: 10_000 }, (_, i) => ({ account: `ps_${i}`, value: { amount: { units: BigInt(i), scale: 2 }, currency: 'BDT' } }));
    await store.commitCycle({ source: 's', now: T0, alerts: observations.map((o) => ({ rule: 'all', account: o.account, state: initialState(T0) })), observations, outbox: [] });
    expect((await store.loadStates('s')).size).toBe(10_000);
    expect((await store.histories('s', ['ps_9999'], 0)).get('ps_9999')).toEqual([{ at: T0, value: observations[9_999]!.value }]);
    await store.close();
  });

  it('reconnects after its connections are terminated, and says so', async () => {
    const db = await fresh();
    const store = await PostgresStore.open(db.url);
    const events: string[] = [];
    store.onConnectivity((event) => events.push(event.kind));
    await store.commitCycle(cycle(T0));
    // One cycle's transaction used one connection, which the pool keeps idle.
    expect(await db.terminateConnections()).toBe(1);
    // The first use of a killed connection fails (and is reported); the pool then opens a fresh one.
    let failures = 0;
    for (let i = 0; i < 5; i += 1) {
      try {
        await store.commitCycle(cycle(T0 + 1 + i));
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(StoreError);
        failures += 1;
      }
    }
    expect(failures).toBeLessThan(5);
    expect((await store.alerts()).length).toBe(1);
    expect(events).toEqual(['lost', 'restored']);
    await store.close();
  });
});
