import type Database from 'better-sqlite3';
import { type HealthRow, toChannelHealth } from '../rows.js';
import { type ChannelHealth, type ChannelHealthStore, DAY_MS } from '../store.js';

/** The channel_health table, and the outbox counted by channel. */
export class SqliteChannelHealth implements ChannelHealthStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      delivered: db.prepare(
        `INSERT INTO channel_health (channel, last_success_at) VALUES (?, ?)
         ON CONFLICT (channel) DO UPDATE SET last_success_at = excluded.last_success_at`,
      ),
      failed: db.prepare(
        `INSERT INTO channel_health (channel, last_failure_at, last_failure, last_reason, last_gave_up_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel) DO UPDATE SET last_failure_at = excluded.last_failure_at, last_failure = excluded.last_failure,
           last_reason = excluded.last_reason, last_gave_up_at = COALESCE(excluded.last_gave_up_at, channel_health.last_gave_up_at)`,
      ),
      claimNotice: db.prepare(
        `INSERT INTO channel_health (channel, notice_sent_at) VALUES (?, ?)
         ON CONFLICT (channel) DO UPDATE SET notice_sent_at = excluded.notice_sent_at
         WHERE channel_health.notice_sent_at IS NULL OR channel_health.notice_sent_at <= ?`,
      ),
      all: db.prepare(
        `WITH names AS (SELECT channel FROM channel_health UNION SELECT DISTINCT channel FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL)
         SELECT names.channel, h.last_success_at, h.last_failure_at, h.last_failure, h.last_reason, h.last_gave_up_at,
           (SELECT COUNT(*) FROM outbox o WHERE o.channel = names.channel AND o.sent_at IS NULL AND o.failed_at IS NULL) AS waiting,
           (SELECT COUNT(*) FROM outbox o WHERE o.channel = names.channel AND o.failed_at >= ?) AS gave_up_last_day
         FROM names LEFT JOIN channel_health h ON h.channel = names.channel ORDER BY names.channel`,
      ),
    };
  }

  async delivered(channel: string, now: number): Promise<void> {
    this.statements.delivered.run(channel, now);
  }

  async failed(channel: string, now: number, failure: { readonly message: string; readonly reason: string; readonly gaveUp: boolean }): Promise<void> {
    this.statements.failed.run(channel, now, failure.message, failure.reason, failure.gaveUp ? now : null);
  }

  /** Whether a notice about `channel` may go out now (none within `intervalMs`); if so, it is recorded as sent. */
  async claimNotice(channel: string, now: number, intervalMs: number): Promise<boolean> {
    return this.statements.claimNotice.run(channel, now, now - intervalMs).changes > 0;
  }

  /** Every channel that has delivered, failed or still owes something, by id. */
  async all(now: number): Promise<ChannelHealth[]> {
    return (this.statements.all.all(now - DAY_MS) as HealthRow[]).map(toChannelHealth);
  }
}
