import { errorMessage } from '../../error-message.js';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { type ConnectivityEvent, StoreError } from '../store.js';


/** Errors that mean the connection (not the query) failed: the server restarted, or the network dropped. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** What went wrong, for a user: names the database without its password, and what to do. */
export function describePostgresError(location: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const detail = errorMessage(error);
  const where = `state store ${location}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused; is PostgreSQL running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: the host name does not resolve; check the host in state:`;
    case '28P01':
    case '28000':
      return `${where}: the server refused the login (${detail}); check the user and password in state: (or DATABASE_URL)`;
    case '3D000':
      return `${where}: ${detail}; create it (createdb) or name an existing database in state:`;
    case '42501':
      return `${where}: permission denied (${detail}); the user needs to create tables in this database`;
    default:
      return `${where}: ${detail}`;
  }
}


/**
 * A connection pool that notices when the server goes away and comes back, so
 * the daemon can say so. pg drops a broken client from the pool on its own; the
 * next query opens a fresh connection.
 */
export class PostgresPool {
  private readonly pool: pg.Pool;
  private lostAt: number | undefined;
  private readonly listeners: ((event: ConnectivityEvent) => void)[] = [];

  constructor(
    url: string,
    readonly location: string,
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      // A hung query would stall a cycle and the lease with it.
      query_timeout: 30_000,
      application_name: 'balance-watch',
    });
    // An idle client's connection dying emits here; without a listener it would crash the process.
    this.pool.on('error', (error) => this.lost(error));
  }

  onConnectivity(listener: (event: ConnectivityEvent) => void): void {
    this.listeners.push(listener);
  }

  async query<Row>(text: string, values: readonly unknown[] = []): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
    try {
      const result = await this.pool.query<Row & pg.QueryResultRow>(text, values as unknown[]);
      this.restored();
      return result;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Rows of a query read through a server-side cursor, in batches, on a connection of their own until the last row (or a break). */
  async *stream<Row>(text: string, values: readonly unknown[] = [], batchSize = 5_000): AsyncGenerator<Row[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreError(describePostgresError(this.location, error));
    }
    try {
      const stream = client.query(new QueryStream(text, values as unknown[], { batchSize }));
      let batch: Row[] = [];
      for await (const row of stream) {
        batch.push(row as Row);
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction on one connection; rolled back if it throws. */
  async transaction<T>(work: (query: PostgresPool['query']) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failure(error);
    }
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(async <Row>(text: string, values: readonly unknown[] = []) => client.query<Row & pg.QueryResultRow>(text, values as unknown[]));
      await client.query('COMMIT');
      this.restored();
      return result;
    } catch (error) {
      broken = isConnectionError(error) ? error : undefined;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error instanceof StoreError ? error : this.failure(error);
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  private failure(error: unknown): Error {
    if (isConnectionError(error)) this.lost(error);
    return new StoreError(describePostgresError(this.location, error));
  }

  private lost(error: unknown): void {
    if (this.lostAt !== undefined) return;
    this.lostAt = Date.now();
    const event: ConnectivityEvent = { kind: 'lost', error: describePostgresError(this.location, error) };
    for (const listener of this.listeners) listener(event);
  }

  private restored(): void {
    if (this.lostAt === undefined) return;
    const event: ConnectivityEvent = { kind: 'restored', downMs: Date.now() - this.lostAt };
    this.lostAt = undefined;
    for (const listener of this.listeners) listener(event);
  }
}
