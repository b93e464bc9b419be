import { describe, expect, it } from 'vitest';
import { silenceChoices } from '../../src/actions/choices.js';
import { verifyLink } from '../../src/actions/link.js';
import { actionLinker, digestLinker } from '../../src/actions/links.js';
import type { Config } from '../../src/config/types.js';
import { criticalEvent, T0 } from '../helpers/events.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const HOUR = 3_600_000;
const config = (actions = true): Pick<Config, 'actions' | 'http' | 'timezone'> => ({
  timezone: 'Asia/Dhaka',
  http: { listen: false, authMetrics: false, publicUrl: 'https://bw.internal' },
  ...(actions ? { actions: { secret: SECRET, silenceChoices: [2 * HOUR], silenceUntil: '09:00', linkTtl: 7 * 24 * HOUR } } : {}),
});

describe('silence choices', () => {
  it.each([
    // 2026-11-21 09:00 UTC is 15:00 in Dhaka (UTC+6, no DST): tomorrow 09:00 there is 03:00 UTC.
    ['Asia/Dhaka', Date.parse('2026-11-21T09:00:00Z'), '2026-11-22T03:00:00.000Z'],
    // Berlin leaves summer time on 2026-10-25: from 08:30 the day before, tomorrow 09:00 is 25 h 30 min away.
    ['Europe/Berlin', Date.parse('2026-10-24T06:30:00Z'), '2026-10-25T08:00:00.000Z'],
    // … and enters it on 2026-03-29: 23 h 30 min.
    ['Europe/Berlin', Date.parse('2026-03-28T07:30:00Z'), '2026-03-29T07:00:00.000Z'],
  ])('until tomorrow 09:00 in %s, from %s', (zone, now, expected) => {
    const choices = silenceChoices({ silenceChoices: [2 * HOUR], silenceUntil: '09:00' }, zone, now);
    expect(choices.map((c) => [c.label, new Date(c.until).toISOString()])).toEqual([
      ['Silence 2 h', new Date(now + 2 * HOUR).toISOString()],
      ['Silence until tomorrow 09:00', expected],
    ]);
  });
});

describe('the links of an event', () => {
  it('are signed for the event\'s alert and episode, expire a link_ttl after rendering, and end each silence as chosen', () => {
    const links = actionLinker(config(), () => T0)!;
    const event = criticalEvent({ since: T0 - HOUR });
    const { acknowledge, silences, board } = links(event)!;
    expect(board).toBe('https://bw.internal/alert?rule=bKash+agent+float&account=bkash_a');
    expect(verifyLink(acknowledge.replace('https://bw.internal/a/', ''), SECRET, T0)).toEqual({ ok: true, claim: { action: 'ack', rule: 'bKash agent float', account: 'bkash_a', episode: T0 - HOUR, expires: T0 + 7 * 24 * HOUR } });
    expect(silences.map((s) => s.label)).toEqual(['Silence 2 h', 'Silence until tomorrow 09:00']);
    const claims = silences.map((s) => verifyLink(s.url.replace('https://bw.internal/a/', ''), SECRET, T0));
    expect(claims).toEqual([
      { ok: true, claim: { action: 'silence', rule: 'bKash agent float', account: 'bkash_a', episode: T0 - HOUR, expires: T0 + 7 * 24 * HOUR, until: T0 + 2 * HOUR } },
      { ok: true, claim: { action: 'silence', rule: 'bKash agent float', account: 'bkash_a', episode: T0 - HOUR, expires: T0 + 7 * 24 * HOUR, until: Date.parse('2026-11-22T03:00:00Z') } },
    ]);
  });

  it.each(['resolved', 'improvement', 'no_data', 'no_data_resolved', 'runway_resolved'] as const)('a %s event carries none', (kind) => {
    expect(actionLinker(config(), () => T0)!(criticalEvent({ kind }))).toBeUndefined();
  });

  it('a digest of two firing alerts has one Acknowledge all link for its source and check; one alert has none', () => {
    const all = digestLinker(config(), () => T0)!;
    const url = all('apay', [criticalEvent({ at: T0 }), criticalEvent({ account: 'bkash_b', at: T0 }), criticalEvent({ kind: 'resolved', account: 'bkash_c', at: T0 })])!;
    expect(verifyLink(url.replace('https://bw.internal/a/', ''), SECRET, T0)).toEqual({ ok: true, claim: { action: 'ack-all', rule: '', account: 'apay', episode: T0, expires: T0 + 7 * 24 * HOUR } });
    expect(all('apay', [criticalEvent(), criticalEvent({ kind: 'resolved', account: 'bkash_c' })])).toBeUndefined();
  });

  it('are off without actions or without public_url', () => {
    expect(actionLinker(config(false), () => T0)).toBeUndefined();
    expect(actionLinker({ ...config(), http: { listen: false, authMetrics: false } }, () => T0)).toBeUndefined();
  });
});
