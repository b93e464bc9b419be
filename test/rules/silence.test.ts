import { describe, expect, it } from 'vitest';
import { applySilences, parseSilenceTarget, type Silence } from '../../src/rules/silence.js';
import { criticalEvent, T0 } from '../helpers/events.js';

const silence = (overrides: Partial<Silence> = {}): Silence => ({
  id: 1,
  rule: 'bKash agent float',
  account: null,
  level: 'warning',
  reason: 'top-up requested',
  createdAt: T0,
  until: T0 + 7_200_000,
  endedAt: null,
  endReason: null,
  ...overrides,
});
const warning = criticalEvent({ level: 'warning' });
const kinds = (events: readonly { kind: string }[]) => events.map((e) => e.kind);

describe('applySilences', () => {
  it.each<[string, Silence[], ReturnType<typeof criticalEvent>, 'send' | 'muted']>([
    ['no silence', [], warning, 'send'],
    ['a silence on the rule mutes a warning', [silence()], warning, 'muted'],
    ['a glob on the rule', [silence({ rule: 'bKash*' })], warning, 'muted'],
    ['a silence on another account', [silence({ account: 'bkash_b' })], warning, 'send'],
    ['a glob on the account', [silence({ account: 'bkash_*' })], warning, 'muted'],
    ['an expired silence', [silence({ until: T0 })], warning, 'send'],
    ['a removed silence', [silence({ endedAt: T0 - 1, endReason: 'removed' })], warning, 'send'],
    ['a critical gets through a warning-level silence', [silence()], criticalEvent(), 'send'],
    ['a critical-level silence mutes a critical', [silence({ level: 'critical' })], criticalEvent(), 'muted'],
    ['an improvement to warning stays muted', [silence()], criticalEvent({ kind: 'improvement', level: 'warning' }), 'muted'],
    ['a no-data alert is muted', [silence()], criticalEvent({ kind: 'no_data', level: 'ok' }), 'muted'],
    ['a runway alert is muted', [silence()], criticalEvent({ kind: 'runway', level: 'ok' }), 'muted'],
  ])('%s', (_name, silences, event, expected) => {
    const decision = applySilences([event], silences, T0 + 1000);
    expect(expected === 'send' ? decision.send : decision.muted).toHaveLength(1);
  });

  it('a resolve ends the silence and is still sent, saying so', () => {
    const decision = applySilences([criticalEvent({ kind: 'resolved', level: 'ok' })], [silence({ id: 7 }), silence({ id: 8, rule: 'other' })], T0 + 1000);
    expect(kinds(decision.send)).toEqual(['resolved']);
    expect(decision.send[0]!.silenceEnded).toBe(true);
    expect(decision.ended).toEqual([7]);
  });
});

describe('parseSilenceTarget', () => {
  it.each([
    ['bKash agent float', { rule: 'bKash agent float', account: null }],
    ['UPI/upi_fast', { rule: 'UPI', account: 'upi_fast' }],
    ['UPI/upi_*', { rule: 'UPI', account: 'upi_*' }],
    ['a/b/c', { rule: 'a/b', account: 'c' }],
    ['trailing/', { rule: 'trailing/', account: null }],
  ])('%s', (text, expected) => {
    expect(parseSilenceTarget(text)).toEqual(expected);
  });
});
