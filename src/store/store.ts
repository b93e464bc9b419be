import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Money } from '../money/money.js';
import type { Message } from '../notify/message.js';
import type { AlertEvent, AlertState, EventKind, Level } from '../rules/alert.js';
import type { Silence } from '../rules/silence.js';
import { alertKey } from '../rules/alert-key.js';
import { decodeJson, encodeJson } from './codec.js';
import { decodeState, encodeState } from './state-codec.js';
import { ChannelHealthLog } from './channel-health.js';
import { MIGRATIONS } from './migrations.js';

/** An observation row: units as text (a bigint), as written by commitCycle. */
interface ObservationRecord {
  readonly at: number;
  readonly units: string;
  readonly scale: number;
  readonly currency: string | null;
}

const toMoney = (r: Pick<ObservationRecord, 'units' | 'scale' | 'currency'>): Money => ({ amount: { units: BigInt(r.units), scale: r.scale }, currency: r.currency });

/** How long ended or expired silences stay listed. */
const SILENCE_MEMORY_MS = 7 * 86_400_000;

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export interface StoredAlert {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  readonly state: AlertState;
  readonly updatedAt: number;
}

export interface OutboxMessage {
  readonly id: number;
  readonly channel: string;
  readonly source: string;
  readonly message: Message;
  readonly createdAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly lastReason: string | null;
  readonly sentAt: number | null;
  readonly failedAt: number | null;
}

/** What one source's cycle writes, all or nothing. */
export interface CycleWrite {
  readonly source: string;
  readonly now: number;
  readonly alerts: readonly { readonly rule: string; readonly account: string; readonly state: AlertState }[];
  readonly observations: readonly { readonly account: string; readonly value: Money }[];
  readonly outbox: readonly { readonly channel: string; readonly message: Message }[];
  /** Every event of the cycle, notified or silenced, for summaries. */
  readonly events?: readonly AlertEvent[];
  /** Silences that ended because their alert resolved. */
  readonly endedSilences?: readonly number[];
}

/** An event as the log keeps it. */
export interface LoggedEvent {
  readonly source: string;
  readonly rule: string;
  readonly account: string;
  readonly kind: EventKind;
  readonly level: Level;
  readonly at: number;
  readonly value: Money | null;
}

interface SilenceRecord {
  id: number;
  rule: string;
  account: string | null;
  level: 'warning' | 'critical';
  reason: string;
  created_at: number;
  until: number;
  ended_at: number | null;
  end_reason: string | null;
}

const toSilence = (r: SilenceRecord): Silence => ({
  id: r.id,
  rule: r.rule,
  account: r.account,
  level: r.level,
  reason: r.reason,
  createdAt: r.created_at,
  until: r.until,
  endedAt: r.ended_at,
  endReason: r.end_reason,
});

interface OutboxRecord {
  id: number;
  channel: string;
  source: string;
  message: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_reason: string | null;
  sent_at: number | null;
  failed_at: number | null;
}

const toOutbox = (r: OutboxRecord): OutboxMessage => ({
  id: r.id,
  channel: r.channel,
  source: r.source,
  message: decodeJson<Message>(r.message),
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  lastReason: r.last_reason,
  sentAt: r.sent_at,
  failedAt: r.failed_at,
});

/**
 * The state store: alert state, balance history and the notification outbox in
 * one SQLite file. A cycle's state and the messages it owes are written in one
 * transaction before anything is sent, so a crash can neither lose a resolve
 * nor repeat a firing.
 */
export class StateStore {
  private prepared: ReturnType<StateStore['prepare']> | undefined;
  private health: ChannelHealthLog | undefined;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** The statements every cycle runs, prepared once (after migrations, so the tables exist). */
  private get sql() {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  /** Each channel's last success and failure, and what it owes. */
  get channels(): ChannelHealthLog {
    this.health ??= new ChannelHealthLog(this.db);
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
  static open(file: string, options: { readonly?: boolean } = {}): StateStore {
    let db: Database.Database | undefined;
    try {
      if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
      db.pragma('busy_timeout = 5000');
      const store = new StateStore(file, db);
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
      throw new StoreError(`state store ${this.file} was written by a newer balance-watch (schema ${version}); upgrade balance-watch or point state: at another file`);
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
    if (version === 0) throw new StoreError(`state store ${this.file} is empty: the daemon has not run with it yet`);
  }

  /** Alert states by alertKey, for one source or all. */
  loadStates(source?: string): Map<string, AlertState> {
    const rows = (
      source === undefined
        ? this.db.prepare('SELECT rule, account, state FROM alerts').all()
        : this.sql.statesOfSource.all(source)
    ) as { rule: string; account: string; state: string }[];
    return new Map(rows.map((r) => [alertKey(r.rule, r.account), decodeState(r.state)]));
  }

  alerts(): StoredAlert[] {
    const rows = this.db.prepare('SELECT rule, account, source, state, updated_at FROM alerts ORDER BY rule, account').all() as {
      rule: string;
      account: string;
      source: string;
      state: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ rule: r.rule, account: r.account, source: r.source, state: decodeState(r.state), updatedAt: r.updated_at }));
  }

  /** Writes a cycle's alert states, observations and owed messages in one transaction. */
  commitCycle(write: CycleWrite): void {
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

  /** Drops alerts of rules that no longer exist (after a reload), quietly. */
  removeAlertsExcept(rules: readonly string[]): number {
    const keep = new Set(rules);
    const gone = (this.db.prepare('SELECT DISTINCT rule FROM alerts').all() as { rule: string }[]).filter((r) => !keep.has(r.rule));
    const remove = this.db.prepare('DELETE FROM alerts WHERE rule = ?');
    this.db.transaction(() => gone.forEach((r) => remove.run(r.rule)))();
    return gone.length;
  }

  dueMessages(now: number, limit = 100): OutboxMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?')
      .all(now, limit) as OutboxRecord[];
    return rows.map(toOutbox);
  }

  /** When the next undelivered message is due, if any: a cheap check before a drain. */
  nextDueAt(): number | undefined {
    const row = this.sql.nextDue.get() as { due: number | null };
    return row.due ?? undefined;
  }

  pendingCount(): number {
    return (this.sql.pendingCount.get() as { n: number }).n;
  }

  /** Messages not yet delivered (and not given up on), oldest first. */
  pendingMessages(): OutboxMessage[] {
    return (this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id').all() as OutboxRecord[]).map(toOutbox);
  }

  /** Messages given up on (a permanent error), newest first. */
  failedMessages(limit = 20): OutboxMessage[] {
    return (this.db.prepare('SELECT * FROM outbox WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?').all(limit) as OutboxRecord[]).map(toOutbox);
  }

  markSent(id: number, now: number): void {
    this.db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, id);
  }

  markRetry(id: number, nextAttemptAt: number, error: string, reason: string): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(nextAttemptAt, error, reason, id);
  }

  /** Leaves a message owed, untried, until `nextAttemptAt`: its channel is not in the config (renamed or removed). */
  postpone(id: number, nextAttemptAt: number, error: string, reason: string): void {
    this.db.prepare('UPDATE outbox SET next_attempt_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(nextAttemptAt, error, reason, id);
  }

  /** Writes messages owed outside a cycle (notices about a failing channel), due now. */
  enqueue(source: string, items: readonly { readonly channel: string; readonly message: Message }[], now: number): void {
    const { enqueue } = this.sql;
    this.db.transaction(() => items.forEach((item) => enqueue.run(item.channel, source, encodeJson(item.message), now, now)))();
  }

  markFailed(id: number, now: number, error: string, reason: string): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, last_reason = ? WHERE id = ?').run(now, error, reason, id);
  }

  /** Undelivered messages older than `ageMs` not yet reported as overdue; marks them reported. */
  takeNewlyOverdue(now: number, ageMs: number): OutboxMessage[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND overdue_logged = 0 AND created_at <= ?')
      .all(now - ageMs) as OutboxRecord[];
    const mark = this.db.prepare('UPDATE outbox SET overdue_logged = 1 WHERE id = ?');
    this.db.transaction(() => rows.forEach((r) => mark.run(r.id)))();
    return rows.map(toOutbox);
  }

  /** Deletes observations, events and delivered messages older than `before`, and silences that ended a week before `now`. */
  prune(before: number, now: number): { observations: number; messages: number } {
    const observations = this.db.prepare('DELETE FROM observations WHERE at < ?').run(before).changes;
    this.db.prepare('DELETE FROM events WHERE at < ?').run(before);
    // Ended silences are listed for a while, then forgotten.
    this.db.prepare('DELETE FROM silences WHERE COALESCE(ended_at, until) < ?').run(now - SILENCE_MEMORY_MS);
    const messages = this.db.prepare('DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?').run(before).changes;
    return { observations, messages };
  }

  /** The last `count` observations of one account, oldest first (once per alert in `status`). */
  recent(source: string, account: string, count: number): { at: number; value: Money }[] {
    const rows = this.sql.recent.all(source, account, count) as ObservationRecord[];
    return rows.reverse().map((r) => ({ at: r.at, value: toMoney(r) }));
  }

  /** The balance history of one account since `since`, oldest first. */
  history(source: string, account: string, since: number): { at: number; value: Money }[] {
    const rows = this.sql.history.all(source, account, since) as ObservationRecord[];
    return rows.map((r) => ({ at: r.at, value: toMoney(r) }));
  }

  addSilence(silence: Omit<Silence, 'id' | 'endedAt' | 'endReason'>): number {
    const result = this.db
      .prepare('INSERT INTO silences (rule, account, level, reason, created_at, until) VALUES (?, ?, ?, ?, ?, ?)')
      .run(silence.rule, silence.account, silence.level, silence.reason, silence.createdAt, silence.until);
    return Number(result.lastInsertRowid);
  }

  /** Silences still in force, and those that ended (or expired) after `endedSince`. */
  silences(now: number, endedSince = now): Silence[] {
    const rows = this.sql.silences.all(now, endedSince) as SilenceRecord[];
    return rows.map(toSilence);
  }

  /** Ends a silence now; false when there is no such silence in force. */
  endSilence(id: number, now: number, reason: string): boolean {
    return this.db.prepare('UPDATE silences SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL AND until > ?').run(now, reason, id, now).changes > 0;
  }

  /** Events logged within [since, until). */
  eventsBetween(since: number, until: number): LoggedEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE at >= ? AND at < ? ORDER BY at').all(since, until) as {
      source: string;
      rule: string;
      account: string;
      kind: EventKind;
      level: Level;
      at: number;
      units: string | null;
      scale: number | null;
      currency: string | null;
    }[];
    return rows.map((r) => ({
      source: r.source,
      rule: r.rule,
      account: r.account,
      kind: r.kind,
      level: r.level,
      at: r.at,
      value: r.units === null || r.scale === null ? null : toMoney({ units: r.units, scale: r.scale, currency: r.currency }),
    }));
  }

  /** The last balance observed at or before `at` (once per alert in a summary). */
  valueAt(source: string, account: string, at: number): Money | undefined {
    const row = this.sql.valueAt.get(source, account, at) as ObservationRecord | undefined;
    return row ? toMoney(row) : undefined;
  }

  summarySchedule(channel: string): { lastSentAt: number | null; nextDueAt: number } | undefined {
    const row = this.db.prepare('SELECT last_sent_at, next_due_at FROM summaries WHERE channel = ?').get(channel) as { last_sent_at: number | null; next_due_at: number } | undefined;
    return row ? { lastSentAt: row.last_sent_at, nextDueAt: row.next_due_at } : undefined;
  }

  /** Queues a summary and records when the next one is due, in one transaction. */
  recordSummary(channel: string, message: Message | undefined, sentAt: number | null, nextDueAt: number): void {
    this.db.transaction(() => {
      if (message) this.sql.enqueue.run(channel, 'summary', encodeJson(message), sentAt ?? nextDueAt, sentAt ?? nextDueAt);
      this.db
        .prepare('INSERT INTO summaries (channel, last_sent_at, next_due_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET last_sent_at = COALESCE(excluded.last_sent_at, last_sent_at), next_due_at = excluded.next_due_at')
        .run(channel, sentAt, nextDueAt);
    })();
  }

  close(): void {
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
  return `state store ${file} cannot be opened: ${error instanceof Error ? error.message : String(error)}`;
}

