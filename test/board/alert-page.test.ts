import type { Server } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleAlertPage } from '../../src/board/alert-page.js';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { initialState } from '../../src/rules/alert.js';
import { SqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/cli.js';
import { BOARD_CREDENTIALS, startPageServer } from '../helpers/page-server.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';

const NOW = T0 + 3_600_000;
const BASIC = BOARD_CREDENTIALS;
const config: Config = parseConfigText(`${VALID_CONFIG.replace('schedule:', 'timezone: UTC\nschedule:')}`, { file: '/etc/bw/config.yaml', env: TEST_ENV }).config!;

describe("an alert's own page on the board", () => {
  let store: SqliteStore;
  let server: Server;
  let url: string;
  const audits: string[] = [];

  beforeEach(async () => {
    store = SqliteStore.open(path.join(tempDir(), 'state.db'));
    const state = { ...initialState(T0), level: 'warning' as const, since: T0, warnStreak: 1, lastValue: bdt(4_500_000n), lastObservedAt: NOW };
    await store.commitCycle({
      source: 'apay',
      now: T0,
      alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state }],
      observations: [],
      outbox: [{ channel: 'treasury', message: { kind: 'alerts', source: 'apay', events: [criticalEvent({ level: 'warning', value: bdt(4_500_000n) })] } }],
      events: [criticalEvent({ level: 'warning', at: T0 })],
    });
    await store.markSent(1, T0 + 1_000);
    audits.length = 0;
    const started = await startPageServer({ alertPage: (request, res) => handleAlertPage(request, { store, config, now: NOW, intervalMs: 0, queued: () => undefined, audit: (e) => audits.push(`${e.action} by ${e.by}`) }, res) });
    server = started.server;
    url = `${started.url}/alert?rule=bKash+agent+float&account=bkash_a`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });

  const post = (form: Record<string, string>, headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin' }) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { Authorization: BASIC, ...headers }, redirect: 'manual' });

  it('needs the board password, and shows the alert, its levels and its timeline', async () => {
    expect((await fetch(url)).status).toBe(401);
    const page = await fetch(url, { headers: { Authorization: BASIC } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<p class="alert"><b>warning</b>, firing for 1 h; balance 45,000.00 BDT, read 2026-11-21 10:00 UTC</p>');
    expect(html).toContain('warning below 50,000.00 BDT (clears at 55,000.00) · critical below 10,000.00 BDT (clears at 11,000.00)');
    expect(html).toContain('<li><time>2026-11-21 09:00 UTC</time> notified treasury: [WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00) — delivered 2026-11-21 09:00 UTC</li>');
    expect(html).toContain('<li><time>2026-11-21 09:00 UTC</time> firing: 8,500.00 BDT</li>');
    expect(html).toContain('<button type="submit">Acknowledge</button>');
    expect(html).toMatch(/<figure class="chart" data-rule="[^"]+" data-account="[^"]+"><svg viewBox="0 0 96 24">.*<\/svg><figcaption>the last 24 h<\/figcaption><\/figure>/);
  });

  it('acknowledges, takes it back, silences and ends the silence from its buttons, each in the timeline with who', async () => {
    expect((await post({ do: 'ack', by: 'Anna', note: 'on it' })).status).toBe(303);
    expect((await store.alerts())[0]?.state.acknowledged).toEqual({ by: 'Anna', note: 'on it', at: NOW });
    let html = await (await fetch(url, { headers: { Authorization: BASIC } })).text();
    expect(html).toContain('Acknowledged by Anna at 2026-11-21 10:00 UTC: on it');
    expect(html).toContain('acknowledged: 45,000.00 BDT — by Anna: on it');
    expect((await post({ do: 'unack', by: 'Anna' })).status).toBe(303);
    expect((await store.alerts())[0]?.state.acknowledged).toBeUndefined();
    expect((await post({ do: 'silence', by: 'Boris', for: '2h', note: 'bank holiday' })).status).toBe(303);
    const [silence] = await store.silences(NOW);
    expect(silence).toMatchObject({ rule: 'bKash agent float', account: 'bkash_a', level: 'warning', reason: 'Boris: bank holiday', until: NOW + 7_200_000 });
    html = await (await fetch(url, { headers: { Authorization: BASIC } })).text();
    expect(html).toContain(`<button type="submit">End silence #${silence!.id}</button>`);
    expect((await post({ do: 'unsilence', by: 'Boris', silence: String(silence!.id) })).status).toBe(303);
    expect((await store.silences(NOW)).filter((s) => s.endedAt === null)).toEqual([]);
    expect(audits).toEqual(['ack by Anna', 'unack by Anna', 'silence by Boris', 'unsilence by Boris']);
    // The alert's channel heard of the acknowledgement and the silence.
    expect((await store.pendingMessages()).map((m) => [m.channel, m.message.kind === 'action' ? `${m.message.action} by ${m.message.by}` : m.message.kind])).toEqual([
      ['treasury', 'acknowledged by Anna'],
      ['treasury', 'silenced by Boris'],
    ]);
  });

  it('forgets an alert without data from its button, and only such an alert', async () => {
    expect((await post({ do: 'forget', by: 'Anna' })).status).toBe(400);
    const gone = { ...(await store.alerts())[0]!.state, noDataSince: NOW - 60_000, missingSince: NOW - 120_000, failures: 3 };
    await store.commitCycle({ source: 'apay', now: NOW, alerts: [{ rule: 'bKash agent float', account: 'bkash_a', state: gone }], observations: [], outbox: [] });
    expect(await (await fetch(url, { headers: { Authorization: BASIC } })).text()).toContain('<button type="submit">Forget: the account is gone for good</button>');
    const forgot = await post({ do: 'forget', by: 'Anna' });
    expect([forgot.status, forgot.headers.get('location')]).toEqual([303, '/']);
    expect(await store.alerts()).toEqual([]);
    expect(await store.pendingRequests('apay')).toEqual([{ rule: 'bKash agent float', account: 'bkash_a', kind: 'forget' }]);
  });

  it.each([
    ['a cross-site form', { 'Sec-Fetch-Site': 'cross-site' }],
    ['another origin', { Origin: 'http://evil.example' }],
    ['a request that says neither', {}],
  ])('refuses %s: the browser would have sent the board password with it', async (_what, headers) => {
    const refused = await post({ do: 'ack', by: 'Mallory' }, headers);
    expect(refused.status).toBe(403);
    expect((await store.alerts())[0]?.state.acknowledged).toBeUndefined();
  });

  it('accepts its own origin without Sec-Fetch-Site (an older browser), and says what is wrong with a bad form', async () => {
    const host = new URL(url).host;
    expect((await post({ do: 'ack', by: 'Anna' }, { Origin: `http://${host}` })).status).toBe(303);
    expect((await post({ do: 'silence', by: 'Anna', for: '999d', note: 'x' })).status).toBe(400);
    expect((await post({ do: 'silence', by: 'Anna', for: '2h' })).status).toBe(400);
    expect((await post({ do: 'ack', by: '' })).status).toBe(400);
  });
});
