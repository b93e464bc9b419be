import type { Logger } from 'pino';
import { errorMessage } from '../error-message.js';
import type { Lease } from '../store/lease.js';

/**
 * Which replica leads, for a follower's messages. "No leader" and "the store
 * cannot say" are different news: the second is logged, then treated as unknown.
 */
export async function leaderOf(lease: Lease, log: Logger): Promise<string | undefined> {
  try {
    return await lease.holder();
  } catch (error) {
    log.warn(`cannot tell which replica leads: the state store did not answer (${errorMessage(error)})`);
    return undefined;
  }
}
