import type Database from 'better-sqlite3';
import type { Money } from '../../money/money.js';
import { byAccount, type EventRow, type ObservationRow, toLoggedEvent, toMoney, toObserved } from '../rows.js';
import { SQL } from '../sql.js';
import { type HistoryStore, type Observed, SILENCE_MEMORY_MS, type SourcedObservation } from '../store.js';
import type { ObservationTuple } from './observation-batch.js';
import { lazy } from './shared.js';
import { canStreamOnWorker, STREAM_BATCH_ROWS, streamFromFile } from './stream.js';

/** Balance history and the event log. */
export function sqliteHistory(db: Database.Database): HistoryStore {
  const sql = lazy(() => ({
    history: db.prepare(SQL.history),
    recent: db.prepare(SQL.recent),
    valueAt: db.prepare(SQL.valueAt),
  }));
  return {
    async recent(source, account, count): Promise<Observed[]> {
      return (sql().recent.all(source, account, count) as ObservationRow[]).reverse().map(toObserved);
    },

    async history(source, account, since): Promise<Observed[]> {
      return (sql().history.all(source, account, since) as ObservationRow[]).map(toObserved);
    },

    async histories(source, accounts, since): Promise<Map<string, Observed[]>> {
      const rows: (ObservationRow & { account: string })[] = [];
      for (const account of accounts) for (const row of sql().history.all(source, account, since) as ObservationRow[]) rows.push({ ...row, account });
      return byAccount(rows);
    },

    async observationsAfter(after, everyMs): Promise<SourcedObservation[]> {
      // SQLite returns the other columns of the row that holds MAX(at): the slice's last observation.
      const rows = (
        everyMs === undefined
          ? db.prepare(SQL.observationsAfter).all(after)
          : db
              .prepare('SELECT source, account, MAX(at) AS at, units, scale, currency FROM observations WHERE at > ? GROUP BY source, account, at / CAST(? AS INTEGER) ORDER BY at')
              .all(after, Math.max(1, Math.floor(everyMs)))
      ) as (ObservationRow & { source: string; account: string })[];
      return rows.map((r) => ({ source: r.source, account: r.account, ...toObserved(r) }));
    },

    async *streamObservations(since, until): AsyncIterable<readonly SourcedObservation[]> {
      // A file is read on a thread of its own (see stream.ts); an in-memory database has only this connection.
      if (!db.memory && canStreamOnWorker()) {
        yield* streamFromFile(db.name, since, until);
        return;
      }
      const rows = db.prepare(SQL.observationsBetween).raw(true).iterate(since, until) as IterableIterator<ObservationTuple>;
      let batch: SourcedObservation[] = [];
      for (const [source, account, at, units, scale, currency] of rows) {
        batch.push({ source, account, at, value: { amount: { units: BigInt(units), scale }, currency } });
        if (batch.length === STREAM_BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },

    async valueAt(source, account, at): Promise<Money | undefined> {
      const row = sql().valueAt.get(source, account, at) as ObservationRow | undefined;
      return row ? toMoney(row) : undefined;
    },

    async eventsBetween(since, until) {
      return (db.prepare(SQL.eventsBetween).all(since, until) as EventRow[]).map(toLoggedEvent);
    },

    async prune(before, now) {
      const observations = db.prepare(SQL.pruneObservations).run(before).changes;
      db.prepare(SQL.pruneEvents).run(before);
      db.prepare(SQL.pruneSilences).run(now - SILENCE_MEMORY_MS);
      const messages = db.prepare(SQL.pruneMessages).run(before).changes;
      return { observations, messages };
    },
  };
}
