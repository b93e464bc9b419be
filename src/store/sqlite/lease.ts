import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { Lease } from '../lease.js';
import { lazy } from './shared.js';

const LEASE_NAME = 'run';

interface LeaseRow {
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  readonly expires_at: number;
}

/** Whether a process of this machine still runs: a holder that crashed here need not be waited out. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lease on one SQLite file: only one process at a time fetches, evaluates
 * and sends (a daemon, or `once` beside none), so two of them never notify the
 * same change. Every process of a file shares this machine's clock. A holder
 * that is gone from this machine is taken over at once, so a daemon restarted
 * after a crash does not wait a lease out.
 */
export class SqliteLease implements Lease {
  readonly shared = true;
  private readonly host = hostname();

  private readonly sql = lazy(() => ({
    current: this.db.prepare('SELECT holder, host, pid, expires_at FROM leader_lease WHERE name = ?'),
    take: this.db.prepare(
      `INSERT INTO leader_lease (name, holder, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at`,
    ),
    release: this.db.prepare('DELETE FROM leader_lease WHERE name = ? AND holder = ?'),
  }));

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(holder: string, durationMs: number): Promise<boolean> {
    const { current, take } = this.sql();
    return this.db
      .transaction(() => {
        const row = current.get(LEASE_NAME) as LeaseRow | undefined;
        const now = this.now();
        if (row && row.holder !== holder && this.inForce(row, now)) return false;
        take.run(LEASE_NAME, holder, this.host, process.pid, now + durationMs);
        return true;
      })
      .immediate();
  }

  async release(holder: string): Promise<void> {
    this.sql().release.run(LEASE_NAME, holder);
  }

  async holder(): Promise<string | undefined> {
    const row = this.sql().current.get(LEASE_NAME) as LeaseRow | undefined;
    return row && this.inForce(row, this.now()) ? row.holder : undefined;
  }

  private inForce(row: LeaseRow, now: number): boolean {
    return row.expires_at >= now && (row.host !== this.host || alive(row.pid));
  }
}
