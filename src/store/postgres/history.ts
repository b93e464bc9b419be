import { byAccount, type EventRow, type ObservationRow, toLoggedEvent, toMoney, toObserved } from '../rows.js';
import { numbered, SQL } from '../sql.js';
import { type HistoryStore, SILENCE_MEMORY_MS } from '../store.js';
import type { PostgresPool } from './pool.js';

type SourcedRow = ObservationRow & { source: string; account: string };

/** Balance history and the event log. */
export function postgresHistory(db: PostgresPool): HistoryStore {
  return {
    async recent(source, account, count) {
      return (await db.query<ObservationRow>(numbered(SQL.recent), [source, account, count])).rows.reverse().map(toObserved);
    },

    async history(source, account, since) {
      return (await db.query<ObservationRow>(numbered(SQL.history), [source, account, since])).rows.map(toObserved);
    },

    async histories(source, accounts, since) {
      if (accounts.length === 0) return new Map();
      const result = await db.query<ObservationRow & { account: string }>(
        'SELECT account, at, units, scale, currency FROM observations WHERE source = $1 AND account = ANY($2::text[]) AND at >= $3 ORDER BY account, at',
        [source, accounts, since],
      );
      return byAccount(result.rows);
    },

    async observationsAfter(after, everyMs) {
      const result =
        everyMs === undefined
          ? await db.query<SourcedRow>(numbered(SQL.observationsAfter), [after])
          : await db.query<SourcedRow>(
              `SELECT * FROM (
                 SELECT DISTINCT ON (source, account, at / $2::bigint) source, account, at, units, scale, currency
                 FROM observations WHERE at > $1 ORDER BY source, account, at / $2::bigint, at DESC
               ) last_of_slice ORDER BY at`,
              [after, Math.max(1, Math.floor(everyMs))],
            );
      return result.rows.map((r) => ({ source: r.source, account: r.account, ...toObserved(r) }));
    },

    async *streamObservations(since, until) {
      for await (const rows of db.stream<SourcedRow>(numbered(SQL.observationsBetween), [since, until])) yield rows.map((r) => ({ source: r.source, account: r.account, ...toObserved(r) }));
    },

    async valueAt(source, account, at) {
      const row = (await db.query<ObservationRow>(numbered(SQL.valueAt), [source, account, at])).rows[0];
      return row ? toMoney(row) : undefined;
    },

    async eventsBetween(since, until) {
      return (await db.query<EventRow>(numbered(SQL.eventsBetween), [since, until])).rows.map(toLoggedEvent);
    },

    async prune(before, now) {
      return db.transaction(async (query) => {
        const observations = (await query(numbered(SQL.pruneObservations), [before])).rowCount ?? 0;
        await query(numbered(SQL.pruneEvents), [before]);
        await query(numbered(SQL.pruneSilences), [now - SILENCE_MEMORY_MS]);
        const messages = (await query(numbered(SQL.pruneMessages), [before])).rowCount ?? 0;
        return { observations, messages };
      });
    },
  };
}
