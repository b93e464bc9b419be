import type Database from 'better-sqlite3';
import { encodeMessage } from '../message-codec.js';
import { SQL } from '../sql.js';
import type { SummaryStore } from '../store.js';
import { ENQUEUE } from './shared.js';

export function sqliteSummaries(db: Database.Database): SummaryStore {
  return {
    async summarySchedule(channel) {
      const row = db.prepare(SQL.summarySchedule).get(channel) as { last_sent_at: number | null; next_due_at: number } | undefined;
      return row ? { lastSentAt: row.last_sent_at, nextDueAt: row.next_due_at } : undefined;
    },
    async recordSummary(channel, message, sentAt, nextDueAt) {
      db.transaction(() => {
        if (message) db.prepare(ENQUEUE).run(channel, 'summary', encodeMessage(message), sentAt ?? nextDueAt, sentAt ?? nextDueAt);
        db.prepare(
          'INSERT INTO summaries (channel, last_sent_at, next_due_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET last_sent_at = COALESCE(excluded.last_sent_at, last_sent_at), next_due_at = excluded.next_due_at',
        ).run(channel, sentAt, nextDueAt);
      })();
    },
  };
}
