import { type OutboxRow, toOutbox } from '../rows.js';
import { NOT_HELD, numbered, OWED, SQL } from '../sql.js';
import type { OutboxMessage, OutboxStore } from '../store.js';
import type { PostgresLease } from './lease.js';
import { insertOwed } from './owed.js';
import type { PostgresPool } from './pool.js';

/** The notification outbox: what is owed, and what became of it. */
export function postgresOutbox(db: PostgresPool, lease: PostgresLease): OutboxStore {
  const many = async (text: string, params: readonly unknown[] = []): Promise<OutboxMessage[]> => (await db.query<OutboxRow>(numbered(text), params)).rows.map(toOutbox);
  const run = async (text: string, params: readonly unknown[]): Promise<void> => {
    await db.query(numbered(text), params);
  };
  return {
    dueMessages: (now, limit = 100) => many(SQL.dueMessages, [now, limit]),
    async nextDueAt() {
      const due = (await db.query<{ due: string | null }>(SQL.nextDueAt)).rows[0]?.due;
      return due === null || due === undefined ? undefined : Number(due);
    },
    async pendingCount() {
      return Number((await db.query<{ n: string }>(SQL.pendingCount)).rows[0]?.n ?? 0);
    },
    pendingMessages: () => many(SQL.pendingMessages),
    failedMessages: (limit = 20) => many(SQL.failedMessages, [limit]),
    messagesSince: (since, limit = 500) => many(SQL.messagesSince, [since, limit]),
    markSent: (id, now) => run(SQL.markSent, [now, id]),
    markRetry: (id, nextAttemptAt, error, reason) => run(SQL.markRetry, [nextAttemptAt, error, reason, id]),
    postpone: (id, nextAttemptAt, error, reason) => run(SQL.postpone, [nextAttemptAt, error, reason, id]),
    markFailed: (id, now, error, reason) => run(SQL.markFailed, [now, error, reason, id]),
    async enqueue(source, items, now) {
      await db.transaction(async (query) => {
        await lease.fence(query);
        await insertOwed(query, source, items, now, now);
      });
    },
    async mergeHeld(ids, source, item, now) {
      await db.transaction(async (query) => {
        await lease.fence(query);
        await insertOwed(query, source, [item], now, now);
        for (const id of ids) await query(numbered(SQL.markSent), [now, id]);
      });
    },
    async takeNewlyOverdue(now, ageMs) {
      const result = await db.query<OutboxRow>(`UPDATE outbox SET overdue_logged = true WHERE ${OWED} AND NOT overdue_logged AND created_at <= $1 AND ${NOT_HELD} RETURNING *`, [now - ageMs]);
      return result.rows.map(toOutbox).sort((a, b) => a.id - b.id);
    },
  };
}
