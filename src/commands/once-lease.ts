import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitError } from '../cli/exit-error.js';
import type { Config } from '../config/types.js';
import { Leadership } from '../daemon/leadership.js';
import type { Logger } from '../daemon/logger.js';
import { errorMessage } from '../error-message.js';
import { describeLocation } from '../store/location.js';
import type { StateStore } from '../store/store.js';

/**
 * `once` acts like a daemon's cycle, so it holds the leader lease while it
 * does: a daemon running on the same store would otherwise notify the same
 * change a second time. It waits one lease length for a holder that just
 * stopped or crashed; one that keeps renewing is running, and `once` gives way.
 */
export async function holdLeaseForOnce(store: StateStore, config: Config, log: Logger, cancel: AbortController, exitCode: number): Promise<{ release(): Promise<void> }> {
  const holder = `once:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let won: () => void = () => undefined;
  const elected = new Promise<void>((resolve) => (won = resolve));
  const leadership = new Leadership(
    store.lease,
    { holder, leaseMs: config.ha.lease, monotonic: () => performance.now() },
    {
      elected: async () => won(),
      deposed: async (reason) => {
        log.error(`once lost the leader lease (${reason}): it stops here, leaving the rest to the replica that took it`);
        cancel.abort();
      },
      trouble: (error) => log.debug(`leader lease: ${errorMessage(error)}`),
    },
  );
  const held = { release: () => leadership.stop() };
  await leadership.start();
  if (leadership.isLeader) return held;
  const waiting = new AbortController();
  const got = await Promise.race([elected.then(() => true), sleep(config.ha.lease + 1_000, false, { signal: waiting.signal }).catch(() => false)]);
  waiting.abort();
  if (got) return held;
  await leadership.stop();
  const now = await store.lease.holder().catch(() => undefined);
  throw new ExitError(
    exitCode,
    `another balance-watch holds the leader lease of ${describeLocation(config.state)}${now ? ` (${now})` : ''}: it runs the cycles and sends, and once beside it would notify the same changes twice. Run once --dry-run beside it, or stop it first.`,
  );
}
