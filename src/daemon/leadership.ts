import type { Lease } from '../store/lease.js';

export interface LeadershipEvents {
  /** This replica now holds the lease: start fetching and sending. */
  elected(): Promise<void> | void;
  /** It lost the lease (or could not renew it in time): stop at once. */
  deposed(reason: string): Promise<void> | void;
  /** A renewal or a bid failed (the store is unreachable); leadership is kept until the lease would run out. */
  trouble(error: unknown): void;
}

const LEASE_RAN_OUT = 'the lease ran out before a renewal succeeded (the store is unreachable or did not answer in time)';

export interface LeadershipOptions {
  readonly holder: string;
  readonly leaseMs: number;
  /** A monotonic clock in ms (performance.now): lease arithmetic must not jump with the wall clock. */
  readonly monotonic: () => number;
}

/**
 * Keeps this replica's bid for the lease: a leader renews every third of the
 * lease, and steps down when a renewal has not succeeded by the time the lease
 * it last renewed would expire (measured from when that renewal was sent, so
 * it steps down before the server could give the lease away). A follower bids
 * every second, so a lease released on shutdown is taken within about a second.
 */
export class Leadership {
  private leading = false;
  /** When the lease last confirmed runs out, by the monotonic clock. */
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Fires when the lease last confirmed runs out: a renewal that hangs (a cut network) must not keep this replica acting. */
  private expiry: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly lease: Lease,
    private readonly options: LeadershipOptions,
    private readonly events: LeadershipEvents,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  get holder(): string {
    return this.options.holder;
  }

  /** Makes the first bid and resolves once it is settled (and, if won, the election acted on). */
  async start(): Promise<void> {
    await this.tick();
  }

  /** Stops bidding; releases the lease if held, so a follower takes over now rather than at expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.expiry);
    await this.ticking;
    if (!this.leading) return;
    this.leading = false;
    await this.lease.release(this.options.holder).catch((error: unknown) => this.events.trouble(error));
  }

  private get renewEveryMs(): number {
    return Math.max(200, Math.floor(this.options.leaseMs / 3));
  }

  private get bidEveryMs(): number {
    return Math.min(1_000, this.renewEveryMs);
  }

  private schedule(): void {
    if (this.stopped || !this.lease.shared) return;
    const wait = this.leading ? Math.min(this.renewEveryMs, Math.max(0, this.heldUntil - this.options.monotonic())) : this.bidEveryMs;
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private tick(): Promise<void> {
    this.ticking = this.bid().finally(() => {
      this.ticking = undefined;
      this.schedule();
    });
    return this.ticking;
  }

  private async bid(): Promise<void> {
    if (this.stopped) return;
    const sentAt = this.options.monotonic();
    let held: boolean;
    try {
      held = await this.lease.acquire(this.options.holder, this.options.leaseMs);
    } catch (error) {
      this.events.trouble(error);
      if (this.leading && this.options.monotonic() >= this.heldUntil) await this.stepDown(LEASE_RAN_OUT);
      return;
    }
    if (held) {
      this.heldUntil = sentAt + this.options.leaseMs;
      // A lease nobody else can take (a SQLite file) is never renewed, so it must not run out either.
      if (this.lease.shared) this.armExpiry();
      if (!this.leading) {
        // Won even while stopping: recorded, so stop() releases it rather than leaving it to expire.
        this.leading = true;
        if (!this.stopped) await this.events.elected();
      }
    } else if (this.leading) {
      await this.stepDown('another replica holds the lease');
    }
  }

  private armExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => void this.expire(), Math.max(0, this.heldUntil - this.options.monotonic()));
  }

  private async expire(): Promise<void> {
    if (this.stopped || !this.leading) return;
    // Timers run off the event loop's cached time and may fire a little early: check again then, rather than never.
    if (this.options.monotonic() < this.heldUntil) return this.armExpiry();
    await this.stepDown(LEASE_RAN_OUT);
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leading) return;
    clearTimeout(this.expiry);
    this.leading = false;
    await this.events.deposed(reason);
  }
}
