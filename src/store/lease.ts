/**
 * Who may act: with replicas sharing one store, exactly one holds the lease and
 * fetches, evaluates and sends; the others wait to take over.
 */
export interface Lease {
  /** Whether other replicas can share this store (false for a SQLite file: its one process always leads). */
  readonly shared: boolean;
  /** Takes the lease, or renews it when `holder` has it; false while another replica's lease runs. */
  acquire(holder: string, durationMs: number): Promise<boolean>;
  /** Gives the lease up at once, if `holder` has it, so a follower need not wait for it to expire. */
  release(holder: string): Promise<void>;
  /** Who holds the lease now, if anyone. */
  holder(): Promise<string | undefined>;
}

/** A store only one process uses: that process always leads. */
export const SOLE_LEASE: Lease = {
  shared: false,
  acquire: async () => true,
  release: async () => undefined,
  holder: async () => undefined,
};
