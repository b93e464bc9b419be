import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY, drainOutbox } from '../../src/notify/delivery.js';
import type { Channel, Message, SendableMessage } from '../../src/notify/message.js';
import { noticeRecipients } from '../../src/notify/notices.js';
import { decodeJson } from '../../src/store/codec.js';
import { decodeMessage, encodeMessage, MESSAGE_VERSION } from '../../src/store/message-codec.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { decodeState, encodeState } from '../../src/store/state-codec.js';
import { tempDir } from '../helpers/cli.js';
import { T0 } from '../helpers/events.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/stored');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8').trim();
const OLD = 1763715600000;

describe('outbox messages in the shapes earlier releases wrote', () => {
  it.each(['alerts', 'summary', 'delivery-failure', 'test'])('a %s message of version 0 reads as it was written, and round-trips in the current shape', (kind) => {
    const text = fixture(`outbox-v0-${kind}.json`);
    const decoded = decodeMessage(text);
    expect(decoded).toEqual({ ok: true, message: decodeJson<Message>(text) });
    if (!decoded.ok) return;
    const rewritten = encodeMessage(decoded.message);
    expect(JSON.parse(rewritten)).toMatchObject({ v: MESSAGE_VERSION });
    expect(decodeMessage(rewritten)).toEqual(decoded);
  });

  it.each([
    ['outbox-unreadable-newer.json', 'it was written by a newer balance-watch (message version 2; this one reads up to 1)'],
    ['outbox-unreadable-shape.json', 'it is not a message balance-watch 1 knows (events.0.source: Invalid input: expected string, received undefined)'],
    ['outbox-unreadable-truncated.json', 'it is not JSON'],
  ])('%s is unreadable, and says why', (name, why) => {
    expect(decodeMessage(fixture(name))).toEqual({ ok: false, why });
  });
});

describe('alert state in the shapes earlier releases wrote', () => {
  it('a firing state of version 0 reads field by field', () => {
    expect(decodeState(fixture('state-v0-firing.json'))).toEqual({
      level: 'critical',
      since: OLD,
      warnStreak: 3,
      criticalStreak: 2,
      failures: 0,
      lastValue: { amount: { units: 850_000n, scale: 2 }, currency: 'BDT' },
      lastObservedAt: OLD + 3_600_000,
      previousValue: { amount: { units: 1_200_000n, scale: 2 }, currency: 'BDT' },
      lastNotifiedAt: OLD + 3_600_000,
      projection: { at: OLD + 3_600_000, ms: 7_200_000, target: '0' },
    });
  });

  it.each(['state-v0-firing.json', 'state-v0-no-data.json'])('%s round-trips in the current shape', (name) => {
    const state = decodeState(fixture(name))!;
    const rewritten = encodeState(state);
    expect(JSON.parse(rewritten)).toMatchObject({ _: 1 });
    expect(decodeState(rewritten)).toEqual(state);
  });

  it.each([['state-unreadable.json'], ['{"_":2,"l":"ok","s":1,"w":0,"c":0,"f":0}'], ['{"l":"ok"'], ['[1,2]']])('%s is unreadable: the alert starts afresh', (source) => {
    expect(decodeState(source.endsWith('.json') ? fixture(source) : source)).toBeUndefined();
  });
});

describe('a drain meeting an unreadable row', () => {
  it('gives that row up (reason unreadable), tells the other channels, and delivers the rest', async () => {
    const file = path.join(tempDir(), 'state.db');
    const store = SqliteStore.open(file);
    await store.enqueue('apay', [{ channel: 'finance', message: decodeJson<Message>(fixture('outbox-v0-test.json')) }], T0);
    // Rows as an older or newer release left them, written past the codec.
    const raw = new Database(file);
    const insert = raw.prepare('INSERT INTO outbox (channel, source, message, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('finance', 'apay', fixture('outbox-unreadable-newer.json'), T0, T0);
    insert.run('finance', 'apay', fixture('outbox-v0-alerts.json'), T0, T0);
    raw.close();
    const sent: [string, SendableMessage][] = [];
    const channel = (id: string): Channel => ({
      id,
      type: 'fake',
      label: `Fake ${id}`,
      send: async (message) => {
        sent.push([id, message]);
        return { ok: true };
      },
      close() {},
    });
    const given: string[] = [];
    const deps = {
      store,
      channels: new Map([
        ['finance', channel('finance')],
        ['treasury', channel('treasury')],
      ]),
      recipientsOf: (message: Message, failed: string) => noticeRecipients({ channels: [{ id: 'finance' }, { id: 'treasury' }] as never, rules: [] }, message, failed),
      now: () => T0,
      random: () => 0.5,
      options: DEFAULT_DELIVERY,
      listener: {
        delivered: () => undefined,
        retrying: () => undefined,
        gaveUp: (row: { id: number }, id: string, reason: string, why: string) => given.push(`#${row.id} ${id} ${reason}: ${why}`),
        refused: () => undefined,
        noticed: () => undefined,
        unheard: () => undefined,
        orphaned: () => undefined,
        overdue: () => undefined,
      },
    };
    await drainOutbox(deps, new AbortController().signal);
    await drainOutbox(deps, new AbortController().signal);
    expect(given).toEqual(['#2 finance unreadable: the queued message cannot be read: it was written by a newer balance-watch (message version 2; this one reads up to 1)']);
    expect(sent.map(([id, m]) => `${id} ${m.kind}`)).toEqual(['finance test', 'finance alerts', 'treasury delivery-failure']);
    const notice = sent.find(([id]) => id === 'treasury')![1];
    expect(notice).toMatchObject({ kind: 'delivery-failure', channel: 'finance', lost: '[UNREADABLE] a queued message this version of balance-watch cannot read' });
    expect((await store.failedMessages()).map((m) => [m.id, m.lastReason])).toEqual([[2, 'unreadable']]);
    await store.close();
  });
});

describe('drop alerts in the stored shapes', () => {
  const bdt = (units: bigint) => ({ amount: { units, scale: 2 }, currency: 'BDT' });

  it('a drop event round-trips through the outbox codec, and a message without one still reads', () => {
    const message: Message = {
      kind: 'alerts',
      source: 'apay',
      events: [
        {
          kind: 'drop',
          rule: 'bKash agent float',
          source: 'apay',
          account: 'bkash_a',
          target: 'bkash_a',
          level: 'ok',
          previousLevel: 'ok',
          value: bdt(13_000_000n),
          thresholds: {},
          since: T0,
          at: T0,
          drop: { from: bdt(20_000_000n), fall: bdt(7_000_000n), ratio: 0.35, overMs: 2_400_000, limit: '30 %', withinMs: 3_600_000 },
        },
      ],
    };
    expect(decodeMessage(encodeMessage(message))).toEqual({ ok: true, message });
  });

  it('a state with a firing drop round-trips, and one written before drops reads without one', () => {
    const state = { level: 'ok' as const, since: T0, warnStreak: 0, criticalStreak: 0, failures: 0, lastValue: bdt(13_000_000n), lastObservedAt: T0, dropSince: T0, dropRatio: 0.35 };
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(decodeState(fixture('state-v0-firing.json'))?.dropSince).toBeUndefined();
  });

  it("a total's event, with its members and who joined, round-trips through the outbox codec", () => {
    const message: Message = {
      kind: 'alerts',
      source: 'total:BDT liquidity',
      events: [
        {
          kind: 'firing',
          rule: 'BDT liquidity',
          source: 'total:BDT liquidity',
          account: 'total',
          target: 'BDT liquidity',
          level: 'warning',
          previousLevel: 'ok',
          value: bdt(13_000_000n),
          thresholds: { warn: { units: 20_000_000n, scale: 2 } },
          since: T0,
          at: T0,
          members: { shown: [{ key: 'apay/bkash_a', value: bdt(13_000_000n) }], count: 1 },
          joined: ['apay/bkash_a'],
        },
      ],
    };
    expect(decodeMessage(encodeMessage(message))).toEqual({ ok: true, message });
  });

  it("a total's state keeps its members and the joins still to announce, and one written before totals reads without them", () => {
    const state = { level: 'ok' as const, since: T0, warnStreak: 0, criticalStreak: 0, failures: 0, members: ['apay/bkash_a', 'bepaid/bdt'], joined: ['bepaid/bdt'] };
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(decodeState(fixture('state-v0-firing.json'))?.members).toBeUndefined();
  });

  it('a state keeps who was told of each kind of trouble, and an event the channels it is owed to', () => {
    const state = { level: 'critical' as const, since: T0, warnStreak: 2, criticalStreak: 1, failures: 0, told: { level: ['treasury', 'finance'], no_data: ['ops'] } };
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(decodeState(fixture('state-v0-firing.json'))?.told).toBeUndefined();
    const message: Message = {
      kind: 'alerts',
      source: 'apay',
      events: [{ kind: 'firing', rule: 'r', source: 'apay', account: 'a', target: 'a', level: 'critical', previousLevel: 'ok', thresholds: {}, since: T0, at: T0, to: ['treasury', 'finance'] }],
    };
    expect(decodeMessage(encodeMessage(message))).toEqual({ ok: true, message });
  });
});
