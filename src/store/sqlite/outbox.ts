import type Database from 'better-sqlite3';
import { encodeMessage } from '../message-codec.js';
import { type OutboxRow, toOutbox } from '../rows.js';
import { NOT_HELD, OWED, SQL } from '../sql.js';
import type { OutboxMessage, OutboxStore, OwedMessage } from '../store.js';
import { ENQUEUE, lazy } from './shared.js';

/** The notification outbox: what is owed, and what became of it. */
export function sqliteOutbox(db: Database.Database): OutboxStore {
  const sql = lazy(() => ({
    enqueue: db.prepare(ENQUEUE),
    nextDue: db.prepare(SQL.nextDueAt),
    pendingCount: db.prepare(SQL.pendingCount),
  }));
  const many = (text: string, ...params: unknown[]): OutboxMessage[] => (db.prepare(text).all(...params) as OutboxRow[]).map(toOutbox);
  return {
    async dueMessages(now: number, limit = 100) {
      return many(SQL.dueMessages, now, limit);
    },
    async nextDueAt() {
      return (sql().nextDue.get() as { due: number | null }).due ?? undefined;
    },
    async pendingCount() {
      return (sql().pendingCount.get() as { n: number }).n;
    },
    async pendingMessages() {
      return many(SQL.pendingMessages);
    },
    async failedMessages(limit = 20) {
      return many(SQL.failedMessages, limit);
    },
    async messagesSince(since, limit = 500) {
      return many(SQL.messagesSince, since, limit);
    },
    async markSent(id, now) {
      db.prepare(SQL.markSent).run(now, id);
    },
    async markRetry(id, nextAttemptAt, error, reason) {
      db.prepare(SQL.markRetry).run(nextAttemptAt, error, reason, id);
    },
    async postpone(id, nextAttemptAt, error, reason) {
      db.prepare(SQL.postpone).run(nextAttemptAt, error, reason, id);
    },
    async markFailed(id, now, error, reason) {
      db.prepare(SQL.markFailed).run(now, error, reason, id);
    },
    async enqueue(source: string, items: readonly OwedMessage[], now: number) {
      const { enqueue } = sql();
      db.transaction(() => items.forEach((item) => enqueue.run(item.channel, source, encodeMessage(item.message), now, now)))();
    },
    async mergeHeld(ids, source, item, now) {
      const { enqueue } = sql();
      const markSent = db.prepare(SQL.markSent);
      db.transaction(() => {
        enqueue.run(item.channel, source, encodeMessage(item.message), now, now);
        for (const id of ids) markSent.run(now, id);
      })();
    },
    async takeNewlyOverdue(now, ageMs) {
      const rows = db.prepare(`SELECT * FROM outbox WHERE ${OWED} AND overdue_logged = 0 AND created_at <= ? AND ${NOT_HELD}`).all(now - ageMs) as OutboxRow[];
      const mark = db.prepare('UPDATE outbox SET overdue_logged = 1 WHERE id = ?');
      db.transaction(() => rows.forEach((r) => mark.run(r.id)))();
      return rows.map(toOutbox);
    },
  };
}
