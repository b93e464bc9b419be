import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { PostgresStore } from '../../src/store/postgres/open.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { createDatabase, hasPostgres, queryDatabase } from '../helpers/postgres.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

/** Extra history, so the copy has pages to report progress on. */
const BULK_ROWS = 12_000;

describe.skipIf(!hasPostgres())('balance-watch migrate-state, and the read commands on PostgreSQL', () => {
  let sim: Simulator;
  let dir: string;
  let sqliteConfig: string;
  let postgresConfig: string;
  let stateFile: string;
  const databases: Awaited<ReturnType<typeof createDatabase>>[] = [];
  let target: Awaited<ReturnType<typeof createDatabase>>;
  /** The target URL with a password: trust auth ignores it, and no output may show it. */
  let targetUrl: string;

  beforeAll(async () => {
    sim = await simulator().start();
    dir = tempDir();
    stateFile = path.join(dir, 'state.db');
    target = await createDatabase();
    databases.push(target);
    targetUrl = target.url.replace('postgres://postgres@', 'postgres://postgres:hunter2-secret@');
    sqliteConfig = path.join(dir, 'sqlite.yaml');
    postgresConfig = path.join(dir, 'postgres.yaml');
    writeFileSync(sqliteConfig, simulatedConfig(sim, { state: './state.db' }));
    writeFileSync(postgresConfig, simulatedConfig(sim, { state: '${DATABASE_URL}' }));
    for (const balance of ['80000.00', '45000.00', '40000.00']) {
      sim.setApayBalance('bkash_a', balance);
      await runCli(['once', '-c', sqliteConfig]);
    }
    expect((await runCli(['silence', 'add', 'UPI', '--for', '2h', '--reason', 'top-up asked', '-c', sqliteConfig])).code).toBe(0);
    const store = SqliteStore.open(stateFile);
    const at = Date.now() - 3 * 86_400_000;
    await store.commitCycle({
      source: 'apay',
      now: at,
      alerts: [],
      observations: Array.from({ length: BULK_ROWS }, (_, i) => ({ account: `old_${i}`, value: { amount: { units: BigInt(i), scale: 2 }, currency: 'INR' } })),
      outbox: [{ channel: 'treasury', message: { kind: 'test', channel: 'treasury', at } }],
    });
    await store.close();
  });
  afterAll(async () => {
    await sim.stop();
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('copies every table, reports the history as it goes, and never prints the password', async () => {
    const result = await runCli(['migrate-state', '--from', stateFile, '--to', targetUrl]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^history: [\d,]+ of [\d,]+ rows \(100%\)$/m);
    expect(result.stdout).toContain(`copied ${stateFile} into ${target.url}:`);
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');

    const from = SqliteStore.open(stateFile, { readonly: true });
    const to = await PostgresStore.open(target.url);
    const now = Date.now();
    expect(await to.alerts()).toEqual(await from.alerts());
    expect(await to.history('apay', 'bkash_a', 0)).toEqual(await from.history('apay', 'bkash_a', 0));
    expect(await to.history('apay', 'old_11999', 0)).toEqual(await from.history('apay', 'old_11999', 0));
    expect(await to.pendingMessages()).toEqual(await from.pendingMessages());
    expect(await to.silences(now)).toEqual(await from.silences(now));
    expect(await to.eventsBetween(0, now + 1)).toEqual(await from.eventsBetween(0, now + 1));
    expect(await to.channelHealth.all(now)).toEqual(await from.channelHealth.all(now));
    // New rows continue after the copied ids instead of colliding with them.
    const highest = Math.max(...(await from.pendingMessages()).map((m) => m.id));
    await to.enqueue('apay', [{ channel: 'treasury', message: { kind: 'test', channel: 'treasury', at: now } }], now);
    expect(Math.max(...(await to.pendingMessages()).map((m) => m.id))).toBe(highest + 1);
    await Promise.all([from.close(), to.close()]);
  });

  it('is idempotent: run again, it finds its own copy and adds nothing', async () => {
    const before = await queryDatabase<{ n: string }>(target.url, 'SELECT COUNT(*) AS n FROM observations');
    const again = await runCli(['migrate-state', '--from', stateFile], { env: { DATABASE_URL: targetUrl } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/was already copied into .* nothing to do/);
    expect(await queryDatabase(target.url, 'SELECT COUNT(*) AS n FROM observations')).toEqual(before);
  });

  it('refuses a database that holds other state, and says what to do', async () => {
    const other = path.join(tempDir(), 'other.db');
    await SqliteStore.open(other).close();
    const refused = await runCli(['migrate-state', '--from', other, '--to', targetUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds balance-watch state; migrate-state copies only into an empty store');
    expect(refused.stderr).not.toContain('hunter2');
    expect((await runCli(['migrate-state', '--from', path.join(dir, 'missing.db'), '--to', targetUrl])).stderr).toMatch(/--from: no file at/);
  });

  it('status, history and silence read the PostgreSQL store as they read the file', async () => {
    const env = { DATABASE_URL: targetUrl };
    const onFile = JSON.parse((await runCli(['status', '--json', '-c', sqliteConfig])).stdout) as { alerts: unknown[]; state: string };
    const onPostgres = JSON.parse((await runCli(['status', '--json', '-c', postgresConfig], { env })).stdout) as { alerts: unknown[]; state: string };
    expect(onPostgres.alerts).toEqual(onFile.alerts);
    expect(onPostgres.state).toBe(target.url);
    const history = await runCli(['history', 'bKash agent float', '-c', postgresConfig], { env });
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[2]).toBe('  min 40,000.00 BDT, max 80,000.00 BDT, change -40,000.00 BDT (3 observations)');
    const listed = await runCli(['silence', 'list', '-c', postgresConfig], { env });
    expect(listed.stdout).toMatch(/#1\s+UPI\s+warnings.*top-up asked/);
    const added = await runCli(['silence', 'add', 'bKash agent float', '--for', '1h', '--reason', 'known', '-c', postgresConfig], { env });
    expect(added.stdout).toMatch(/^silence #2 added/);
    expect((await runCli(['silence', 'remove', '2', '-c', postgresConfig], { env })).code).toBe(0);
    for (const output of [history.stdout, listed.stdout, added.stdout, added.stderr]) expect(output).not.toContain('hunter2');
  });
});
