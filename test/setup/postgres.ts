import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: boolean;
  }
}

const SERVER = process.env['BALANCE_WATCH_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** CI must run them: there a missing server is a failure, not a skip. */
const REQUIRED = process.env['CI'] === 'true' || process.env['BALANCE_WATCH_REQUIRE_POSTGRES'] === '1';

/** Looks for the PostgreSQL server once for the whole run, and says plainly when its tests will not run. */
export default async function setup(project: TestProject): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 3_000 });
  let problem: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problem = error instanceof Error ? error.message || (error as { code?: string }).code || 'unreachable' : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
  const where = new URL(SERVER);
  where.password = '';
  if (problem !== undefined && REQUIRED) {
    throw new Error(`PostgreSQL is required here (CI=true or BALANCE_WATCH_REQUIRE_POSTGRES=1) but ${where.host} cannot be used: ${problem}`);
  }
  if (problem !== undefined) {
    console.warn(
      `PostgreSQL tests skipped: no server at ${where.host} (${problem}). Start PostgreSQL there (user postgres, trust auth) or set BALANCE_WATCH_TEST_POSTGRES to a server URL to run them.`,
    );
  }
  project.provide('postgres', problem === undefined);
}
