/**
 * Who may act: of the processes using one store (replicas, or `once` beside a
 * daemon), exactly one holds the lease and fetches, evaluates and sends; the
 * others wait to take over.
 */
export interface Lease {
  /** Whether another process can hold it, so that it must be renewed (both engines' are; a test's fake may not be). */
  readonly shared: boolean;
  /** Takes the lease, or renews it when `holder` has it; false while another replica's lease runs. */
  acquire(holder: string, durationMs: number): Promise<boolean>;
  /** Gives the lease up at once, if `holder` has it, so a follower need not wait for it to expire. */
  release(holder: string): Promise<void>;
  /** Who holds the lease now, if anyone. */
  holder(): Promise<string | undefined>;
}
