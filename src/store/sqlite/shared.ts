/** Statements prepared on first use: a store's tables exist only once it is migrated. */
export function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** A message owed: the cycle, a notice and a summary all queue through it. */
export const ENQUEUE = 'INSERT INTO outbox (channel, source, message, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)';
