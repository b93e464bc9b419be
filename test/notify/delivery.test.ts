import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY, type DeliveryListener, drainOutbox } from '../../src/notify/delivery.js';
import type { Channel, Message, SendResult } from '../../src/notify/message.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/cli.js';
import { criticalEvent, T0 } from '../helpers/events.js';
import { noticeRecipients } from '../../src/notify/notices.js';

/** A channel that answers from a script and records what it was sent. */
function scriptedChannel(id: string, answers: SendResult[]): Channel & { sent: Message[] } {
  const sent: Message[] = [];
  return {
    id,
    type: 'fake',
    label: `Fake ${id}`,
    sent,
    async send(message) {
      sent.push(message);
      return answers.shift() ?? { ok: true };
    },
    close() {},
  };
}

/** Queued messages are alerts of one rule that notifies every channel given, unless `test` says otherwise. */
async function setup(channels: Channel[], queued: { channel: string; n: number; test?: boolean }[]) {
  const store = SqliteStore.open(path.join(tempDir(), 'state.db'));
  let id = 0;
  for (const { channel, n, test } of queued) {
    for (let i = 0; i < n; i += 1) {
      const message: Message = test === false ? { kind: 'alerts', source: 'apay', events: [criticalEvent()] } : { kind: 'test', channel, at: (id += 1) };
      await store.commitCycle({ source: 'apay', now: T0, alerts: [], observations: [], outbox: [{ channel, message }] });
    }
  }
  const log: string[] = [];
  const listener: DeliveryListener = {
    delivered: (row, channel) => log.push(`delivered #${row.id} ${channel}`),
    retrying: (row, channel, reason, _message, next) => log.push(`retry #${row.id} ${channel} ${reason} +${next - clock.now}`),
    gaveUp: (row, channel, reason) => log.push(`gave up #${row.id} ${channel} ${reason}`),
    refused: (row, channel, message) => log.push(`refused #${row.id} ${channel}: ${message}`),
    noticed: (row, channel, recipients) => log.push(`told ${recipients.join(',')} about #${row.id} ${channel}`),
    unheard: (row, channel) => log.push(`nobody told about #${row.id} ${channel}`),
    orphaned: (row, channel) => log.push(`orphaned #${row.id} ${channel}`),
    overdue: (row) => log.push(`overdue #${row.id}`),
  };
  const clock = { now: T0 };
  const ids = channels.map((c) => c.id);
  const deps = {
    store,
    channels: new Map(channels.map((c) => [c.id, c])),
    recipientsOf: (message: Message, failed: string) => noticeRecipients({ channels: ids.map((id) => ({ id })) as never, rules: [{ name: 'bKash agent float', notify: ids }] as never }, message, failed),
    now: () => clock.now,
    random: () => 0.5,
    listener,
    options: DEFAULT_DELIVERY,
  };
  return { store, log, clock, deps };
}

const fail = (reason: 'server' | 'client' | 'rate_limited', retryable: boolean, retryAfterMs?: number): SendResult => ({
  ok: false,
  failure: { reason, retryable, message: `failed: ${reason}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
});

describe('drainOutbox', () => {
  it('marks a message sent only after the channel confirmed it', async () => {
    const slack = scriptedChannel('slack', [{ ok: true }]);
    const { store, log, deps } = await setup([slack], [{ channel: 'slack', n: 1 }]);
    expect(await drainOutbox(deps, new AbortController().signal)).toBe(1);
    expect(log).toEqual(['delivered #1 slack']);
    expect(await store.pendingMessages()).toEqual([]);
    expect(await drainOutbox(deps, new AbortController().signal)).toBe(0);
  });

  it('retries with backoff, honours Retry-After, and keeps order within a channel', async () => {
    const slack = scriptedChannel('slack', [fail('server', true), { ok: true }, fail('rate_limited', true, 30_000)]);
    const { store, log, clock, deps } = await setup([slack], [{ channel: 'slack', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['retry #1 slack server +2500']);
    expect(await store.pendingMessages()).toHaveLength(2);
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
    const { store, log, deps } = await setup([slack], [{ channel: 'slack', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['gave up #1 slack client', 'delivered #2 slack']);
    expect(await store.failedMessages()).toHaveLength(1);
  });

  it('keeps channels independent: one failing never holds up another', async () => {
    const slack = scriptedChannel('slack', [fail('server', true)]);
    const email = scriptedChannel('email', []);
    const { log, deps } = await setup([slack, email], [{ channel: 'slack', n: 2 }, { channel: 'email', n: 2 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log.sort()).toEqual(['delivered #3 email', 'delivered #4 email', 'retry #1 slack server +2500']);
    expect(slack.sent).toHaveLength(1);
  });

  it('keeps what a channel that left the config is owed, and gives it up only at the horizon', async () => {
    const { store, log, clock, deps } = await setup([], [{ channel: 'old', n: 1, test: false }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['orphaned #1 old']);
    expect(await store.pendingMessages()).toHaveLength(1);
    expect(await store.nextDueAt()).toBe(T0 + DEFAULT_DELIVERY.orphanRecheckMs);
    clock.now += DEFAULT_DELIVERY.giveUpAfterMs;
    await drainOutbox(deps, new AbortController().signal);
    expect(log.slice(1)).toEqual(['overdue #1', 'gave up #1 old unknown_channel', 'nobody told about #1 old']);
  });

  it('retries a failing channel until give_up_after, then gives up and tells the other channels once', async () => {
    const email = scriptedChannel('email', Array.from({ length: 1_000 }, () => fail('server', true)));
    const slack = scriptedChannel('slack', []);
    const { store, log, clock, deps } = await setup([email, slack], [{ channel: 'email', n: 2, test: false }]);
    // Backoff grows to 10 min (5 with this jitter), so a day takes about 300 retries.
    for (let i = 0; i < 1_000 && (await store.failedMessages()).length < 2; i += 1) {
      await drainOutbox(deps, new AbortController().signal);
      clock.now = Math.max(clock.now + 1_000, (await store.nextDueAt()) ?? clock.now);
    }
    expect(clock.now - T0).toBeGreaterThanOrEqual(DEFAULT_DELIVERY.giveUpAfterMs);
    expect(log.filter((line) => !line.startsWith('retry'))).toEqual([
      'overdue #1',
      'overdue #2',
      'gave up #1 email expired',
      'told slack about #1 email',
      'gave up #2 email expired',
      'delivered #3 slack',
    ]);
    const [notice] = slack.sent;
    expect(notice).toMatchObject({ kind: 'delivery-failure', channel: 'email', target: 'Fake email', lost: '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)' });
    expect(notice).toMatchObject({ problem: expect.stringMatching(/^still failing after 24 h of retries: failed: server$/) });
    expect((await store.channelHealth.all(clock.now)).find((h) => h.channel === 'email')).toMatchObject({ gaveUpLastDay: 2, waiting: 0, lastReason: 'expired' });
  });

  it('tells the other channels of a permanent refusal at once, at most once an hour, and never about a notice', async () => {
    const email = scriptedChannel('email', [fail('client', false), fail('client', false), fail('client', false)]);
    const slack = scriptedChannel('slack', [fail('client', false)]);
    const { store, log, clock, deps } = await setup([email, slack], [{ channel: 'email', n: 2, test: false }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['gave up #1 email client', 'told slack about #1 email', 'gave up #2 email client']);
    await drainOutbox(deps, new AbortController().signal);
    // The notice itself is refused: given up, and nobody is told about it.
    expect(log.slice(3)).toEqual(['gave up #3 slack client']);
    clock.now += DEFAULT_DELIVERY.noticeIntervalMs;
    await store.commitCycle({ source: 'apay', now: clock.now, alerts: [], observations: [], outbox: [{ channel: 'email', message: { kind: 'alerts', source: 'apay', events: [criticalEvent()] } }] });
    await drainOutbox(deps, new AbortController().signal);
    expect(log.slice(4)).toEqual(['gave up #4 email client', 'told slack about #4 email']);
  });

  it('a half-refused email is sent once, shows in the channel\'s health, and the other channels hear who did not get it', async () => {
    const email = scriptedChannel('email', [{ ok: true, refused: [{ recipient: 'finance@example.com', problem: '550 5.1.1 user unknown' }], deliveredTo: 2 }]);
    const slack = scriptedChannel('slack', [{ ok: true }]);
    const { store, log, deps } = await setup([email, slack], [{ channel: 'email', n: 1, test: false }]);
    await drainOutbox(deps, new AbortController().signal);
    const problem = 'finance@example.com refused: 550 5.1.1 user unknown; delivered to the 2 others';
    expect(log).toEqual(['delivered #1 email', `refused #1 email: ${problem}`, 'told slack about #1 email']);
    await drainOutbox(deps, new AbortController().signal);
    expect(log.slice(3)).toEqual(['delivered #2 slack']);
    // Sent once: the two who have it are not sent it again.
    expect(email.sent.length).toBe(1);
    expect(await store.failedMessages()).toEqual([]);
    expect(slack.sent.map((m) => (m.kind === 'delivery-failure' ? [m.problem, m.partial] : m.kind))).toEqual([[problem, true]]);
    const health = (await store.channelHealth.all(T0)).find((h) => h.channel === 'email');
    expect(health).toMatchObject({ lastFailure: problem, lastReason: 'client', waiting: 0, lastGaveUpAt: null });
  });

  it('says so when no other channel can be told', async () => {
    const email = scriptedChannel('email', [fail('client', false)]);
    const { log, deps } = await setup([email], [{ channel: 'email', n: 1, test: false }]);
    await drainOutbox(deps, new AbortController().signal);
    expect(log).toEqual(['gave up #1 email client', 'nobody told about #1 email']);
  });

  it('reports a message undelivered for an hour, once', async () => {
    const slack = scriptedChannel('slack', [fail('server', true), fail('server', true), fail('server', true)]);
    const { log, clock, deps } = await setup([slack], [{ channel: 'slack', n: 1 }]);
    clock.now += 3_600_000;
    await drainOutbox(deps, new AbortController().signal);
    clock.now += 600_000;
    await drainOutbox(deps, new AbortController().signal);
    expect(log.filter((line) => line.startsWith('overdue'))).toEqual(['overdue #1']);
  });

  it('stops at once on shutdown, leaving the message owed', async () => {
    const slack = scriptedChannel('slack', [{ ok: false, failure: { reason: 'cancelled', retryable: false, message: 'cancelled' } }]);
    const { store, deps } = await setup([slack], [{ channel: 'slack', n: 1 }]);
    await drainOutbox(deps, new AbortController().signal);
    expect((await store.pendingMessages())[0]).toMatchObject({ attempts: 0 });
  });
});

describe('a channel outside its time window', () => {
  // Office hours in UTC, weekdays 09:00-18:00. T0 is a fixed instant; the test moves the clock to known local times.
  const office = { name: 'office-hours', timezone: 'UTC', weekdays: new Set([1, 2, 3, 4, 5]), times: [[540, 1080]] as [number, number][], exceptDates: new Set<string>() };
  const FRIDAY_EVENING = Date.UTC(2026, 11, 4, 20, 0);
  const SATURDAY_NIGHT = Date.UTC(2026, 11, 5, 2, 10);
  const SATURDAY_MORNING = Date.UTC(2026, 11, 5, 4, 30);
  const MONDAY_OPENING = Date.UTC(2026, 11, 7, 9, 0);

  it('holds what is owed until the window opens, then sends one catch-up with every alert and what became of it', async () => {
    const finance = scriptedChannel('finance', []);
    const { store, log, clock, deps } = await setup([finance], []);
    const windowed = { ...deps, windowOf: (id: string) => (id === 'finance' ? office : undefined), listener: { ...deps.listener, held: (row: { id: number }) => log.push(`held #${row.id}`) } };
    // Each queued, then drained at once, as the daemon does.
    const queue = async (at: number, events: Message & { kind: 'alerts' }) => {
      await store.commitCycle({ source: 'apay', now: at, alerts: [], observations: [], outbox: [{ channel: 'finance', message: events }] });
      clock.now = at;
      await drainOutbox(windowed, new AbortController().signal);
    };
    // Fired and resolved in the night; another fired and still firing.
    await queue(SATURDAY_NIGHT, { kind: 'alerts', source: 'apay', events: [criticalEvent({ at: SATURDAY_NIGHT })] });
    await queue(SATURDAY_MORNING, { kind: 'alerts', source: 'apay', events: [criticalEvent({ kind: 'resolved', level: 'ok', previousLevel: 'critical', at: SATURDAY_MORNING, value: { amount: { units: 9_000_000n, scale: 2 }, currency: 'BDT' } })] });
    await queue(SATURDAY_MORNING, { kind: 'alerts', source: 'apay', events: [criticalEvent({ rule: 'UPI', account: 'upi_fast', target: 'upi_*', level: 'warning', at: SATURDAY_MORNING })] });
    await store.commitCycle({
      source: 'apay',
      now: SATURDAY_MORNING,
      alerts: [{ rule: 'UPI', account: 'upi_fast', state: { level: 'warning', since: SATURDAY_MORNING, warnStreak: 1, criticalStreak: 0, failures: 0, lastValue: { amount: { units: 4_500_000n, scale: 2 }, currency: 'INR' } } }],
      observations: [],
      outbox: [],
    });
    expect(finance.sent).toEqual([]);
    expect(log).toEqual(['held #1', 'held #2', 'held #3']);
    // Held messages wait by design: they are not reported overdue.
    clock.now = SATURDAY_MORNING + 5 * 3_600_000;
    expect(await store.takeNewlyOverdue(clock.now, 3_600_000)).toEqual([]);
    expect(await store.nextDueAt()).toBe(MONDAY_OPENING);
    clock.now = MONDAY_OPENING;
    await drainOutbox(windowed, new AbortController().signal);
    await drainOutbox(windowed, new AbortController().signal);
    expect(finance.sent).toHaveLength(1);
    const digest = finance.sent[0]!;
    expect(digest.kind).toBe('away');
    const { messageTitle } = await import('../../src/notify/format.js');
    const { awayText } = await import('../../src/notify/away.js');
    expect(messageTitle(digest)).toBe('While you were away (Fri 18:00 – Mon 09:00): 2 alerts fired, 1 resolved, 1 still firing');
    expect(awayText(digest as never, { timezone: 'UTC' }).split('\n')).toEqual([
      'The channel was outside its hours from 2026-12-04 18:00 UTC to 2026-12-07 09:00 UTC.',
      'UPI · upi_fast: fired Sat 04:30 (warning, 8,500.00 BDT); still warning, 45,000.00 INR',
      'bKash agent float: fired Sat 02:10 (critical, 8,500.00 BDT), resolved Sat 04:30; now ok',
    ]);
    expect(await store.pendingMessages()).toEqual([]);
  });

  it('holds a summary due outside the window too, and sends it as it is at the opening', async () => {
    const finance = scriptedChannel('finance', []);
    const { store, clock, deps } = await setup([finance], []);
    const summary: Message = { kind: 'summary', channel: 'finance', from: FRIDAY_EVENING - 86_400_000, to: SATURDAY_MORNING, late: false, balances: [], fired: [], resolved: [] };
    await store.recordSummary('finance', summary, SATURDAY_MORNING, SATURDAY_MORNING + 86_400_000);
    clock.now = SATURDAY_MORNING;
    await drainOutbox({ ...deps, windowOf: () => office }, new AbortController().signal);
    expect(finance.sent).toEqual([]);
    clock.now = MONDAY_OPENING;
    await drainOutbox({ ...deps, windowOf: () => office }, new AbortController().signal);
    expect(finance.sent.map((m) => m.kind)).toEqual(['summary']);
  });

  it('still sends a test message at once', async () => {
    const finance = scriptedChannel('finance', []);
    const { clock, deps } = await setup([finance], [{ channel: 'finance', n: 1 }]);
    clock.now = FRIDAY_EVENING;
    await drainOutbox({ ...deps, windowOf: () => office }, new AbortController().signal);
    expect(finance.sent.map((m) => m.kind)).toEqual(['test']);
  });
});
