import { type Acknowledgement, withAcknowledgement } from '../../rules/alert.js';
import { type AlertRow, forgottenAlert, type RequestRow, requestDetail, toAlertRequests, toStoredAlerts } from '../rows.js';
import { encodeState } from '../state-codec.js';
import type { AlertRequests, StoredAlert } from '../store.js';
import type { PostgresLease, Query } from './lease.js';
import type { PostgresPool } from './pool.js';

const REQUEST = `INSERT INTO alert_requests (rule, account, source, kind, by, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, kind = excluded.kind, by = excluded.by, note = excluded.note, at = excluded.at`;

async function logEvent(query: Query, alert: StoredAlert, kind: string, now: number, detail: string | null = null): Promise<void> {
  const value = alert.state.lastValue;
  await query('INSERT INTO events (source, rule, account, kind, level, at, units, scale, currency, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
    alert.source,
    alert.rule,
    alert.account,
    kind,
    alert.state.level,
    now,
    value?.amount.units.toString() ?? null,
    value?.amount.scale ?? null,
    value?.currency ?? null,
    detail,
  ]);
}

/** Forget and acknowledge: each changes the stored alert at once and leaves a request for the leader's memory. */
export function postgresRequests(db: PostgresPool, lease: PostgresLease): AlertRequests {
  return {
    async forgetAlert(rule, account, now) {
      return db.transaction(async (query) => {
        const row = (await query<AlertRow>('DELETE FROM alerts WHERE rule = $1 AND account = $2 RETURNING rule, account, source, state, updated_at', [rule, account])).rows[0];
        if (!row) return undefined;
        const alert = forgottenAlert(row, now);
        await query(REQUEST, [rule, account, row.source, 'forget', null, null, now]);
        await logEvent(query, alert, 'forgotten', now);
        return alert;
      });
    },

    async acknowledgeAlert(rule, account, ack: Acknowledgement | null, now) {
      return db.transaction(async (query) => {
        await lease.fence(query);
        const row = (await query<AlertRow>('SELECT rule, account, source, state, updated_at FROM alerts WHERE rule = $1 AND account = $2 FOR UPDATE', [rule, account])).rows[0];
        const [alert] = row ? toStoredAlerts([row]) : [];
        if (!alert) return undefined;
        const state = withAcknowledgement(alert.state, ack);
        await query('UPDATE alerts SET state = $1, updated_at = $2 WHERE rule = $3 AND account = $4', [encodeState(state), now, rule, account]);
        await query(REQUEST, [rule, account, alert.source, ack ? 'ack' : 'unack', ack?.by ?? null, ack?.note ?? null, ack?.at ?? now]);
        const changed = { ...alert, state, updatedAt: now };
        await logEvent(query, changed, ack ? 'acknowledged' : 'unacknowledged', now, requestDetail(ack));
        return changed;
      });
    },

    async pendingRequests(source) {
      return toAlertRequests((await db.query<RequestRow>('SELECT rule, account, kind, by, note, at FROM alert_requests WHERE source = $1', [source])).rows);
    },
  };
}
