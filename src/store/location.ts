import { existsSync } from 'node:fs';

/** Whether `state:` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * `scheme:/…` or `scheme://…`. A scheme of one letter is a Windows drive (`C:/data`),
 * not a URL; two or more letters followed by a slash is never a sensible file name.
 */
const URL_LIKE = /^[a-z][a-z0-9+.-]+:\//i;

/** `user:password@` after a scheme's `//` (or, mistyped, a single `/` or none). */
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/{0,2})([^/@:\s]*):[^@/\s]*@/i;

/** Any `user:password@` in a location replaced by `user:***@`: for text that may be a mistyped URL. */
export const maskCredentials = (location: string): string => location.replace(CREDENTIALS, '$1$2:***@');

/**
 * Why a `state:` value names no store we can open, or undefined when it is a
 * PostgreSQL URL or a file path. A mistyped scheme (`postgress://`, `postgres:/`,
 * `mysql://`) must not be taken for a file: that would create folders named
 * after the URL, and print its password as a path.
 */
export function stateLocationProblem(location: string): string | undefined {
  if (isPostgresUrl(location) || !URL_LIKE.test(location)) return undefined;
  return `"${maskCredentials(location)}" looks like a URL, but only postgres:// and postgresql:// URLs are state stores; for a SQLite file write a path such as ./data/state.db`;
}

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
export const describeLocation = (location: string): string => (isPostgresUrl(location) ? redactUrl(location) : maskCredentials(location));

/** Whether a store may already be there: a file is looked for; a database is asked when opened. */
export const mayHoldState = (location: string): boolean => isPostgresUrl(location) || existsSync(location);
