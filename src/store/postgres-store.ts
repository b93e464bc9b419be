import type { Money } from '../money/money.js';
import type { Message } from '../notify/message.js';
import type { AlertState } from '../rules/alert.js';
import type { Silence } from '../rules/silence.js';
import { alertKey } from '../rules/alert-key.js';
import { encodeJson } from './codec.js';
import type { Lease } from './lease.js';
import { PostgresChannelHealth } from './postgres-channel-health.js';
import { MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS, VERSION_TABLE } from './postgres-migrations.js';
import { redactUrl } from './location.js';
import { describePostgresError, PostgresPool } from './postgres-pool.js';
import {
  type AlertRow,
  byAccount,
  type EventRow,
  type ObservationRow,
  type OutboxRow,
  type SilenceRow,
  toLoggedEvent,
  toMoney,
  toObserved,
  toOutbox,
  toSilence,
  toStoredAlert,
} from './rows.js';
import { decodeState, encodeState } from './state-codec.js';
import { type ConnectivityEvent, type CycleWrite, type LoggedEvent, type Observed, type OutboxMessage, type OwedMessage, SILENCE_MEMORY_MS, type SourcedObservation, type StateStore, StoreError, type StoredAlert } from './store.js';

type Query = PostgresPool['query'];

const OWED = 'sent_at IS NULL AND failed_at IS NULL';
const LEASE_NAME = 'run';

/**
 * The shared store: the same tables and semantics as SQLite in a PostgreSQL
 * database, for replicas on several hosts. A cycle's state and what it owes are
 * one transaction, as in SQLite; while a replica leads, those writes are also
 * fenced by its lease, so a leader that lost the lease (paused, cut off) cannot
 * write over its successor's state.
 */
export class PostgresStore implements StateStore {
  readonly channels: PostgresChannelHealth;
  readonly lease: Lease;
  /** The lease holder whose writes these are, once this replica has led. */
  private fencedBy: string | undefined;

  private constructor(private readonly db: PostgresPool) {
    this.channels = new PostgresChannelHealth(db);
    this.lease = {
      shared: true,
      acquire: (holder, durationMs) => this.acquireLease(holder, durationMs),
      release: (holder) => this.releaseLease(holder),
      holder: () => this.leaseHolder(),
    };
  }

  get location(): string {
    return this.db.location;
  }

  /** Connects and migrates (or, read-only, checks there is a schema); any problem is a StoreError without the password. */
  static async open(url: string, options: { readonly?: boolean } = {}): Promise<PostgresStore> {
    const db = new PostgresPool(url, redactUrl(url));
    try {
      const store = new PostgresStore(db);
      if (options.readonly) await store.checkVersion();
      else await store.migrate();
      return store;
    } catch (error) {
      await db.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError(describePostgresError(db.location, error));
    }
  }

  onConnectivity(listener: (event: ConnectivityEvent) => void): void {
    this.db.onConnectivity(listener);
  }

  /** Replicas starting together migrate once: the advisory lock makes the second wait, then find nothing to do. */
  private async migrate(): Promise<void> {
    await this.db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER NOT NULL)`);
      const found = await query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`);
      const version = found.rows[0]?.version ?? 0;
      if (found.rows.length === 0) await query(`INSERT INTO ${VERSION_TABLE} (version) VALUES (0)`);
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new StoreError(`state store ${this.location} was written by a newer balance-watch (schema ${version}); upgrade balance-watch or point state: at another database`);
      }
      for (let next = version; next < POSTGRES_MIGRATIONS.length; next += 1) await query(POSTGRES_MIGRATIONS[next]!);
      await query(`UPDATE ${VERSION_TABLE} SET version = $1`, [POSTGRES_MIGRATIONS.length]);
    });
  }

  private async checkVersion(): Promise<void> {
    const exists = await this.db.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [VERSION_TABLE]);
    const version = exists.rows[0]?.found ? ((await this.db.query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`)).rows[0]?.version ?? 0) : 0;
    if (version === 0) throw new StoreError(`state store ${this.location} is empty: the daemon has not run with it yet`);
  }


  /** Runs `work` in one transaction: what `migrate-state` copies with, all or nothing. */
  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  private async acquireLease(holder: string, durationMs: number): Promise<boolean> {
    const result = await this.db.query<{ holder: string }>(
      `INSERT INTO leader_lease (name, holder, acquired_at, expires_at)
       VALUES ($1, $2, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         acquired_at = CASE WHEN leader_lease.holder = excluded.holder THEN leader_lease.acquired_at ELSE excluded.acquired_at END,
         expires_at = excluded.expires_at
       WHERE leader_lease.holder = excluded.holder OR leader_lease.expires_at < clock_timestamp()
       RETURNING holder`,
      [LEASE_NAME, holder, durationMs],
    );
    const held = result.rows.length > 0;
    if (held) this.fencedBy = holder;
    return held;
  }

  private async releaseLease(holder: string): Promise<void> {
    await this.db.query('DELETE FROM leader_lease WHERE name = $1 AND holder = $2', [LEASE_NAME, holder]);
  }

  private async leaseHolder(): Promise<string | undefined> {
    const result = await this.db.query<{ holder: string }>('SELECT holder FROM leader_lease WHERE name = $1 AND expires_at >= clock_timestamp()', [LEASE_NAME]);
    return result.rows[0]?.holder;
  }

  /**
   * Inside a writing transaction: refuses unless this replica's lease still runs.
   * The share lock makes a takeover wait for this transaction, so a write is
   * either the old leader's, committed while it led, or not written at all.
   */
  private async fence(query: Query): Promise<void> {
    if (this.fencedBy === undefined) return;
    const held = await query('SELECT 1 FROM leader_lease WHERE name = $1 AND holder = $2 AND expires_at > clock_timestamp() FOR SHARE', [LEASE_NAME, this.fencedBy]);
    if (held.rows.length === 0) throw new StoreError('this replica no longer holds the leader lease: its write was refused (another replica leads now)');
  }

  async loadStates(source?: string): Promise<Map<string, AlertState>> {
    const result =
      source === undefined
        ? await this.db.query<Pick<AlertRow, 'rule' | 'account' | 'state'>>('SELECT rule, account, state FROM alerts')
        : await this.db.query<Pick<AlertRow, 'rule' | 'account' | 'state'>>('SELECT rule, account, state FROM alerts WHERE source = $1', [source]);
    return new Map(result.rows.map((r) => [alertKey(r.rule, r.account), decodeState(r.state)]));
  }

  async alerts(): Promise<StoredAlert[]> {
    return (await this.db.query<AlertRow>('SELECT rule, account, source, state, updated_at FROM alerts ORDER BY rule COLLATE "C", account COLLATE "C"')).rows.map(toStoredAlert);
  }

  /** One statement per table, whatever the number of balances: arrays unnested server-side. */
  async commitCycle(write: CycleWrite): Promise<void> {
    const { source, now } = write;
    await this.db.transaction(async (query) => {
      await this.fence(query);
      if (write.alerts.length > 0) {
        await query(
          `INSERT INTO alerts (rule, account, source, state, updated_at)
           SELECT r, a, $1, s, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS t(r, a, s)
           ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, state = excluded.state, updated_at = excluded.updated_at`,
          [source, now, write.alerts.map((a) => a.rule), write.alerts.map((a) => a.account), write.alerts.map((a) => encodeState(a.state))],
        );
      }
      if (write.observations.length > 0) {
        const o = write.observations;
        await query(
          `INSERT INTO observations (source, account, at, units, scale, currency)
           SELECT $1, a, $2, u, s, c FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) AS t(a, u, s, c)`,
          [source, now, o.map((x) => x.account), o.map((x) => x.value.amount.units.toString()), o.map((x) => x.value.amount.scale), o.map((x) => x.value.currency)],
        );
      }
      await insertOwed(query, source, write.outbox, now, now);
      const events = write.events ?? [];
      if (events.length > 0) {
        await query(
          `INSERT INTO events (source, rule, account, kind, level, at, units, scale, currency)
           SELECT $1, r, a, k, l, $2, u, s, c FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[]) AS t(r, a, k, l, u, s, c)`,
          [
            source,
            now,
            events.map((e) => e.rule),
            events.map((e) => e.account),
            events.map((e) => e.kind),
            events.map((e) => e.level),
            events.map((e) => e.value?.amount.units.toString() ?? null),
            events.map((e) => e.value?.amount.scale ?? null),
            events.map((e) => e.value?.currency ?? null),
          ],
        );
      }
      const ended = write.endedSilences ?? [];
      if (ended.length > 0) await query('UPDATE silences SET ended_at = $1, end_reason = $2 WHERE id = ANY($3::bigint[]) AND ended_at IS NULL', [now, 'the alert resolved', ended]);
    });
  }

  async removeAlertsExcept(rules: readonly string[]): Promise<number> {
    const result = await this.db.query<{ rule: string }>(
      'WITH gone AS (DELETE FROM alerts WHERE NOT (rule = ANY($1::text[])) RETURNING rule) SELECT DISTINCT rule FROM gone',
      [rules],
    );
    return result.rows.length;
  }

  async dueMessages(now: number, limit = 100): Promise<OutboxMessage[]> {
    return (await this.db.query<OutboxRow>(`SELECT * FROM outbox WHERE ${OWED} AND next_attempt_at <= $1 ORDER BY id LIMIT $2`, [now, limit])).rows.map(toOutbox);
  }

  async nextDueAt(): Promise<number | undefined> {
    const due = (await this.db.query<{ due: string | null }>(`SELECT MIN(next_attempt_at) AS due FROM outbox WHERE ${OWED}`)).rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  async pendingCount(): Promise<number> {
    return Number((await this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM outbox WHERE ${OWED}`)).rows[0]?.n ?? 0);
  }

  async pendingMessages(): Promise<OutboxMessage[]> {
    return (await this.db.query<OutboxRow>(`SELECT * FROM outbox WHERE ${OWED} ORDER BY id`)).rows.map(toOutbox);
  }

  async failedMessages(limit = 20): Promise<OutboxMessage[]> {
    return (await this.db.query<OutboxRow>('SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT $1', [limit])).rows.map(toOutbox);
  }

  async markSent(id: number, now: number): Promise<void> {
    await this.db.query('UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2', [now, id]);
  }

  async markRetry(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void> {
    await this.db.query('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, last_reason = $3 WHERE id = $4', [nextAttemptAt, error, reason, id]);
  }

  async postpone(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void> {
    await this.db.query('UPDATE outbox SET next_attempt_at = $1, last_error = $2, last_reason = $3 WHERE id = $4', [nextAttemptAt, error, reason, id]);
  }

  async markFailed(id: number, now: number, error: string, reason: string): Promise<void> {
    await this.db.query('UPDATE outbox SET attempts = attempts + 1, failed_at = $1, last_error = $2, last_reason = $3 WHERE id = $4', [now, error, reason, id]);
  }

  async enqueue(source: string, items: readonly OwedMessage[], now: number): Promise<void> {
    await this.db.transaction(async (query) => {
      await this.fence(query);
      await insertOwed(query, source, items, now, now);
    });
  }

  async takeNewlyOverdue(now: number, ageMs: number): Promise<OutboxMessage[]> {
    const result = await this.db.query<OutboxRow>(
      `UPDATE outbox SET overdue_logged = true WHERE ${OWED} AND NOT overdue_logged AND created_at <= $1 RETURNING *`,
      [now - ageMs],
    );
    return result.rows.map(toOutbox).sort((a, b) => a.id - b.id);
  }

  async prune(before: number, now: number): Promise<{ observations: number; messages: number }> {
    return this.db.transaction(async (query) => {
      const observations = (await query('DELETE FROM observations WHERE at < $1', [before])).rowCount ?? 0;
      await query('DELETE FROM events WHERE at < $1', [before]);
      // Ended silences are listed for a while, then forgotten.
      await query('DELETE FROM silences WHERE COALESCE(ended_at, until) < $1', [now - SILENCE_MEMORY_MS]);
      const messages = (await query('DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < $1', [before])).rowCount ?? 0;
      return { observations, messages };
    });
  }

  async recent(source: string, account: string, count: number): Promise<Observed[]> {
    const result = await this.db.query<ObservationRow>('SELECT at, units, scale, currency FROM observations WHERE source = $1 AND account = $2 ORDER BY at DESC LIMIT $3', [source, account, count]);
    return result.rows.reverse().map(toObserved);
  }

  async history(source: string, account: string, since: number): Promise<Observed[]> {
    const result = await this.db.query<ObservationRow>('SELECT at, units, scale, currency FROM observations WHERE source = $1 AND account = $2 AND at >= $3 ORDER BY at', [source, account, since]);
    return result.rows.map(toObserved);
  }

  async histories(source: string, accounts: readonly string[], since: number): Promise<Map<string, Observed[]>> {
    if (accounts.length === 0) return new Map();
    const result = await this.db.query<ObservationRow & { account: string }>(
      'SELECT account, at, units, scale, currency FROM observations WHERE source = $1 AND account = ANY($2::text[]) AND at >= $3 ORDER BY account, at',
      [source, accounts, since],
    );
    return byAccount(result.rows);
  }

  async observationsAfter(after: number, everyMs?: number): Promise<SourcedObservation[]> {
    const result =
      everyMs === undefined
        ? await this.db.query<ObservationRow & { source: string; account: string }>('SELECT source, account, at, units, scale, currency FROM observations WHERE at > $1 ORDER BY at', [after])
        : await this.db.query<ObservationRow & { source: string; account: string }>(
            `SELECT * FROM (
               SELECT DISTINCT ON (source, account, at / $2::bigint) source, account, at, units, scale, currency
               FROM observations WHERE at > $1 ORDER BY source, account, at / $2::bigint, at DESC
             ) last_of_slice ORDER BY at`,
            [after, Math.max(1, Math.floor(everyMs))],
          );
    return result.rows.map((r) => ({ source: r.source, account: r.account, ...toObserved(r) }));
  }

  async addSilence(silence: Omit<Silence, 'id' | 'endedAt' | 'endReason'>): Promise<number> {
    const result = await this.db.query<{ id: string }>(
      'INSERT INTO silences (rule, account, level, reason, created_at, until) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [silence.rule, silence.account, silence.level, silence.reason, silence.createdAt, silence.until],
    );
    return Number(result.rows[0]!.id);
  }

  async silences(now: number, endedSince = now): Promise<Silence[]> {
    const result = await this.db.query<SilenceRow>('SELECT * FROM silences WHERE (ended_at IS NULL AND until > $1) OR COALESCE(ended_at, until) >= $2 ORDER BY id', [now, endedSince]);
    return result.rows.map(toSilence);
  }

  async endSilence(id: number, now: number, reason: string): Promise<boolean> {
    const result = await this.db.query('UPDATE silences SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL AND until > $1', [now, reason, id]);
    return (result.rowCount ?? 0) > 0;
  }

  async eventsBetween(since: number, until: number): Promise<LoggedEvent[]> {
    return (await this.db.query<EventRow>('SELECT * FROM events WHERE at >= $1 AND at < $2 ORDER BY at', [since, until])).rows.map(toLoggedEvent);
  }

  async valueAt(source: string, account: string, at: number): Promise<Money | undefined> {
    const result = await this.db.query<ObservationRow>(
      'SELECT at, units, scale, currency FROM observations WHERE source = $1 AND account = $2 AND at <= $3 ORDER BY at DESC LIMIT 1',
      [source, account, at],
    );
    const row = result.rows[0];
    return row ? toMoney(row) : undefined;
  }

  async summarySchedule(channel: string): Promise<{ lastSentAt: number | null; nextDueAt: number } | undefined> {
    const row = (await this.db.query<{ last_sent_at: string | null; next_due_at: string }>('SELECT last_sent_at, next_due_at FROM summaries WHERE channel = $1', [channel])).rows[0];
    return row ? { lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at), nextDueAt: Number(row.next_due_at) } : undefined;
  }

  async recordSummary(channel: string, message: Message | undefined, sentAt: number | null, nextDueAt: number): Promise<void> {
    await this.db.transaction(async (query) => {
      await this.fence(query);
      if (message) await insertOwed(query, 'summary', [{ channel, message }], sentAt ?? nextDueAt, sentAt ?? nextDueAt);
      await query(
        `INSERT INTO summaries (channel, last_sent_at, next_due_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel) DO UPDATE SET last_sent_at = COALESCE(excluded.last_sent_at, summaries.last_sent_at), next_due_at = excluded.next_due_at`,
        [channel, sentAt, nextDueAt],
      );
    });
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}

async function insertOwed(query: Query, source: string, items: readonly OwedMessage[], createdAt: number, dueAt: number): Promise<void> {
  if (items.length === 0) return;
  await query(
    `INSERT INTO outbox (channel, source, message, created_at, next_attempt_at)
     SELECT c, $1, m, $2, $3 FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS t(c, m, n) ORDER BY n`,
    [source, createdAt, dueAt, items.map((i) => i.channel), items.map((i) => encodeJson(i.message))],
  );
}
