import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage } from '../../error-message.js';
import { type AlertStore, type HistoryStore, type OutboxStore, type SilenceStore, type StateStore, StoreError, type SummaryStore } from '../store.js';
import { sqliteAlerts } from './alerts.js';
import { SqliteChannelHealth } from './channel-health.js';
import { SqliteLease } from './lease.js';
import { MIGRATIONS } from './migrations.js';
import { sqliteOutbox } from './outbox.js';
import { sqliteRequests } from './requests.js';
import { sqliteHistory } from './history.js';
import { sqliteSilences } from './silences.js';
import { sqliteSummaries } from './summaries.js';

// The concerns' methods, put on each instance by the constructor.
export interface SqliteStore extends AlertStore, OutboxStore, HistoryStore, SilenceStore, SummaryStore {}

/**
 * The embedded store: one SQLite file, for one process. A cycle's state and the
 * messages it owes are written in one transaction before anything is sent, so a
 * crash can neither lose a resolve nor repeat a firing. better-sqlite3 is
 * synchronous; the methods are async only to share the interface with PostgreSQL.
 * Each concern is a file of its own beside this one.
 */
export class SqliteStore implements StateStore {
  readonly lease: SqliteLease;
  private health: SqliteChannelHealth | undefined;

  private constructor(
    readonly location: string,
    private readonly db: Database.Database,
  ) {
    this.lease = new SqliteLease(db);
    Object.assign(this, sqliteAlerts(db), sqliteRequests(db), sqliteOutbox(db), sqliteHistory(db), sqliteSilences(db), sqliteSummaries(db));
  }

  /** Each channel's deliveries; its statements are prepared on first use, after migrations. */
  get channelHealth(): SqliteChannelHealth {
    this.health ??= new SqliteChannelHealth(this.db);
    return this.health;
  }

  /** Opens (creating if needed) and migrates the store; any problem is a StoreError naming the file. */
  static open(file: string, options: { readonly?: boolean } = {}): SqliteStore {
    let db: Database.Database | undefined;
    try {
      if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
      db.pragma('busy_timeout = 5000');
      const store = new SqliteStore(file, db);
      if (!options.readonly) store.migrate();
      else store.checkVersion();
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(describeOpenError(file, error));
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new StoreError(`state store ${this.location} was written by a newer balance-watch (schema ${version}); upgrade balance-watch or point state: at another file`);
    }
    const apply = this.db.transaction(() => {
      for (let next = version; next < MIGRATIONS.length; next += 1) {
        this.db.exec(MIGRATIONS[next]!);
        this.db.pragma(`user_version = ${next + 1}`);
      }
    });
    apply.immediate();
  }

  private checkVersion(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new StoreError(`state store ${this.location} is empty: the daemon has not run with it yet`);
  }

  /** Every row of a table, a page at a time, in its natural order: what `migrate-state` copies. */
  *rowsOf(table: string, pageSize = 5_000): Generator<Record<string, unknown>[]> {
    const page = this.db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    let after = 0;
    for (;;) {
      const rows = page.all(after, pageSize) as (Record<string, unknown> & { _rowid: number })[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!._rowid;
      yield rows.map(({ _rowid, ...row }) => row);
    }
  }

  countOf(table: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function describeOpenError(file: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return `state store ${file} is not a valid balance-watch database (corrupt, or another kind of file); move it aside and start again, or point state: at another file`;
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_READONLY') {
    return `state store ${file} cannot be opened for writing (${code}); check that the folder exists and this user may write to it`;
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') return `state store ${file}: a part of the path is not a folder`;
  return `state store ${file} cannot be opened: ${errorMessage(error)}`;
}
