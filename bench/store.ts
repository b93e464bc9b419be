import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { initialState } from '../src/rules/alert.js';
import { SqliteStore } from '../src/store/sqlite/open.js';
import { measure, round } from './measure.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
const FIVE_MINUTES = 300_000;
const DAY = 86_400_000;

/**
 * The store after `days` of 5-minute observations for `accounts` accounts, as
 * the default 90-day retention leaves it; a year without pruning is extrapolated.
 */
export async function benchStore(accounts = 100, days = 90): Promise<{ rows: number; fileMb: number; yearUnprunedMbEstimate: number; insertSeconds: number; statusCliMs: number; statusQueryMs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-'));
  const file = path.join(dir, 'state.db');
  const now = Date.now();
  const store = SqliteStore.open(file);
  await store.commitCycle({
    source: 'apay',
    now,
    alerts: Array.from({ length: accounts }, (_, i) => ({ rule: 'UPI', account: `upi_${i}`, state: { ...initialState(now), level: i % 10 === 0 ? ('warning' as const) : ('ok' as const), lastValue: { amount: { units: 123_456n, scale: 2 }, currency: 'INR' }, lastObservedAt: now } })),
    observations: [],
    outbox: [],
  });
  await store.close();
  // Bulk insert with the store's schema: a cycle at a time would spend the time in fsync, not in what is measured here.
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare('INSERT INTO observations (source, account, at, units, scale, currency) VALUES (?, ?, ?, ?, ?, ?)');
  const steps = (days * DAY) / FIVE_MINUTES;
  const inserted = await measure(() => {
    const batch = db.transaction((from: number, to: number) => {
      for (let step = from; step < to; step += 1) {
        const at = now - days * DAY + step * FIVE_MINUTES;
        for (let a = 0; a < accounts; a += 1) insert.run('apay', `upi_${a}`, at, String(10_000_000 + ((step * 31 + a) % 5_000_000)), 2, 'INR');
      }
    });
    for (let from = 0; from < steps; from += 2_000) batch(from, Math.min(steps, from + 2_000));
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const rows = steps * accounts;
  const fileMb = statSync(file).size / 1024 / 1024;
  writeFileSync(path.join(dir, 'config.yaml'), `schedule: "*/5 * * * *"\nstate: ./state.db\nsources: [{ id: apay, type: apay, base_url: "https://apay.example.com", project_id: 1, api_key: k }]\nrules: [{ name: UPI, source: apay, payment_system: "upi_*", warn_below: 1 }]\n`);
  const runs: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await promisify(execFile)(process.execPath, [CLI, 'status', '-c', path.join(dir, 'config.yaml')]);
    runs.push(performance.now() - started);
  }
  const readonly = SqliteStore.open(file, { readonly: true });
  const query = await measure(() => Promise.all([readonly.alerts(), readonly.pendingMessages(), readonly.failedMessages()]));
  await readonly.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    rows,
    fileMb: round(fileMb),
    yearUnprunedMbEstimate: round((fileMb * 365) / days),
    insertSeconds: round(inserted.timing.wallMs / 1000),
    statusCliMs: round(Math.min(...runs)),
    statusQueryMs: round(query.timing.wallMs, 2),
  };
}
