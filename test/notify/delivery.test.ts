import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY, type DeliveryListener, drainOutbox } from '../../src/notify/delivery.js';
import type { Channel, Message, SendResult } from '../../src/notify/message.js';
import { StateStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { T0 } from '../helpers/events.js';

/** A channel that answers from a script and records what it was sent. */
function scriptedChannel(id: string, answers: SendResult[]): Channel & { sent: Message[] } {
  const sent: Message[] = [];
  return {
    id,
    type: 'fake',
    sent,
    async send(message) {
      sent.push(message);
      return answers.shift() ?? { ok: true };
    },
    close() {},
  };
}

function setup(channels: Channel[], queued: { channel: string; n: number }[]) {
  const store = StateStore.open(path.join(tempDir(), 'state.db'));
  let id = 0;
  for (const { channel, n } of queued) {
    for (let i = 0; i < n; i += 1) {
      store.commitCycle({ source: 'apay', now: T0, alerts: [], observations: [], outbox: [{ channel, message: { kind: 'test', channel, at: (id += 1) } }] });
    }
  }
  const log: string[] = [];
  const listener: DeliveryListener = {
    delivered: (row, channel) => log.push(`delivered #${row.id} ${channel}`),
    retrying: (row, channel, reason, _message, next) => log.push(`retry #${row.id} ${channel} ${reason} +${next - clock.now}`),
    gaveUp: (row, channel, reason) => log.push(`gave up #${row.id} ${channel} ${reason}`),
    overdue: (row) => log.push(`overdue #${row.id}`),
  };
  const clock = { now: T0 };
  const deps = { store, channels: new Map(channels.map((c) => [c.id, c])), now: () => clock.now, random: () => 0.5, listener, options: DEFAULT_DELIVERY };
  return { store, log, clock, deps };
}

const fail = (reason: 'server' | 'client' | 'rate_limited', retryable: boolean, retryAfterMs?: number): SendResult => ({
  ok: false,
  failure: { reason, retryable, message: `failed: ${reason}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
});

describe('drainOutbox', () => {
  it('marks a message sent only after the channel confirmed it', async () => {
    const slack = scriptedChannel('slack', [{ ok: true }]);
    const { store, log, deps } = setup([slack], [{ channel: 'slack', n: 1 }]);
    expect(await drainOutbox(deps, new AbortController().signal)).toBe(1);
    expect(log).toEqual(['delivered #1 slack']);
    expect(store.pendingMessages()).toEqual([]);
    expect(await drainOutbox(deps, new AbortController().signal)).toBe(0);
  });

  it('retries with backoff, honours Retry-After, and keeps order within a channel', async () => {
    const slack = scriptedChannel('slack', [fail('server', true), { ok: true }, fail('rate_limited', true, 30_000)]);
    const { store, log, clock, deps } = setup([slack], [{ channel: 'slack', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['retry #1 slack server +2500']);
    expect(store.pendingMessages()).toHaveLength(2);
    clock.now += 2_500;
    await drainOutbox(deps, new AbortController().signal);
    expect(log.slice(1)).toEqual(['delivered #1 slack', 'retry #2 slack rate_limited +30000']);
    clock.now += 30_000;
    await drainOutbox(deps, new AbortController().signal);
    expect(log.at(-1)).toBe('delivered #2 slack');
    expect(slack.sent).toHaveLength(4);
  });

  it('records a permanent failure and goes on with the next message', async () => {
    const slack = scriptedChannel('slack', [fail('client', false), { ok: true }]);
    const { store, log, deps } = setup([slack], [{ channel: 'slack', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['gave up #1 slack client', 'delivered #2 slack']);
    expect(store.failedMessages()).toHaveLength(1);
  });

  it('keeps channels independent: one failing never holds up another', async () => {
    const slack = scriptedChannel('slack', [fail('server', true)]);
    const email = scriptedChannel('email', []);
    const { log, deps } = setup([slack, email], [{ channel: 'slack', n: 2 }, { channel: 'email', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log.sort()).toEqual(['delivered #3 email', 'delivered #4 email', 'retry #1 slack server +2500']);
    expect(slack.sent).toHaveLength(1);
  });

  it('gives up on a channel that left the config, loudly', async () => {
    const { log, deps } = setup([], [{ channel: 'old', n: 1 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['gave up #1 old unknown_channel']);
  });

  it('reports a message undelivered for an hour, once', async () => {
    const slack = scriptedChannel('slack', [fail('server', true), fail('server', true), fail('server', true)]);
    const { log, clock, deps } = setup([slack], [{ channel: 'slack', n: 1 }]);
    clock.now += 3_600_000;
    await drainOutbox(deps, new AbortController().signal);
    clock.now += 600_000;
    await drainOutbox(deps, new AbortController().signal);
    expect(log.filter((line) => line.startsWith('overdue'))).toEqual(['overdue #1']);
  });

  it('stops at once on shutdown, leaving the message owed', async () => {
    const slack = scriptedChannel('slack', [{ ok: false, failure: { reason: 'cancelled', retryable: false, message: 'cancelled' } }]);
    const { store, deps } = setup([slack], [{ channel: 'slack', n: 1 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(store.pendingMessages()[0]).toMatchObject({ attempts: 0 });
  });
});
