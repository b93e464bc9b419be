import { numbered, SQL } from '../sql.js';
import type { SummaryStore } from '../store.js';
import type { PostgresLease } from './lease.js';
import { insertOwed } from './owed.js';
import type { PostgresPool } from './pool.js';

export function postgresSummaries(db: PostgresPool, lease: PostgresLease): SummaryStore {
  return {
    async summarySchedule(channel) {
      const row = (await db.query<{ last_sent_at: string | null; next_due_at: string }>(numbered(SQL.summarySchedule), [channel])).rows[0];
      return row ? { lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at), nextDueAt: Number(row.next_due_at) } : undefined;
    },
    async recordSummary(channel, message, sentAt, nextDueAt) {
      await db.transaction(async (query) => {
        await lease.fence(query);
        if (message) await insertOwed(query, 'summary', [{ channel, message }], sentAt ?? nextDueAt, sentAt ?? nextDueAt);
        await query(
          `INSERT INTO summaries (channel, last_sent_at, next_due_at) VALUES ($1, $2, $3)
           ON CONFLICT (channel) DO UPDATE SET last_sent_at = COALESCE(excluded.last_sent_at, summaries.last_sent_at), next_due_at = excluded.next_due_at`,
          [channel, sentAt, nextDueAt],
        );
      });
    },
  };
}
