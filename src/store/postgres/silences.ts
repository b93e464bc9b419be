import { type SilenceRow, toSilence } from '../rows.js';
import { numbered, SQL } from '../sql.js';
import type { SilenceStore } from '../store.js';
import type { PostgresPool } from './pool.js';

export function postgresSilences(db: PostgresPool): SilenceStore {
  return {
    async addSilence(silence) {
      const result = await db.query<{ id: string }>(`${numbered(SQL.addSilence)} RETURNING id`, [silence.rule, silence.account, silence.level, silence.reason, silence.createdAt, silence.until]);
      return Number(result.rows[0]!.id);
    },
    async silences(now, endedSince = now) {
      return (await db.query<SilenceRow>(numbered(SQL.silences), [now, endedSince])).rows.map(toSilence);
    },
    async endSilence(id, now, reason) {
      return ((await db.query(numbered(SQL.endSilence), [now, reason, id, now])).rowCount ?? 0) > 0;
    },
  };
}
