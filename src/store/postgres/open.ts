import { redactUrl } from '../location.js';
import { type AlertStore, type ConnectivityEvent, type HistoryStore, type OutboxStore, type SilenceStore, type StateStore, StoreError, type SummaryStore } from '../store.js';
import { postgresAlerts } from './alerts.js';
import { PostgresChannelHealth } from './channel-health.js';
import { postgresHistory } from './history.js';
import { PostgresLease, type Query } from './lease.js';
import { MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS, VERSION_TABLE } from './migrations.js';
import { postgresOutbox } from './outbox.js';
import { postgresRequests } from './requests.js';
import { describePostgresError, PostgresPool } from './pool.js';
import { postgresSilences } from './silences.js';
import { postgresSummaries } from './summaries.js';

// The concerns' methods, put on each instance by the constructor.
export interface PostgresStore extends AlertStore, OutboxStore, HistoryStore, SilenceStore, SummaryStore {}

/**
 * The shared store: the same tables and semantics as SQLite in a PostgreSQL
 * database, for replicas on several hosts. A cycle's state and what it owes are
 * one transaction, as in SQLite; while a replica leads, those writes are also
 * fenced by its lease, so a leader that lost the lease (paused, cut off) cannot
 * write over its successor's state. Each concern is a file of its own beside this one.
 */
export class PostgresStore implements StateStore {
  readonly channelHealth: PostgresChannelHealth;
  readonly lease: PostgresLease;

  private constructor(private readonly db: PostgresPool) {
    this.channelHealth = new PostgresChannelHealth(db);
    this.lease = new PostgresLease(db);
    Object.assign(this, postgresAlerts(db, this.lease), postgresRequests(db, this.lease), postgresOutbox(db, this.lease), postgresHistory(db), postgresSilences(db), postgresSummaries(db, this.lease));
  }

  get location(): string {
    return this.db.location;
  }

  /** Connects and migrates (or, read-only, checks there is a schema); any problem is a StoreError without the password. */
  static async open(url: string, options: { readonly?: boolean } = {}): Promise<PostgresStore> {
    const db = new PostgresPool(url, redactUrl(url));
    try {
      const store = new PostgresStore(db);
      if (options.readonly) await store.checkVersion();
      else await store.migrate();
      return store;
    } catch (error) {
      await db.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError(describePostgresError(db.location, error));
    }
  }

  onConnectivity(listener: (event: ConnectivityEvent) => void): void {
    this.db.onConnectivity(listener);
  }

  /** Replicas starting together migrate once: the advisory lock makes the second wait, then find nothing to do. */
  private async migrate(): Promise<void> {
    await this.db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER NOT NULL)`);
      const found = await query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`);
      const version = found.rows[0]?.version ?? 0;
      if (found.rows.length === 0) await query(`INSERT INTO ${VERSION_TABLE} (version) VALUES (0)`);
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new StoreError(`state store ${this.location} was written by a newer balance-watch (schema ${version}); upgrade balance-watch or point state: at another database`);
      }
      for (let next = version; next < POSTGRES_MIGRATIONS.length; next += 1) await query(POSTGRES_MIGRATIONS[next]!);
      await query(`UPDATE ${VERSION_TABLE} SET version = $1`, [POSTGRES_MIGRATIONS.length]);
    });
  }

  private async checkVersion(): Promise<void> {
    const exists = await this.db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [VERSION_TABLE]);
    const version = exists.rows[0]?.found ? ((await this.db.query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`)).rows[0]?.version ?? 0) : 0;
    if (version === 0) throw new StoreError(`state store ${this.location} is empty: the daemon has not run with it yet`);
  }

  /** Runs `work` in one transaction: what `migrate-state` copies with, all or nothing. */
  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
