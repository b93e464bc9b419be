import type { PostgresStore } from './postgres/open.js';
import type { SqliteStore } from './sqlite/open.js';
import { StoreError } from './store.js';

/** A table as both schemas have it: its columns, with their PostgreSQL types for the unnest. */
interface TableCopy {
  readonly table: string;
  readonly columns: readonly (readonly [name: string, type: string])[];
  /** The id sequence to move past the copied ids, so new rows do not collide. */
  readonly serial?: string;
}

const TABLES: readonly TableCopy[] = [
  { table: 'alerts', columns: [['rule', 'text'], ['account', 'text'], ['source', 'text'], ['state', 'text'], ['updated_at', 'bigint']] },
  { table: 'observations', columns: [['source', 'text'], ['account', 'text'], ['at', 'bigint'], ['units', 'text'], ['scale', 'int'], ['currency', 'text']] },
  {
    table: 'outbox',
    serial: 'outbox_id_seq',
    columns: [
      ['id', 'bigint'],
      ['channel', 'text'],
      ['source', 'text'],
      ['message', 'text'],
      ['created_at', 'bigint'],
      ['attempts', 'int'],
      ['next_attempt_at', 'bigint'],
      ['last_error', 'text'],
      ['last_reason', 'text'],
      ['sent_at', 'bigint'],
      ['failed_at', 'bigint'],
      ['overdue_logged', 'boolean'],
    ],
  },
  {
    table: 'silences',
    serial: 'silences_id_seq',
    columns: [['id', 'bigint'], ['rule', 'text'], ['account', 'text'], ['level', 'text'], ['reason', 'text'], ['created_at', 'bigint'], ['until', 'bigint'], ['ended_at', 'bigint'], ['end_reason', 'text']],
  },
  { table: 'events', columns: [['source', 'text'], ['rule', 'text'], ['account', 'text'], ['kind', 'text'], ['level', 'text'], ['at', 'bigint'], ['units', 'text'], ['scale', 'int'], ['currency', 'text'], ['detail', 'text']] },
  { table: 'summaries', columns: [['channel', 'text'], ['last_sent_at', 'bigint'], ['next_due_at', 'bigint']] },
  { table: 'alert_requests', columns: [['rule', 'text'], ['account', 'text'], ['source', 'text'], ['kind', 'text'], ['by', 'text'], ['note', 'text'], ['at', 'bigint']] },
  {
    table: 'channel_health',
    columns: [['channel', 'text'], ['last_success_at', 'bigint'], ['last_failure_at', 'bigint'], ['last_failure', 'text'], ['last_reason', 'text'], ['last_gave_up_at', 'bigint'], ['notice_sent_at', 'bigint']],
  },
];

export type CopyProgress = (table: string, copied: number, total: number) => void;

export type CopyOutcome = { readonly kind: 'copied'; readonly counts: Readonly<Record<string, number>> } | { readonly kind: 'already'; readonly importedAt: number };

/** What the SQLite file held, in a form that changes when the daemon has written to it since. */
function fingerprintOf(source: SqliteStore): string {
  return TABLES.map(({ table }) => `${table}=${source.countOf(table)}`).join(',');
}

/** SQLite has no boolean: 0/1 become false/true. */
const valueFor = (type: string, value: unknown): unknown => (type === 'boolean' ? Boolean(value) : value ?? null);

/**
 * Copies a SQLite store into an empty PostgreSQL store in one transaction: all
 * of it or nothing. Run again, it finds its own earlier copy of the same file
 * and does nothing; a store that holds other state is refused, never merged.
 */
export async function copyState(source: SqliteStore, sourceName: string, target: PostgresStore, progress: CopyProgress): Promise<CopyOutcome> {
  const fingerprint = fingerprintOf(source);
  return target.transaction(async (query) => {
    // Two copies at once would both see an empty store.
    await query('LOCK TABLE state_imports IN EXCLUSIVE MODE');
    const earlier = (await query<{ fingerprint: string; imported_at: string }>('SELECT fingerprint, imported_at FROM state_imports WHERE source = $1', [sourceName])).rows[0];
    if (earlier && earlier.fingerprint === fingerprint) return { kind: 'already', importedAt: Number(earlier.imported_at) } as const;
    if (earlier) {
      throw new StoreError(`${sourceName} was copied into ${target.location} before, and has changed since (a daemon still ran on it?); copy into a new empty database`);
    }
    const held = (await query<{ n: string }>('SELECT (SELECT COUNT(*) FROM alerts) + (SELECT COUNT(*) FROM observations) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM silences) AS n')).rows[0];
    if (Number(held?.n ?? 0) > 0) {
      throw new StoreError(`${target.location} already holds balance-watch state; migrate-state copies only into an empty store (create a new database, or drop this one's tables)`);
    }
    const counts: Record<string, number> = {};
    for (const { table, columns, serial } of TABLES) {
      const total = source.countOf(table);
      let copied = 0;
      const names = columns.map(([name]) => name).join(', ');
      const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
      for (const page of source.rowsOf(table)) {
        await query(
          `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
          columns.map(([name, type]) => page.map((row) => valueFor(type, row[name]))),
        );
        copied += page.length;
        progress(table, copied, total);
      }
      if (serial) await query(`SELECT setval('${serial}', GREATEST((SELECT COALESCE(MAX(id), 0) FROM ${table}), 1))`);
      counts[table] = copied;
    }
    await query('INSERT INTO state_imports (source, fingerprint, imported_at) VALUES ($1, $2, $3)', [sourceName, fingerprint, Date.now()]);
    return { kind: 'copied', counts } as const;
  });
}
