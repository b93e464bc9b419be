import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The server the PostgreSQL tests use: each test makes a database of its own there and drops it. */
export const POSTGRES_SERVER = process.env['BALANCE_WATCH_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the PostgreSQL tests run here (settled once, by test/setup/postgres.ts). */
export const hasPostgres = (): boolean => inject('postgres');

/** A URL for database `name` on the test server. */
export function urlOf(name: string): string {
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh empty database; `drop` ends whatever is still connected to it and removes it. */
export async function createDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void>; terminateConnections: () => Promise<number> }> {
  const name = `bw_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const terminateConnections = () =>
    admin(async (client) => (await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rowCount ?? 0);
  return {
    url: urlOf(name),
    name,
    terminateConnections,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs one query on a database (to look at what the daemon wrote). */
export async function queryDatabase<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
