import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/store/sqlite/open.js';
import { round } from './measure.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

const FIVE_MINUTES = 300_000;
const DAY = 86_400_000;

/**
 * `backtest` as a user runs it (the bin, a whole process), over `days` of a
 * 5-minute heartbeat for `accounts` accounts under one glob rule: wall time and
 * peak RSS from outside, the store written beforehand in bulk.
 */
export async function benchBacktest(accounts: number, days: number): Promise<{ observations: number; seconds: number; rssMb: number; usPerObservation: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'balance-watch-bench-backtest-'));
  const file = path.join(dir, 'state.db');
  const until = Date.parse('2026-12-01T00:00:00Z');
  await SqliteStore.open(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare('INSERT INTO observations (source, account, at, units, scale, currency) VALUES (?, ?, ?, ?, ?, ?)');
  const steps = (days * DAY) / FIVE_MINUTES;
  const batch = db.transaction((from: number, to: number) => {
    for (let step = from; step < to; step += 1) {
      const at = until - days * DAY + step * FIVE_MINUTES;
      // A slow wave around the warning level, a different phase per account: alerts fire and resolve all month.
      for (let a = 0; a < accounts; a += 1) insert.run('apay', `upi_${a}`, at, String(Math.round(6_000_000 + 2_500_000 * Math.sin((step + a * 37) / 60))), 2, 'INR');
    }
  });
  for (let from = 0; from < steps; from += 500) batch(from, Math.min(steps, from + 500));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  writeFileSync(
    path.join(dir, 'config.yaml'),
    `schedule: "*/5 * * * *"\nstate: ./state.db\nsources: [{ id: apay, type: apay, base_url: "https://apay.example.com", project_id: 1, api_key: k, currencies: { "upi_*": INR } }]\nchannels: [{ id: t, type: slack, webhook_url: "https://hooks.slack.com/services/x" }]\nrules: [{ name: UPI, source: apay, payment_system: "upi_*", warn_below: 50000, critical_below: 40000 }]\n`,
  );
  const started = performance.now();
  const rssKb = await new Promise<number>((resolve, reject) => {
    // GNU time reports the child's peak RSS; the bench runs on Linux.
    // The bin itself, so the Node options of its first line apply, as for a user (see bin.ts).
    const PATH = [path.dirname(process.execPath), process.env['PATH'] ?? ''].join(path.delimiter);
    const child = spawn('/usr/bin/time', ['-f', '%M', CLI, 'backtest', '-c', path.join(dir, 'config.yaml'), '--since', `${days}d`, '--until', new Date(until).toISOString(), '--json'], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(stderr.trim().split('\n').at(-1))) : reject(new Error(`backtest exited ${code}: ${stderr}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  const observations = steps * accounts;
  return { observations, seconds: round(seconds), rssMb: round(rssKb / 1024), usPerObservation: round((seconds * 1e6) / observations, 2) };
}
