import type Database from 'better-sqlite3';
import { type SilenceRow, toSilence } from '../rows.js';
import { SQL } from '../sql.js';
import type { SilenceStore } from '../store.js';
import { lazy } from './shared.js';

export function sqliteSilences(db: Database.Database): SilenceStore {
  // Read by every source cycle.
  const sql = lazy(() => ({ silences: db.prepare(SQL.silences) }));
  return {
    async addSilence(silence) {
      return Number(db.prepare(SQL.addSilence).run(silence.rule, silence.account, silence.level, silence.reason, silence.createdAt, silence.until).lastInsertRowid);
    },
    async silences(now, endedSince = now) {
      return (sql().silences.all(now, endedSince) as SilenceRow[]).map(toSilence);
    },
    async endSilence(id, now, reason) {
      return db.prepare(SQL.endSilence).run(now, reason, id, now).changes > 0;
    },
  };
}
