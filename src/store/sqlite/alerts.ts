import type Database from 'better-sqlite3';
import type { AlertState } from '../../rules/alert.js';
import { encodeMessage } from '../message-codec.js';
import { type AlertRow, statesByKey, toStoredAlerts } from '../rows.js';
import { SQL } from '../sql.js';
import { encodeState } from '../state-codec.js';
import type { AlertRequests, AlertStore, CycleWrite, StoredAlert } from '../store.js';
import { ENQUEUE, lazy, LOG_EVENT } from './shared.js';

/** Alert state, and the one transaction of a cycle's writes. */
export function sqliteAlerts(db: Database.Database): Omit<AlertStore, keyof AlertRequests> {
  const sql = lazy(() => ({
    // A request that came in while the cycle ran (someone acknowledged or forgot the alert) keeps its state until the next cycle takes it in.
    upsertAlert: db.prepare(
      `INSERT INTO alerts (rule, account, source, state, updated_at)
       SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alert_requests WHERE rule = ? AND account = ?)
       ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, state = excluded.state, updated_at = excluded.updated_at`,
    ),
    insertObservation: db.prepare('INSERT INTO observations (source, account, at, units, scale, currency) VALUES (?, ?, ?, ?, ?, ?)'),
    enqueue: db.prepare(ENQUEUE),
    statesOfSource: db.prepare(SQL.statesOfSource),
    logEvent: db.prepare(LOG_EVENT),
    endSilence: db.prepare('UPDATE silences SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL'),
    dropRequest: db.prepare('DELETE FROM alert_requests WHERE rule = ? AND account = ?'),
    dropAlert: db.prepare('DELETE FROM alerts WHERE rule = ? AND account = ?'),
  }));
  return {
    async loadStates(source?: string): Promise<Map<string, AlertState>> {
      const rows = (source === undefined ? db.prepare(SQL.allStates).all() : sql().statesOfSource.all(source)) as Pick<AlertRow, 'rule' | 'account' | 'state'>[];
      return statesByKey(rows);
    },

    async alerts(): Promise<StoredAlert[]> {
      return toStoredAlerts(db.prepare('SELECT rule, account, source, state, updated_at FROM alerts ORDER BY rule, account').all() as AlertRow[]);
    },

    async commitCycle(write: CycleWrite): Promise<void> {
      const { upsertAlert: upsert, insertObservation: observe, enqueue, logEvent, endSilence, dropRequest, dropAlert } = sql();
      db.transaction(() => {
        // Before the upserts: an account forgotten and back in the same cycle keeps its new state.
        for (const r of write.applied ?? []) {
          dropRequest.run(r.rule, r.account);
          if (r.kind === 'forget') dropAlert.run(r.rule, r.account);
        }
        for (const alert of write.alerts) upsert.run(alert.rule, alert.account, write.source, encodeState(alert.state), write.now, alert.rule, alert.account);
        for (const o of write.observations) {
          observe.run(write.source, o.account, write.now, o.value.amount.units.toString(), o.value.amount.scale, o.value.currency);
        }
        for (const item of write.outbox) enqueue.run(item.channel, write.source, encodeMessage(item.message), write.now, write.now);
        for (const e of write.events ?? []) {
          logEvent.run(write.source, e.rule, e.account, e.kind, e.level, write.now, e.value?.amount.units.toString() ?? null, e.value?.amount.scale ?? null, e.value?.currency ?? null, null);
        }
        for (const id of write.endedSilences ?? []) endSilence.run(write.now, 'the alert resolved', id);
      })();
    },

    async removeAlertsExcept(rules: readonly string[]): Promise<number> {
      const keep = new Set(rules);
      const gone = (db.prepare('SELECT DISTINCT rule FROM alerts').all() as { rule: string }[]).filter((r) => !keep.has(r.rule));
      const remove = db.prepare('DELETE FROM alerts WHERE rule = ?');
      db.transaction(() => gone.forEach((r) => remove.run(r.rule)))();
      return gone.length;
    },
  };
}
