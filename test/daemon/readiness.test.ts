import { describe, expect, it } from 'vitest';
import { type ReadinessFacts, readinessOf } from '../../src/daemon/readiness.js';
import type { ChannelHealth } from '../../src/store/store.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const MINUTE = 60_000;

const health = (channel: string, fields: Partial<ChannelHealth>): ChannelHealth => ({
  channel,
  lastSuccessAt: null,
  lastFailureAt: null,
  lastFailure: null,
  lastReason: null,
  lastGaveUpAt: null,
  waiting: 0,
  gaveUpLastDay: 0,
  ...fields,
});

const leading = (fields: { cycles?: Record<string, number | undefined>; intervalMs?: number; health?: ChannelHealth[]; channels?: string[] }): ReadinessFacts => {
  const cycles = fields.cycles ?? { apay: NOW - MINUTE };
  return {
    role: 'leader',
    running: true,
    sources: Object.keys(cycles),
    lastCycleAt: (source) => cycles[source],
    intervalMs: fields.intervalMs ?? 5 * MINUTE,
    channels: fields.channels ?? ['treasury'],
    health: fields.health ?? [],
  };
};

describe('readinessOf', () => {
  it.each<[string, ReadinessFacts, { ready: boolean; reason?: string }]>([
    ['a follower is ready', { role: 'follower', leader: 'host-a' }, { ready: true }],
    ['a leader not yet started is not', { role: 'leader', running: false, stopping: false }, { ready: false, reason: 'not started' }],
    ['a stopping leader is not', { role: 'leader', running: false, stopping: true }, { ready: false, reason: 'stopping' }],
    ['every source cycled within two intervals', leading({ cycles: { apay: NOW - 9 * MINUTE, bepaid: NOW - MINUTE } }), { ready: true }],
    ['a source exactly two intervals ago is still on time', leading({ cycles: { apay: NOW - 10 * MINUTE } }), { ready: true }],
    ['a source late beyond two intervals', leading({ cycles: { apay: NOW - 11 * MINUTE, bepaid: NOW - MINUTE } }), { ready: false, reason: 'no recent cycle of: apay' }],
    ['a source that never cycled', leading({ cycles: { apay: undefined } }), { ready: false, reason: 'no recent cycle of: apay' }],
    ['a sub-second schedule is allowed two seconds', leading({ cycles: { apay: NOW - 1_500 }, intervalMs: 200 }), { ready: true }],
    [
      'a channel that gave a message up and delivered nothing since',
      leading({ health: [health('treasury', { lastGaveUpAt: NOW - MINUTE, lastFailureAt: NOW - MINUTE, lastFailure: 'Slack answered HTTP 404' })] }),
      { ready: false, reason: 'channel treasury is failing: Slack answered HTTP 404' },
    ],
    ['a channel that delivered after giving up', leading({ health: [health('treasury', { lastGaveUpAt: NOW - 2 * MINUTE, lastSuccessAt: NOW - MINUTE })] }), { ready: true }],
    ['a retrying channel is not failing', leading({ health: [health('treasury', { lastFailureAt: NOW - MINUTE, waiting: 2 })] }), { ready: true }],
    [
      'both problems at once, in one reason',
      leading({ cycles: { apay: undefined }, health: [health('treasury', { lastGaveUpAt: NOW - MINUTE })] }),
      { ready: false, reason: 'no recent cycle of: apay; channel treasury is failing: it gave a notification up' },
    ],
  ])('%s', (_name, facts, expected) => {
    const readiness = readinessOf(facts, NOW);
    expect({ ready: readiness.ready, ...(readiness.reason === undefined ? {} : { reason: readiness.reason }) }).toEqual(expected);
  });

  it('reports each source and channel with its times', () => {
    const readiness = readinessOf(leading({ cycles: { apay: NOW - MINUTE }, channels: ['treasury', 'finance'], health: [health('finance', { lastFailureAt: NOW - MINUTE, lastFailure: 'SMTP 451', waiting: 1 })] }), NOW);
    expect(readiness).toEqual({
      ready: true,
      role: 'leader',
      sources: { apay: { lastCycleAt: '2026-12-02T11:59:00.000Z', deadline: '2026-12-02T12:09:00.000Z', ok: true } },
      channels: {
        treasury: { ok: true, up: true, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, waiting: 0 },
        finance: { ok: true, up: false, lastSuccessAt: null, lastFailureAt: '2026-12-02T11:59:00.000Z', lastFailure: 'SMTP 451', waiting: 1 },
      },
    });
  });

  it('names the leader while following', () => {
    expect(readinessOf({ role: 'follower', leader: 'host-a' }, NOW)).toEqual({ ready: true, role: 'follower', leader: 'host-a', sources: {}, channels: {} });
  });
});
