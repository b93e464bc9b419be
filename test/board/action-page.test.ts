import type { Server } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LinkClaim, signLink } from '../../src/actions/link.js';
import { type ActionAudit, handleAction } from '../../src/board/action-page.js';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { CONTENT_SECURITY_POLICY } from '../../src/http-security.js';
import { initialState } from '../../src/rules/alert.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/cli.js';
import { startPageServer } from '../helpers/page-server.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const SECRET = 'an-action-secret-of-at-least-32-characters';
const NOW = T0 + 3_600_000;
const EPISODE = T0;
const config: Config = parseConfigText(
  `${VALID_CONFIG.replace('schedule:', 'timezone: UTC\nschedule:')}http:\n  public_url: https://bw.internal\nactions:\n  secret: ${SECRET}\n`,
  { file: '/etc/bw/config.yaml', env: TEST_ENV },
).config!;

describe('the action page of a link', () => {
  let store: SqliteStore;
  let server: Server;
  let url: string;
  let audits: ActionAudit[];
  let now: number;

  beforeEach(async () => {
    store = SqliteStore.open(path.join(tempDir(), 'state.db'));
    const state = { ...initialState(EPISODE), level: 'warning' as const, since: EPISODE, warnStreak: 2, lastValue: bdt(4_500_000n), lastObservedAt: NOW };
    await store.commitCycle({ source: 'apay', now: NOW, alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state }], observations: [], outbox: [] });
    audits = [];
    now = NOW;
    const started = await startPageServer({ action: (request, res) => handleAction(request, { store, config, now, intervalMs: 0, audit: (entry) => audits.push(entry), queued: () => undefined }, res) });
    server = started.server;
    url = started.url;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });

  const claim = (overrides: Partial<LinkClaim> = {}): LinkClaim => ({ action: 'silence', rule: 'bKash agent float', account: 'bkash_a', episode: EPISODE, expires: NOW + 86_400_000, until: NOW + 7_200_000, ...overrides });
  const link = (c = claim()) => `${url}/a/${signLink(c, SECRET)}`;
  const post = (target: string, form: Record<string, string>) => fetch(target, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });

  it('GET shows the alert and a form, changes nothing, and needs no board password', async () => {
    const page = await fetch(link());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await page.text();
    expect(html).toContain('<b>bKash agent float · bkash_a</b>: warning, firing for 1 h (since 2026-11-21 09:00 UTC); balance 45,000.00 BDT');
    expect(html).toMatch(/<figure class="chart" data-rule="[^"]+" data-account="[^"]+"><svg viewBox="0 0 96 24"><title>no history yet<\/title><\/svg>/);
    expect(html).toMatch(/<form method="post">[\s\S]*name="by" required[\s\S]*<button type="submit">Silence until 2026-11-21 12:00 UTC<\/button>/);
    expect(await store.silences(NOW)).toEqual([]);
    expect(await store.pendingMessages()).toEqual([]);
  });

  it('POST silences it, tells its channels, remembers the name, and logs who did it from where', async () => {
    const done = await post(link(), { by: 'Anna', note: 'top-up requested from the bank' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Silenced until <b>2026-11-21 12:00 UTC</b> by Anna.');
    expect(done.headers.get('set-cookie')).toBe('bw_by=Anna; Path=/a/; Max-Age=31536000; SameSite=Strict; HttpOnly; Secure');
    expect((await store.silences(NOW)).map((s) => [s.rule, s.account, s.level, s.reason, s.until])).toEqual([['bKash agent float', 'bkash_a', 'warning', 'Anna: top-up requested from the bank', NOW + 7_200_000]]);
    expect((await store.pendingMessages()).map((m) => [m.channel, m.message])).toEqual([
      ['treasury', { kind: 'action', action: 'silenced', rule: 'bKash agent float', account: 'bkash_a', target: 'bkash_a', by: 'Anna', note: 'top-up requested from the bank', until: NOW + 7_200_000, at: NOW }],
    ]);
    expect(audits).toEqual([{ action: 'silence', rule: 'bKash agent float', account: 'bkash_a', by: 'Anna', until: NOW + 7_200_000, client: '127.0.0.1' }]);
    // The next visit fills the name in.
    const again = await fetch(link(), { headers: { cookie: 'bw_by=Anna' } });
    expect(await again.text()).toContain('name="by" required maxlength="80" value="Anna"');
  });

  it('an Acknowledge link: GET explains, POST acknowledges (state, timeline, a request for the daemon) and tells the channels', async () => {
    const ackLink = link({ action: 'ack', rule: 'bKash agent float', account: 'bkash_a', episode: EPISODE, expires: NOW + 86_400_000 });
    const page = await (await fetch(ackLink)).text();
    expect(page).toContain('Tell the team you are on it: no more reminders of this alert until it gets worse or resolves');
    expect((await store.alerts())[0]?.state.acknowledged).toBeUndefined();
    const done = await post(ackLink, { by: 'Anna', note: 'on it' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Acknowledged at 2026-11-21 10:00 UTC by Anna.');
    expect((await store.alerts())[0]?.state.acknowledged).toEqual({ by: 'Anna', note: 'on it', at: NOW });
    expect(await store.pendingRequests('apay')).toEqual([{ rule: 'bKash agent float', account: 'bkash_a', kind: 'ack', ack: { by: 'Anna', note: 'on it', at: NOW } }]);
    expect((await store.pendingMessages()).map((m) => m.message)).toEqual([
      { kind: 'action', action: 'acknowledged', rule: 'bKash agent float', account: 'bkash_a', target: 'bkash_a', by: 'Anna', note: 'on it', until: null, at: NOW },
    ]);
    expect(audits).toEqual([{ action: 'ack', rule: 'bKash agent float', account: 'bkash_a', by: 'Anna', until: null, client: '127.0.0.1' }]);
  });

  it('Acknowledge all: lists the alerts of that check still firing, acknowledges them, and each channel hears once, naming them all', async () => {
    const second = { ...initialState(EPISODE), level: 'critical' as const, since: EPISODE, warnStreak: 1, criticalStreak: 1, lastValue: bdt(500_000n) };
    await store.commitCycle({
      source: 'apay',
      now: NOW,
      alerts: [{ rule: 'bKash agent float', account: 'bkash_b', state: second }],
      observations: [],
      outbox: [],
      events: [criticalEvent({ at: NOW }), criticalEvent({ account: 'bkash_b', at: NOW }), criticalEvent({ account: 'gone', at: NOW })],
    });
    const all = link({ action: 'ack-all', rule: '', account: 'apay', episode: NOW, expires: NOW + 86_400_000 });
    const page = await (await fetch(all)).text();
    expect(page).toContain('<li>bKash agent float · bkash_a: warning, 45,000.00 BDT</li><li>bKash agent float · bkash_b: critical, 5,000.00 BDT</li>');
    expect((await post(all, { by: 'Anna' })).status).toBe(200);
    expect((await store.alerts()).map((a) => [a.account, a.state.acknowledged?.by])).toEqual([['bkash_a', 'Anna'], ['bkash_b', 'Anna']]);
    expect((await store.pendingMessages()).map((m) => [m.channel, m.message])).toEqual([
      ['treasury', { kind: 'action', action: 'acknowledged', rule: 'bKash agent float', account: 'bkash_a', target: 'bkash_a', by: 'Anna', note: null, until: null, at: NOW, more: ['bKash agent float · bkash_b'] }],
    ]);
  });

  it.each([
    ['tampered', (token: string) => `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`, 403, /was changed after balance-watch sent it/],
    ['cut short', (token: string) => token.slice(0, 20), 403, /not a balance-watch action link/],
    ['garbage', () => '%00<script>', 403, /not a balance-watch action link/],
  ])('a %s link changes nothing and says so', async (_what, change, status, said) => {
    const token = signLink(claim(), SECRET);
    for (const method of ['GET', 'POST']) {
      const answer = await fetch(`${url}/a/${change(token)}`, { method, ...(method === 'POST' ? { body: new URLSearchParams({ by: 'Mallory' }) } : {}) });
      expect(answer.status).toBe(status);
      expect(await answer.text()).toMatch(said);
    }
    expect(await store.silences(NOW)).toEqual([]);
  });

  it('an expired link, one for an earlier episode, or one whose alert resolved does nothing', async () => {
    now = NOW + 2 * 86_400_000;
    expect((await post(link(), { by: 'Anna' })).status).toBe(403);
    now = NOW;
    const earlier = await post(link(claim({ episode: EPISODE - 86_400_000 })), { by: 'Anna' });
    expect(earlier.status).toBe(409);
    expect(await earlier.text()).toContain('resolved and fired again since the message was sent');
    await store.commitCycle({ source: 'apay', now: NOW, alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state: initialState(NOW) }], observations: [], outbox: [] });
    const resolved = await post(link(), { by: 'Anna' });
    expect(resolved.status).toBe(409);
    expect(await resolved.text()).toContain('This alert has resolved since the message was sent');
    expect(await store.silences(NOW)).toEqual([]);
  });

  it('asks for a name, and refuses other methods', async () => {
    expect((await post(link(), { by: '  ' })).status).toBe(400);
    expect((await fetch(link(), { method: 'PUT' })).status).toBe(405);
    expect(await store.silences(NOW)).toEqual([]);
  });
});
