import type { AlertState } from '../../rules/alert.js';
import { type AlertRow, statesByKey, toStoredAlerts } from '../rows.js';
import { numbered, SQL } from '../sql.js';
import { encodeState } from '../state-codec.js';
import type { AlertRequests, AlertStore, CycleWrite, StoredAlert } from '../store.js';
import type { PostgresLease } from './lease.js';
import { insertOwed } from './owed.js';
import type { PostgresPool } from './pool.js';

type StateRow = Pick<AlertRow, 'rule' | 'account' | 'state'>;

/** Alert state, and a cycle's writes: one transaction, one statement per table whatever the number of balances (arrays unnested server-side). */
export function postgresAlerts(db: PostgresPool, lease: PostgresLease): Omit<AlertStore, keyof AlertRequests> {
  return {
    async loadStates(source?: string): Promise<Map<string, AlertState>> {
      const result = source === undefined ? await db.query<StateRow>(SQL.allStates) : await db.query<StateRow>(numbered(SQL.statesOfSource), [source]);
      return statesByKey(result.rows);
    },

    async alerts(): Promise<StoredAlert[]> {
      return toStoredAlerts((await db.query<AlertRow>('SELECT rule, account, source, state, updated_at FROM alerts ORDER BY rule COLLATE "C", account COLLATE "C"')).rows);
    },

    async commitCycle(write: CycleWrite): Promise<void> {
      const { source, now } = write;
      await db.transaction(async (query) => {
        await lease.fence(query);
        const applied = write.applied ?? [];
        if (applied.length > 0) {
          // Before the upserts: an account forgotten and back in the same cycle keeps its new state.
          await query('DELETE FROM alert_requests WHERE (rule, account) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [applied.map((r) => r.rule), applied.map((r) => r.account)]);
          const forgotten = applied.filter((r) => r.kind === 'forget');
          if (forgotten.length > 0) {
            await query('DELETE FROM alerts WHERE (rule, account) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [forgotten.map((r) => r.rule), forgotten.map((r) => r.account)]);
          }
        }
        if (write.alerts.length > 0) {
          await query(
            // A request that came in while the cycle ran (someone acknowledged or forgot the alert) keeps its state until the next cycle takes it in.
            `INSERT INTO alerts (rule, account, source, state, updated_at)
             SELECT r, a, $1, s::text, $2 FROM json_to_recordset($3::json) AS t(r text, a text, s json)
             WHERE NOT EXISTS (SELECT 1 FROM alert_requests q WHERE q.rule = t.r AND q.account = t.a)
             ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, state = excluded.state, updated_at = excluded.updated_at`,
            [source, now, alertRecords(write.alerts)],
          );
        }
        if (write.observations.length > 0) {
          await query(
            `INSERT INTO observations (source, account, at, units, scale, currency)
             SELECT $1, a, $2, u, s, c FROM json_to_recordset($3::json) AS t(a text, u text, s int, c text)`,
            [source, now, observationRecords(write.observations)],
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
    },

    async removeAlertsExcept(rules: readonly string[]): Promise<number> {
      const result = await db.query<{ rule: string }>('WITH gone AS (DELETE FROM alerts WHERE NOT (rule = ANY($1::text[])) RETURNING rule) SELECT DISTINCT rule FROM gone', [rules]);
      return result.rows.length;
    },
  };
}

/*
 * A cycle's rows go to the server as one JSON parameter per table, read with
 * json_to_recordset: pg would otherwise encode each column as an array
 * literal, escaping every quote of every state in JavaScript, which made a
 * PostgreSQL cycle cost far more CPU than SQLite's. `json`, not `jsonb`: a
 * state's text (already JSON) is stored exactly as written.
 */

/** The alerts as a JSON array of {r, a, s}, each state spliced in as the JSON it is. */
export function alertRecords(alerts: CycleWrite['alerts']): string {
  const parts: string[] = new Array(alerts.length);
  for (let i = 0; i < alerts.length; i += 1) {
    const a = alerts[i]!;
    parts[i] = `{"r":${JSON.stringify(a.rule)},"a":${JSON.stringify(a.account)},"s":${encodeState(a.state)}}`;
  }
  return `[${parts.join(',')}]`;
}

/** The balances as a JSON array of {a, u, s, c}: units as decimal text, so no digit is lost. */
export function observationRecords(observations: CycleWrite['observations']): string {
  return JSON.stringify(observations.map((o) => ({ a: o.account, u: o.value.amount.units.toString(), s: o.value.amount.scale, c: o.value.currency })));
}
