import type Database from 'better-sqlite3';

/** What the store knows of one channel's deliveries: enough to say whether people are hearing from it. */
export interface ChannelHealth {
  readonly channel: string;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastFailure: string | null;
  readonly lastReason: string | null;
  /** When it last gave a message up (permanent refusal, or retried past give_up_after). */
  readonly lastGaveUpAt: number | null;
  /** Messages it still owes. */
  readonly waiting: number;
  /** Messages it gave up on in the last day. */
  readonly gaveUpLastDay: number;
}

/** Up unless its latest outcome was a failure: a channel that never sent is not known to be down. */
export const isChannelUp = (health: Pick<ChannelHealth, 'lastSuccessAt' | 'lastFailureAt'>): boolean =>
  health.lastFailureAt === null || (health.lastSuccessAt !== null && health.lastSuccessAt >= health.lastFailureAt);

/** Failing, for readiness: it gave a message up, and has delivered nothing since. */
export const isChannelFailing = (health: Pick<ChannelHealth, 'lastSuccessAt' | 'lastGaveUpAt'>): boolean =>
  health.lastGaveUpAt !== null && (health.lastSuccessAt === null || health.lastSuccessAt < health.lastGaveUpAt);

const DAY_MS = 86_400_000;

interface HealthRecord {
  channel: string;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
  last_reason: string | null;
  last_gave_up_at: number | null;
  waiting: number;
  gave_up_last_day: number;
}

/** The channel_health table, and the outbox counted by channel. */
export class ChannelHealthLog {
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

  delivered(channel: string, now: number): void {
    this.statements.delivered.run(channel, now);
  }

  failed(channel: string, now: number, failure: { readonly message: string; readonly reason: string; readonly gaveUp: boolean }): void {
    this.statements.failed.run(channel, now, failure.message, failure.reason, failure.gaveUp ? now : null);
  }

  /** Whether a notice about `channel` may go out now (none within `intervalMs`); if so, it is recorded as sent. */
  claimNotice(channel: string, now: number, intervalMs: number): boolean {
    return this.statements.claimNotice.run(channel, now, now - intervalMs).changes > 0;
  }

  /** Every channel that has delivered, failed or still owes something, by id. */
  all(now: number): ChannelHealth[] {
    return (this.statements.all.all(now - DAY_MS) as HealthRecord[]).map((r) => ({
      channel: r.channel,
      lastSuccessAt: r.last_success_at,
      lastFailureAt: r.last_failure_at,
      lastFailure: r.last_failure,
      lastReason: r.last_reason,
      lastGaveUpAt: r.last_gave_up_at,
      waiting: r.waiting,
      gaveUpLastDay: r.gave_up_last_day,
    }));
  }
}
