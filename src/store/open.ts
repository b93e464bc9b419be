import { isPostgresUrl } from './location.js';
import { SqliteStore } from './sqlite/open.js';
import type { StateStore } from './store.js';

export interface OpenOptions {
  /** Only read: never create, migrate or write (status, history, check). */
  readonly readonly?: boolean;
}


/**
 * Opens the store `state:` names: a PostgreSQL URL, or a SQLite file. PostgreSQL
 * is loaded only when used, so the embedded default pays nothing for it.
 */
export async function openStore(location: string, options: OpenOptions = {}): Promise<StateStore> {
  if (isPostgresUrl(location)) {
    const { PostgresStore } = await import('./postgres/open.js');
    return PostgresStore.open(location, options);
  }
  return SqliteStore.open(location, options);
}
