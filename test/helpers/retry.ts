import type { RetryDeps, RetryPolicy } from '../../src/net/http.js';

/** Retry dependencies that never really wait: they record the waits asked for. */
export function instantRetry(): RetryDeps & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    now: () => Date.parse('2026-11-21T12:00:00Z'),
  };
}

export const TEST_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
