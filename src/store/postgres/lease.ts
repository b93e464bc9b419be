import type { Lease } from '../lease.js';
import { StoreError } from '../store.js';
import type { PostgresPool } from './pool.js';

export type Query = PostgresPool['query'];

const LEASE_NAME = 'run';

/**
 * The leader lease: one row whose expiry comes from the database's own clock.
 * While this replica leads, its writes are fenced by it (see fence).
 */
export class PostgresLease implements Lease {
  readonly shared = true;
  /** The lease holder whose writes these are, once this replica has led. */
  private fencedBy: string | undefined;

  constructor(private readonly db: PostgresPool) {}

  async acquire(holder: string, durationMs: number): Promise<boolean> {
    const result = await this.db.query<{ holder: string }>(
      `INSERT INTO leader_lease (name, holder, acquired_at, expires_at)
       VALUES ($1, $2, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         acquired_at = CASE WHEN leader_lease.holder = excluded.holder THEN leader_lease.acquired_at ELSE excluded.acquired_at END,
         expires_at = excluded.expires_at
       WHERE leader_lease.holder = excluded.holder OR leader_lease.expires_at < clock_timestamp()
       RETURNING holder`,
      [LEASE_NAME, holder, durationMs],
    );
    const held = result.rows.length > 0;
    if (held) this.fencedBy = holder;
    return held;
  }

  async release(holder: string): Promise<void> {
    await this.db.query('DELETE FROM leader_lease WHERE name = $1 AND holder = $2', [LEASE_NAME, holder]);
  }

  async holder(): Promise<string | undefined> {
    const result = await this.db.query<{ holder: string }>('SELECT holder FROM leader_lease WHERE name = $1 AND expires_at >= clock_timestamp()', [LEASE_NAME]);
    return result.rows[0]?.holder;
  }

  /**
   * Inside a writing transaction: refuses unless this replica's lease still runs.
   * The share lock makes a takeover wait for this transaction, so a write is
   * either the old leader's, committed while it led, or not written at all.
   */
  async fence(query: Query): Promise<void> {
    if (this.fencedBy === undefined) return;
    const held = await query('SELECT 1 FROM leader_lease WHERE name = $1 AND holder = $2 AND expires_at > clock_timestamp() FOR SHARE', [LEASE_NAME, this.fencedBy]);
    if (held.rows.length === 0) throw new StoreError('this replica no longer holds the leader lease: its write was refused (another replica leads now)');
  }
}
