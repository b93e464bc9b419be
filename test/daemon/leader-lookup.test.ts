import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { leaderOf } from '../../src/daemon/leader-lookup.js';
import type { Lease } from '../../src/store/lease.js';

const lease = (holder: () => Promise<string | undefined>): Lease => ({ shared: true, acquire: async () => false, release: async () => undefined, holder });

describe('leaderOf', () => {
  const warnings: string[] = [];
  const log = { warn: (message: string) => warnings.push(message) } as unknown as Logger;

  it.each<[string, () => Promise<string | undefined>, string | undefined, string[]]>([
    ['a leader', async () => 'host-a-1', 'host-a-1', []],
    ['no leader: quietly none', async () => undefined, undefined, []],
    ['the store did not answer: none, and said so', () => Promise.reject(new Error('connection refused')), undefined, ['cannot tell which replica leads: the state store did not answer (connection refused)']],
  ])('%s', async (_name, holder, expected, said) => {
    warnings.length = 0;
    expect(await leaderOf(lease(holder), log)).toBe(expected);
    expect(warnings).toEqual(said);
  });
});
