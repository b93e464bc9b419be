import { existsSync } from 'node:fs';
import path from 'node:path';
import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { copyState } from '../store/copy-state.js';
import { isPostgresUrl, maskCredentials, redactUrl, stateLocationProblem } from '../store/location.js';
import { PostgresStore } from '../store/postgres/open.js';
import { SqliteStore } from '../store/sqlite/open.js';
import { StoreError } from '../store/store.js';

export interface MigrateStateOptions {
  readonly from?: string;
  readonly to?: string;
}

/** History is reported as it goes (it can be millions of rows); the small tables only when done. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * `balance-watch migrate-state --from ./data/state.db --to postgres://…`:
 * copies a SQLite store (alert state, history, outbox, silences, summaries,
 * channel health) into an empty PostgreSQL store, in one transaction.
 */
export async function migrateState(options: MigrateStateOptions, io: CommandIo): Promise<void> {
  const from = options.from;
  const to = options.to ?? io.env['DATABASE_URL'];
  if (!from) throw new ExitError(1, '--from: name the SQLite state file to copy, e.g. --from ./data/state.db');
  if (!to) throw new ExitError(1, '--to: name the PostgreSQL database, e.g. --to postgres://balance_watch@db:5432/balance_watch (or set DATABASE_URL)');
  if (!isPostgresUrl(to)) throw new ExitError(1, `--to must be a postgres:// or postgresql:// URL, not ${maskCredentials(to)}`);
  const fromProblem = stateLocationProblem(from);
  if (fromProblem) throw new ExitError(1, `--from: ${fromProblem}`);
  const file = path.resolve(from);
  if (!existsSync(file)) throw new ExitError(1, `--from: no file at ${file}`);

  let source: SqliteStore | undefined;
  let target: PostgresStore | undefined;
  try {
    // Opened for writing, so that a file from an older version is brought up to date first.
    source = SqliteStore.open(file);
    target = await PostgresStore.open(to);
    let lastReport = 0;
    const outcome = await copyState(source, file, target, (table, copied, total) => {
      if (table !== 'observations') return;
      const now = Date.now();
      if (copied < total && now - lastReport < PROGRESS_EVERY_MS) return;
      lastReport = now;
      io.err(`history: ${copied.toLocaleString('en')} of ${total.toLocaleString('en')} rows (${total === 0 ? 100 : Math.floor((copied / total) * 100)}%)`);
    });
    if (outcome.kind === 'already') {
      io.out(`${file} was already copied into ${redactUrl(to)} on ${new Date(outcome.importedAt).toISOString()}; nothing to do.`);
      return;
    }
    const c = outcome.counts;
    io.out(
      [
        `copied ${file} into ${redactUrl(to)}:`,
        `  ${c['alerts']} alerts, ${c['observations']?.toLocaleString('en')} history rows, ${c['events']} events,`,
        `  ${c['outbox']} outbox messages, ${c['silences']} silences, ${c['summaries']} summary schedules, ${c['channel_health']} channel records.`,
        `Next: set state: to this database in the config (state: \${DATABASE_URL}) and restart balance-watch.`,
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof StoreError) throw new ExitError(1, error.message);
    throw error;
  } finally {
    await source?.close();
    await target?.close();
  }
}
