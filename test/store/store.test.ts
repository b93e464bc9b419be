import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { StateStore, StoreError } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';

const fresh = () => path.join(tempDir(), 'nested', 'folder', 'state.db');

describe('the state store', () => {
  it('creates its folder, migrates, and reopens an existing file', () => {
    const file = fresh();
    StateStore.open(file).close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    StateStore.open(file).close();
  });

  it('keeps alert state, with exact money, across a reopen', () => {
    const file = fresh();
    const store = StateStore.open(file);
    const state = { ...initialState(T0), level: 'critical' as const, lastValue: { amount: { units: 90071992547409931n, scale: 2 }, currency: 'USD' } };
    store.commitCycle({ source: 'apay', now: T0, alerts: [{ rule: 'r', account: 'a', state }], observations: [], outbox: [] });
    store.close();
    const again = StateStore.open(file);
    expect(again.loadStates('apay').get(alertKey('r', 'a'))).toEqual(state);
    expect(again.loadStates('bepaid').size).toBe(0);
    again.close();
  });

  it('writes state and outbox in one transaction: a crash before sending loses nothing', () => {
    const file = fresh();
    const store = StateStore.open(file);
    const message = { kind: 'alerts' as const, source: 'apay', events: [criticalEvent()] };
    store.commitCycle({
      source: 'apay',
      now: T0,
      alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state: { ...initialState(T0), level: 'critical' } }],
      observations: [{ account: 'bkash_a', value: bdt(850_000n) }],
      outbox: [{ channel: 'treasury', message }],
    });
    // The process dies here, before any send: nothing is marked sent.
    store.close();
    const restarted = StateStore.open(file);
    const due = restarted.dueMessages(T0);
    expect(due).toHaveLength(1);
    expect(due[0]!.message).toEqual(message);
    restarted.markSent(due[0]!.id, T0 + 1);
    expect(restarted.dueMessages(T0 + 2)).toEqual([]);
    expect(restarted.history('apay', 'bkash_a', 0)).toEqual([{ at: T0, value: bdt(850_000n) }]);
    restarted.close();
  });

  it('rolls back a cycle that fails half way', () => {
    const store = StateStore.open(fresh());
    const bad = { kind: 'alerts', source: 'apay', events: [] } as const;
    expect(() =>
      store.commitCycle({
        source: 'apay',
        now: T0,
        alerts: [{ rule: 'r', account: 'a', state: initialState(T0) }],
        observations: [],
        outbox: [{ channel: null as unknown as string, message: bad }],
      }),
    ).toThrow();
    expect(store.loadStates().size).toBe(0);
    store.close();
  });

  it('schedules retries, records permanent failures, and reports overdue messages once', () => {
    const store = StateStore.open(fresh());
    store.commitCycle({ source: 's', now: T0, alerts: [], observations: [], outbox: [{ channel: 'c', message: { kind: 'test', channel: 'c', at: T0 } }] });
    const [row] = store.dueMessages(T0);
    store.markRetry(row!.id, T0 + 60_000, 'Slack answered HTTP 503', 'server');
    expect(store.dueMessages(T0 + 59_999)).toEqual([]);
    expect(store.dueMessages(T0 + 60_000)[0]).toMatchObject({ attempts: 1, lastError: 'Slack answered HTTP 503', lastReason: 'server' });
    expect(store.takeNewlyOverdue(T0 + 3_600_000, 3_600_000)).toHaveLength(1);
    expect(store.takeNewlyOverdue(T0 + 7_200_000, 3_600_000)).toHaveLength(0);
    store.markFailed(row!.id, T0 + 1, 'Slack answered HTTP 404', 'client');
    expect(store.pendingMessages()).toEqual([]);
    expect(store.failedMessages()[0]).toMatchObject({ lastError: 'Slack answered HTTP 404' });
    store.close();
  });

  it('prunes old observations and delivered messages only', () => {
    const store = StateStore.open(fresh());
    store.commitCycle({ source: 's', now: T0, alerts: [], observations: [{ account: 'a', value: bdt(1n) }], outbox: [{ channel: 'c', message: { kind: 'test', channel: 'c', at: T0 } }] });
    store.commitCycle({ source: 's', now: T0 + 10, alerts: [], observations: [{ account: 'a', value: bdt(2n) }], outbox: [] });
    expect(store.prune(T0 + 5, T0 + 5)).toEqual({ observations: 1, messages: 0 });
    expect(store.pendingMessages()).toHaveLength(1);
    store.close();
  });

  it('explains a corrupt file, naming it', () => {
    const file = path.join(tempDir(), 'state.db');
    writeFileSync(file, 'this is not a database, but a text file that is long enough to have a header of its own.\n'.repeat(20));
    expect(() => StateStore.open(file)).toThrow(StoreError);
    expect(() => StateStore.open(file)).toThrow(`state store ${file} is not a valid balance-watch database`);
  });

  it('refuses a file written by a newer version', () => {
    const file = fresh();
    StateStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => StateStore.open(file)).toThrow(/written by a newer balance-watch/);
  });

  it('explains a folder it cannot create', () => {
    const dir = tempDir({ 'a-file': 'x' });
    expect(() => StateStore.open(path.join(dir, 'a-file', 'state.db'))).toThrow(StoreError);
  });

  it('forgets alerts of removed rules', () => {
    const store = StateStore.open(fresh());
    store.commitCycle({ source: 's', now: T0, alerts: [{ rule: 'keep', account: 'a', state: initialState(T0) }, { rule: 'gone', account: 'a', state: initialState(T0) }], observations: [], outbox: [] });
    expect(store.removeAlertsExcept(['keep'])).toBe(1);
    expect([...store.loadStates().keys()]).toEqual([alertKey('keep', 'a')]);
    store.close();
  });
});
