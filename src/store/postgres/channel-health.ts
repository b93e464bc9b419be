import type { PostgresPool } from './pool.js';
import { type HealthRow, toChannelHealth } from '../rows.js';
import { type ChannelHealth, type ChannelHealthStore, DAY_MS } from '../store.js';

/** The channel_health table, and the outbox counted by channel, in PostgreSQL. */
export class PostgresChannelHealth implements ChannelHealthStore {
  constructor(private readonly db: PostgresPool) {}

  async delivered(channel: string, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO channel_health (channel, last_success_at) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET last_success_at = excluded.last_success_at`,
      [channel, now],
    );
  }

  async failed(channel: string, now: number, failure: { readonly message: string; readonly reason: string; readonly gaveUp: boolean }): Promise<void> {
    await this.db.query(
      `INSERT INTO channel_health (channel, last_failure_at, last_failure, last_reason, last_gave_up_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel) DO UPDATE SET last_failure_at = excluded.last_failure_at, last_failure = excluded.last_failure,
         last_reason = excluded.last_reason, last_gave_up_at = COALESCE(excluded.last_gave_up_at, channel_health.last_gave_up_at)`,
      [channel, now, failure.message, failure.reason, failure.gaveUp ? now : null],
    );
  }

  async claimNotice(channel: string, now: number, intervalMs: number): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO channel_health (channel, notice_sent_at) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET notice_sent_at = excluded.notice_sent_at
       WHERE channel_health.notice_sent_at IS NULL OR channel_health.notice_sent_at <= $3`,
      [channel, now, now - intervalMs],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async all(now: number): Promise<ChannelHealth[]> {
    const result = await this.db.query<HealthRow>(
      `WITH names AS (SELECT channel FROM channel_health UNION SELECT DISTINCT channel FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL)
       SELECT names.channel, h.last_success_at, h.last_failure_at, h.last_failure, h.last_reason, h.last_gave_up_at,
         (SELECT COUNT(*) FROM outbox o WHERE o.channel = names.channel AND o.sent_at IS NULL AND o.failed_at IS NULL) AS waiting,
         (SELECT COUNT(*) FROM outbox o WHERE o.channel = names.channel AND o.failed_at >= $1) AS gave_up_last_day
       FROM names LEFT JOIN channel_health h ON h.channel = names.channel ORDER BY names.channel COLLATE "C"`,
      [now - DAY_MS],
    );
    return result.rows.map(toChannelHealth);
  }
}
