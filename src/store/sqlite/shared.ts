/** Statements prepared on first use: a store's tables exist only once it is migrated. */
export function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** An event in the log: what a cycle found, or what a person did (with their words in `detail`). */
export const LOG_EVENT = 'INSERT INTO events (source, rule, account, kind, level, at, units, scale, currency, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** A message owed: the cycle, a notice and a summary all queue through it. */
export const ENQUEUE = 'INSERT INTO outbox (channel, source, message, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)';
