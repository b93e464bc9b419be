import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Leadership } from '../../src/daemon/leadership.js';
import type { Lease } from '../../src/store/lease.js';

/** A lease whose answers the test decides: true, false, or a store that cannot be reached. */
function scriptedLease() {
  const calls: string[] = [];
  const lease: Lease & { answer: 'grant' | 'refuse' | 'unreachable' | 'hang' } = {
    answer: 'grant',
    shared: true,
    acquire: async (holder: string) => {
      calls.push(`acquire ${holder}`);
      if (lease.answer === 'unreachable') throw new Error('connection refused');
      if (lease.answer === 'hang') return new Promise<boolean>(() => undefined);
      return lease.answer === 'grant';
    },
    release: async (holder: string) => {
      calls.push(`release ${holder}`);
    },
    holder: async () => undefined,
  };
  return { lease, calls };
}

describe('the leader lease loop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const watch = (lease: Lease, leaseMs = 15_000, monotonic = () => Date.now()) => {
    const events: string[] = [];
    const leadership = new Leadership(
      lease,
      { holder: 'me', leaseMs, monotonic },
      { elected: () => void events.push('elected'), deposed: (why) => void events.push(`deposed: ${why}`), trouble: () => events.push('trouble') },
    );
    return { leadership, events };
  };

  it('leads at once when the lease is free, and renews it every third of the lease', async () => {
    const { lease, calls } = scriptedLease();
    const { leadership, events } = watch(lease);
    await leadership.start();
    expect(events).toEqual(['elected']);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(calls.filter((c) => c === 'acquire me')).toHaveLength(4);
    expect(leadership.isLeader).toBe(true);
    await leadership.stop();
    expect(calls.at(-1)).toBe('release me');
  });

  it('follows while another holds the lease, bidding every second, and leads when it frees', async () => {
    const { lease, calls } = scriptedLease();
    lease.answer = 'refuse';
    const { leadership, events } = watch(lease);
    await leadership.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(events).toEqual([]);
    expect(calls).toHaveLength(4);
    lease.answer = 'grant';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(['elected']);
    await leadership.stop();
  });

  it('steps down at once when the lease went to another replica', async () => {
    const { lease } = scriptedLease();
    const { leadership, events } = watch(lease);
    await leadership.start();
    lease.answer = 'refuse';
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual(['elected', 'deposed: another replica holds the lease']);
    expect(leadership.isLeader).toBe(false);
    await leadership.stop();
  });

  it('steps down when its lease runs out even while a renewal hangs (a cut network answers nothing)', async () => {
    const { lease } = scriptedLease();
    const { leadership, events } = watch(lease);
    await leadership.start();
    lease.answer = 'hang';
    await vi.advanceTimersByTimeAsync(14_999);
    expect(events).toEqual(['elected']);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['elected', 'deposed: the lease ran out before a renewal succeeded (the store is unreachable or did not answer in time)']);
    expect(leadership.isLeader).toBe(false);
  });

  it('never lets a lease nobody else can take (a SQLite file) run out', async () => {
    const { lease, calls } = scriptedLease();
    const { leadership, events } = watch({ ...lease, shared: false });
    await leadership.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual(['elected']);
    expect(leadership.isLeader).toBe(true);
    expect(calls).toEqual(['acquire me']);
  });

  it('checks the expiry again when its timer fires before the lease has run out', async () => {
    const { lease } = scriptedLease();
    let skew = 0;
    // The monotonic clock runs 5 ms behind the timers, as libuv's cached loop time can.
    const { leadership, events } = watch(lease, 15_000, () => Date.now() - skew);
    await leadership.start();
    lease.answer = 'hang';
    skew = 5;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(leadership.isLeader).toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(leadership.isLeader).toBe(false);
    expect(events.at(-1)).toMatch(/^deposed: the lease ran out/);
  });

  it('keeps leading through failed renewals while its lease still runs, then steps down before it could be given away', async () => {
    const { lease, calls } = scriptedLease();
    const { leadership, events } = watch(lease);
    await leadership.start();
    lease.answer = 'unreachable';
    await vi.advanceTimersByTimeAsync(14_999);
    expect(events).toEqual(['elected', 'trouble', 'trouble']);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.filter((e) => e.startsWith('deposed'))).toEqual(['deposed: the lease ran out before a renewal succeeded (the store is unreachable or did not answer in time)']);
    expect(leadership.isLeader).toBe(false);
    await leadership.stop();
    // Not leading, so nothing to release.
    expect(calls.filter((c) => c.startsWith('release'))).toEqual([]);
  });
});
