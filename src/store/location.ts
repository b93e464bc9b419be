import { existsSync } from 'node:fs';

/** Whether `state:` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** A PostgreSQL URL fit for logs: no password, no query string (it may carry sslpassword or similar). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Where the store is, for people: the file, or the database URL without its password. */
export const describeLocation = (location: string): string => (isPostgresUrl(location) ? redactUrl(location) : location);

/** Whether a store may already be there: a file is looked for; a database is asked when opened. */
export const mayHoldState = (location: string): boolean => isPostgresUrl(location) || existsSync(location);
