/**
 * Statements both engines run word for word, written with `?` placeholders
 * (SQLite's); PostgreSQL takes them through `numbered`. Where the dialects
 * differ (upserts of arrays, DISTINCT ON, RETURNING), each engine has its own.
 */
export const OWED = 'sent_at IS NULL AND failed_at IS NULL';

/** Not held for a channel outside its time window: such a message waits by design, it is not overdue. */
export const NOT_HELD = "(last_reason IS NULL OR last_reason <> 'held')";

export const SQL = {
  dueMessages: `SELECT * FROM outbox WHERE ${OWED} AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
  nextDueAt: `SELECT MIN(next_attempt_at) AS due FROM outbox WHERE ${OWED}`,
  pendingCount: `SELECT COUNT(*) AS n FROM outbox WHERE ${OWED}`,
  pendingMessages: `SELECT * FROM outbox WHERE ${OWED} ORDER BY id`,
  failedMessages: 'SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?',
  messagesSince: 'SELECT * FROM outbox WHERE created_at >= ? ORDER BY id DESC LIMIT ?',
  markSent: 'UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
  markRetry: 'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?',
  postpone: 'UPDATE outbox SET next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?',
  markFailed: 'UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, last_reason = ? WHERE id = ?',
  pruneObservations: 'DELETE FROM observations WHERE at < ?',
  pruneEvents: 'DELETE FROM events WHERE at < ?',
  /** Ended silences are listed for a while, then forgotten. */
  pruneSilences: 'DELETE FROM silences WHERE COALESCE(ended_at, until) < ?',
  pruneMessages: 'DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?',
  recent: 'SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? ORDER BY at DESC LIMIT ?',
  history: 'SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? AND at >= ? ORDER BY at',
  observationsAfter: 'SELECT source, account, at, units, scale, currency FROM observations WHERE at > ? ORDER BY at',
  observationsBetween: 'SELECT source, account, at, units, scale, currency FROM observations WHERE at >= ? AND at < ? ORDER BY at',
  valueAt: 'SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? AND at <= ? ORDER BY at DESC LIMIT 1',
  eventsBetween: 'SELECT * FROM events WHERE at >= ? AND at < ? ORDER BY at',
  silences: 'SELECT * FROM silences WHERE (ended_at IS NULL AND until > ?) OR COALESCE(ended_at, until) >= ? ORDER BY id',
  addSilence: 'INSERT INTO silences (rule, account, level, reason, created_at, until) VALUES (?, ?, ?, ?, ?, ?)',
  /** Parameters: now, reason, id, now. */
  endSilence: 'UPDATE silences SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL AND until > ?',
  summarySchedule: 'SELECT last_sent_at, next_due_at FROM summaries WHERE channel = ?',
  statesOfSource: 'SELECT rule, account, state FROM alerts WHERE source = ?',
  allStates: 'SELECT rule, account, state FROM alerts',
} as const;

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the statements above hold no `?` inside a string). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${(n += 1)}`);
}
