import type Database from 'better-sqlite3';
import { type Acknowledgement, withAcknowledgement } from '../../rules/alert.js';
import { type AlertRow, forgottenAlert, type RequestRow, requestDetail, toAlertRequests, toStoredAlerts } from '../rows.js';
import { encodeState } from '../state-codec.js';
import type { AlertRequests, StoredAlert } from '../store.js';
import { lazy, LOG_EVENT } from './shared.js';

const REQUEST = `INSERT INTO alert_requests (rule, account, source, kind, by, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (rule, account) DO UPDATE SET source = excluded.source, kind = excluded.kind, by = excluded.by, note = excluded.note, at = excluded.at`;

/**
 * Forget and acknowledge: each changes the stored alert at once and leaves a
 * request for the daemon's memory. They read, then write, beside a running
 * daemon: an immediate transaction takes the write lock first (waiting out the
 * daemon's cycle), where a deferred one could not upgrade and would fail busy.
 */
export function sqliteRequests(db: Database.Database): AlertRequests {
  // Read by every source cycle.
  const pending = lazy(() => db.prepare('SELECT rule, account, kind, by, note, at FROM alert_requests WHERE source = ?'));
  const alertRow = (rule: string, account: string) => db.prepare('SELECT rule, account, source, state, updated_at FROM alerts WHERE rule = ? AND account = ?').get(rule, account) as AlertRow | undefined;
  const logEvent = (alert: StoredAlert, kind: string, now: number, detail: string | null = null) => {
    const value = alert.state.lastValue;
    db.prepare(LOG_EVENT).run(alert.source, alert.rule, alert.account, kind, alert.state.level, now, value?.amount.units.toString() ?? null, value?.amount.scale ?? null, value?.currency ?? null, detail);
  };
  return {
    async forgetAlert(rule, account, now) {
      return db.transaction(() => {
        const row = alertRow(rule, account);
        if (!row) return undefined;
        const alert = forgottenAlert(row, now);
        db.prepare('DELETE FROM alerts WHERE rule = ? AND account = ?').run(rule, account);
        db.prepare(REQUEST).run(rule, account, row.source, 'forget', null, null, now);
        logEvent(alert, 'forgotten', now);
        return alert;
      }).immediate();
    },

    async acknowledgeAlert(rule, account, ack: Acknowledgement | null, now) {
      return db.transaction(() => {
        const row = alertRow(rule, account);
        const [alert] = row ? toStoredAlerts([row]) : [];
        if (!alert) return undefined;
        const state = withAcknowledgement(alert.state, ack);
        db.prepare('UPDATE alerts SET state = ?, updated_at = ? WHERE rule = ? AND account = ?').run(encodeState(state), now, rule, account);
        db.prepare(REQUEST).run(rule, account, alert.source, ack ? 'ack' : 'unack', ack?.by ?? null, ack?.note ?? null, ack?.at ?? now);
        const changed = { ...alert, state, updatedAt: now };
        logEvent(changed, ack ? 'acknowledged' : 'unacknowledged', now, requestDetail(ack));
        return changed;
      }).immediate();
    },

    async pendingRequests(source) {
      return toAlertRequests(pending().all(source) as RequestRow[]);
    },
  };
}
