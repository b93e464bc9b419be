import { errorMessage } from '../error-message.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Money } from '../money/money.js';
import type { Message } from '../notify/message.js';
import type { AlertState } from '../rules/alert.js';
import type { Silence } from '../rules/silence.js';
import { alertKey } from '../rules/alert-key.js';
import { encodeJson } from './codec.js';
import { SOLE_LEASE } from './lease.js';
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
import { SqliteChannelHealth } from './sqlite-channel-health.js';
import { MIGRATIONS } from './sqlite-migrations.js';
import { type CycleWrite, type LoggedEvent, type Observed, type OutboxMessage, type OwedMessage, SILENCE_MEMORY_MS, type SourcedObservation, type StateStore, StoreError, type StoredAlert } from './store.js';

/**
 * The embedded store: one SQLite file, for one process. A cycle's state and the
 * messages it owes are written in one transaction before anything is sent, so a
 * crash can neither lose a resolve nor repeat a firing. better-sqlite3 is
 * synchronous; the methods are async only to share the interface with PostgreSQL.
 */
export class SqliteStore implements StateStore {
  readonly lease = SOLE_LEASE;
  private prepared: ReturnType<SqliteStore['prepare']> | undefined;
  private health: SqliteChannelHealth | undefined;

  private constructor(
    readonly location: string,
    private readonly db: Database.Database,
  ) {}

  /** The statements every cycle runs, prepared once (after migrations, so the tables exist). */
  private get sql() {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  get channels(): SqliteChannelHealth {
    this.health ??= new SqliteChannelHealth(this.db);
    return this.health;
  }

  private prepare() {
    return {
      upsertAlert: this.db.prepare(
        `INSERT INTO alerts (rule, account, source, state, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, state = excluded.state, updated_at = excluded.updated_at`,
      ),
      insertObservation: this.db.prepare('INSERT INTO observations (source, account, at, units, scale, currency) VALUES (?, ?, ?, ?, ?, ?)'),
      enqueue: this.db.prepare('INSERT INTO outbox (channel, source, message, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)'),
      statesOfSource: this.db.prepare('SELECT rule, account, state FROM alerts WHERE source = ?'),
      nextDue: this.db.prepare('SELECT MIN(next_attempt_at) AS due FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL'),
      pendingCount: this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL'),
      history: this.db.prepare('SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? AND at >= ? ORDER BY at'),
      recent: this.db.prepare('SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? ORDER BY at DESC LIMIT ?'),
      valueAt: this.db.prepare('SELECT at, units, scale, currency FROM observations WHERE source = ? AND account = ? AND at <= ? ORDER BY at DESC LIMIT 1'),
      // Read by every source cycle.
      silences: this.db.prepare('SELECT * FROM silences WHERE (ended_at IS NULL AND until > ?) OR COALESCE(ended_at, until) >= ? ORDER BY id'),
      logEvent: this.db.prepare('INSERT INTO events (source, rule, account, kind, level, at, units, scale, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      endSilence: this.db.prepare('UPDATE silences SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL'),
    };
  }

  /** Opens (creating if needed) and migrates the store; any problem is a StoreError naming the file. */
  static open(file: string, options: { readonly?: boolean } = {}): SqliteStore {
    let db: Database.Database | undefined;
    try {
      if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
      db.pragma('busy_timeout = 5000');
      const store = new SqliteStore(file, db);
      if (!options.readonly) store.migrate();
      else store.checkVersion();
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(describeOpenError(file, error));
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new StoreError(`state store ${this.location} was written by a newer balance-watch (schema ${version}); upgrade balance-watch or point state: at another file`);
    }
    const apply = this.db.transaction(() => {
      for (let next = version; next < MIGRATIONS.length; next += 1) {
        this.db.exec(MIGRATIONS[next]!);
        this.db.pragma(`user_version = ${next + 1}`);
      }
    });
    apply.immediate();
  }

  private checkVersion(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === 0) throw new StoreError(`state store ${this.location} is empty: the daemon has not run with it yet`);
  }

  /** Every row of a table, a page at a time, in its natural order: what `migrate-state` copies. */
  *rowsOf(table: string, pageSize = 5_000): Generator<Record<string, unknown>[]> {
    const page = this.db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    let after = 0;
    for (;;) {
      const rows = page.all(after, pageSize) as (Record<string, unknown> & { _rowid: number })[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!._rowid;
      yield rows.map(({ _rowid, ...row }) => row);
    }
  }

  countOf(table: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  async loadStates(source?: string): Promise<Map<string, AlertState>> {
    const rows = (source === undefined ? this.db.prepare('SELECT rule, account, state FROM alerts').all() : this.sql.statesOfSource.all(source)) as Pick<AlertRow, 'rule' | 'account' | 'state'>[];
    return new Map(rows.map((r) => [alertKey(r.rule, r.account), decodeState(r.state)]));
  }

  async alerts(): Promise<StoredAlert[]> {
    return (this.db.prepare('SELECT rule, account, source, state, updated_at FROM alerts ORDER BY rule, account').all() as AlertRow[]).map(toStoredAlert);
  }

  async commitCycle(write: CycleWrite): Promise<void> {
    const { upsertAlert: upsert, insertObservation: observe, enqueue, logEvent, endSilence } = this.sql;
    this.db.transaction(() => {
      for (const alert of write.alerts) upsert.run(alert.rule, alert.account, write.source, encodeState(alert.state), write.now);
      for (const o of write.observations) {
        observe.run(write.source, o.account, write.now, o.value.amount.units.toString(), o.value.amount.scale, o.value.currency);
      }
      for (const item of write.outbox) enqueue.run(item.channel, write.source, encodeJson(item.message), write.now, write.now);
      for (const e of write.events ?? []) {
        logEvent.run(write.source, e.rule, e.account, e.kind, e.level, write.now, e.value?.amount.units.toString() ?? null, e.value?.amount.scale ?? null, e.value?.currency ?? null);
      }
      for (const id of write.endedSilences ?? []) endSilence.run(write.now, 'the alert resolved', id);
    })();
  }

  async removeAlertsExcept(rules: readonly string[]): Promise<number> {
    const keep = new Set(rules);
    const gone = (this.db.prepare('SELECT DISTINCT rule FROM alerts').all() as { rule: string }[]).filter((r) => !keep.has(r.rule));
    const remove = this.db.prepare('DELETE FROM alerts WHERE rule = ?');
    this.db.transaction(() => gone.forEach((r) => remove.run(r.rule)))();
    return gone.length;
  }

  async dueMessages(now: number, limit = 100): Promise<OutboxMessage[]> {
    const rows = this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?').all(now, limit) as OutboxRow[];
    return rows.map(toOutbox);
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = this.sql.nextDue.get() as { due: number | null };
    return row.due ?? undefined;
  }

  async pendingCount(): Promise<number> {
    return (this.sql.pendingCount.get() as { n: number }).n;
  }

  async pendingMessages(): Promise<OutboxMessage[]> {
    return (this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id').all() as OutboxRow[]).map(toOutbox);
  }

  async failedMessages(limit = 20): Promise<OutboxMessage[]> {
    return (this.db.prepare('SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?').all(limit) as OutboxRow[]).map(toOutbox);
  }

  async markSent(id: number, now: number): Promise<void> {
    this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, id);
  }

  async markRetry(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void> {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(nextAttemptAt, error, reason, id);
  }

  async postpone(id: number, nextAttemptAt: number, error: string, reason: string): Promise<void> {
    this.db.prepare('UPDATE outbox SET next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(nextAttemptAt, error, reason, id);
  }

  async enqueue(source: string, items: readonly OwedMessage[], now: number): Promise<void> {
    const { enqueue } = this.sql;
    this.db.transaction(() => items.forEach((item) => enqueue.run(item.channel, source, encodeJson(item.message), now, now)))();
  }

  async markFailed(id: number, now: number, error: string, reason: string): Promise<void> {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(now, error, reason, id);
  }

  async takeNewlyOverdue(now: number, ageMs: number): Promise<OutboxMessage[]> {
    const rows = this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND overdue_logged = 0 AND created_at <= ?').all(now - ageMs) as OutboxRow[];
    const mark = this.db.prepare('UPDATE outbox SET overdue_logged = 1 WHERE id = ?');
    this.db.transaction(() => rows.forEach((r) => mark.run(r.id)))();
    return rows.map(toOutbox);
  }

  async prune(before: number, now: number): Promise<{ observations: number; messages: number }> {
    const observations = this.db.prepare('DELETE FROM observations WHERE at < ?').run(before).changes;
    this.db.prepare('DELETE FROM events WHERE at < ?').run(before);
    // Ended silences are listed for a while, then forgotten.
    this.db.prepare('DELETE FROM silences WHERE COALESCE(ended_at, until) < ?').run(now - SILENCE_MEMORY_MS);
    const messages = this.db.prepare('DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?').run(before).changes;
    return { observations, messages };
  }

  async recent(source: string, account: string, count: number): Promise<Observed[]> {
    return (this.sql.recent.all(source, account, count) as ObservationRow[]).reverse().map(toObserved);
  }

  async history(source: string, account: string, since: number): Promise<Observed[]> {
    return (this.sql.history.all(source, account, since) as ObservationRow[]).map(toObserved);
  }

  async histories(source: string, accounts: readonly string[], since: number): Promise<Map<string, Observed[]>> {
    const rows: (ObservationRow & { account: string })[] = [];
    for (const account of accounts) for (const row of this.sql.history.all(source, account, since) as ObservationRow[]) rows.push({ ...row, account });
    return byAccount(rows);
  }

  async observationsAfter(after: number, everyMs?: number): Promise<SourcedObservation[]> {
    // SQLite returns the other columns of the row that holds MAX(at): the slice's last observation.
    const rows = (
      everyMs === undefined
        ? this.db.prepare('SELECT source, account, at, units, scale, currency FROM observations WHERE at > ? ORDER BY at').all(after)
        : this.db
            .prepare('SELECT source, account, MAX(at) AS at, units, scale, currency FROM observations WHERE at > ? GROUP BY source, account, at / CAST(? AS INTEGER) ORDER BY at')
            .all(after, Math.max(1, Math.floor(everyMs)))
    ) as (ObservationRow & { source: string; account: string })[];
    return rows.map((r) => ({ source: r.source, account: r.account, ...toObserved(r) }));
  }

  async addSilence(silence: Omit<Silence, 'id' | 'endedAt' | 'endReason'>): Promise<number> {
    const result = this.db
      .prepare('INSERT INTO silences (rule, account, level, reason, created_at, until) VALUES (?, ?, ?, ?, ?, ?)')
      .run(silence.rule, silence.account, silence.level, silence.reason, silence.createdAt, silence.until);
    return Number(result.lastInsertRowid);
  }

  async silences(now: number, endedSince = now): Promise<Silence[]> {
    return (this.sql.silences.all(now, endedSince) as SilenceRow[]).map(toSilence);
  }

  async endSilence(id: number, now: number, reason: string): Promise<boolean> {
    return this.db.prepare('UPDATE silences SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL AND until > ?').run(now, reason, id, now).changes > 0;
  }

  async eventsBetween(since: number, until: number): Promise<LoggedEvent[]> {
    return (this.db.prepare('SELECT * FROM events WHERE at >= ? AND at < ? ORDER BY at').all(since, until) as EventRow[]).map(toLoggedEvent);
  }

  async valueAt(source: string, account: string, at: number): Promise<Money | undefined> {
    const row = this.sql.valueAt.get(source, account, at) as ObservationRow | undefined;
    return row ? toMoney(row) : undefined;
  }

  async summarySchedule(channel: string): Promise<{ lastSentAt: number | null; nextDueAt: number } | undefined> {
    const row = this.db.prepare('SELECT last_sent_at, next_due_at FROM summaries WHERE channel = ?').get(channel) as { last_sent_at: number | null; next_due_at: number } | undefined;
    return row ? { lastSentAt: row.last_sent_at, nextDueAt: row.next_due_at } : undefined;
  }

  async recordSummary(channel: string, message: Message | undefined, sentAt: number | null, nextDueAt: number): Promise<void> {
    this.db.transaction(() => {
      if (message) this.sql.enqueue.run(channel, 'summary', encodeJson(message), sentAt ?? nextDueAt, sentAt ?? nextDueAt);
      this.db
        .prepare('INSERT INTO summaries (channel, last_sent_at, next_due_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET last_sent_at = COALESCE(excluded.last_sent_at, last_sent_at), next_due_at = excluded.next_due_at')
        .run(channel, sentAt, nextDueAt);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function describeOpenError(file: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return `state store ${file} is not a valid balance-watch database (corrupt, or another kind of file); move it aside and start again, or point state: at another file`;
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'SQLITE_READONLY') {
    return `state store ${file} cannot be opened for writing (${code}); check that the folder exists and this user may write to it`;
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') return `state store ${file}: a part of the path is not a folder`;
  return `state store ${file} cannot be opened: ${errorMessage(error)}`;
}
