import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/http-security.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { tempDir } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon.js';
import { simulatedConfig, simulator } from '../helpers/simulated.js';

const BASIC = `Basic ${Buffer.from('treasury:board-pass').toString('base64')}`;

/** A raw request, to see the exact status, headers and body (fetch would decompress and hide them). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the board over HTTP: access, headers and the API', () => {
  let sim: Simulator;
  const daemons: DaemonProcess[] = [];

  const start = async (http: string) => {
    const file = path.join(tempDir(), 'config.yaml');
    writeFileSync(file, simulatedConfig(sim, { schedule: '* * * * * *', timeout: '1s' }).replace('http:\n  listen: false', http));
    const daemon = new DaemonProcess(['run', '-c', file], { BOARD_PASSWORD: 'board-pass', BOARD_TOKEN: 'tok-secret-123' });
    daemons.push(daemon);
    await daemon.waitForLog(/balance-watch started/);
    await daemon.nextCycles('apay', 1);
    return daemon.httpUrl;
  };

  beforeEach(async () => {
    sim = await simulator().start();
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL').catch(() => undefined)));
    await sim.stop();
  });

  it('asks for the password or token before the board and API; metrics and health stay open', async () => {
    const url = await start(`http:
  listen: 127.0.0.1:0
  auth: { username: treasury, password: "\${BOARD_PASSWORD}" }
  token: \${BOARD_TOKEN}`);
    const refused = await get(`${url}/`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="balance-watch", charset="UTF-8"');
    expect((await get(`${url}/api/status`, { Authorization: `Basic ${Buffer.from('treasury:wrong').toString('base64')}` })).status).toBe(401);
    expect((await get(`${url}/api/status`, { Authorization: 'Bearer tok-secret-124' })).status).toBe(401);

    const page = await get(`${url}/`, { Authorization: BASIC });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    const html = page.body.toString();
    expect(html).toContain('<td>bKash agent float</td>');
    // No secret reaches the page: not the API key, not the board's own password or token.
    for (const secret of ['sim-apay-key-SECRET1', 'sim-bepaid-SECRET2', 'board-pass', 'tok-secret-123']) expect(html).not.toContain(secret);

    const status = await get(`${url}/api/status`, { Authorization: 'Bearer tok-secret-123' });
    expect(status.status).toBe(200);
    const json = JSON.parse(status.body.toString()) as { role: string; balances: { rule: string; account: string; balance: string; currency: string }[] };
    expect(json.role).toBe('leader');
    expect(json.balances).toContainEqual(expect.objectContaining({ rule: 'bKash agent float', account: 'bkash_a', balance: '80000.00', currency: 'BDT' }));

    expect((await get(`${url}/board.js`)).status).toBe(200);
    expect((await get(`${url}/board.js`)).headers['cache-control']).toBe('public, max-age=86400, immutable');
    expect((await get(`${url}/metrics`)).status).toBe(200);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/`, { Authorization: BASIC }, 'POST')).status).toBe(405);
    const head = await get(`${url}/`, { Authorization: BASIC }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const gzipped = await get(`${url}/`, { Authorization: BASIC, 'Accept-Encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
  });

  it('guards metrics and health too with auth_metrics', async () => {
    const url = await start(`http:
  listen: 127.0.0.1:0
  token: \${BOARD_TOKEN}
  auth_metrics: true`);
    expect((await get(`${url}/metrics`)).status).toBe(401);
    expect((await get(`${url}/healthz`)).status).toBe(401);
    expect((await get(`${url}/metrics`, { Authorization: 'Bearer tok-secret-123' })).status).toBe(200);
  });

  it('serves the history of a rule, exact, and says what is wrong with a bad query', async () => {
    const url = await start('http:\n  listen: 127.0.0.1:0');
    sim.setApayBalance('bkash_a', '45000.10');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const history = JSON.parse((await get(`${url}/api/history?rule=bKash%20agent%20float&account=bkash_a&since=1h`)).body.toString()) as {
      rule: string;
      accounts: { account: string; currency: string; observations: { balance: string }[] }[];
    };
    expect(history.rule).toBe('bKash agent float');
    expect(history.accounts[0]).toMatchObject({ account: 'bkash_a', currency: 'BDT' });
    expect(history.accounts[0]!.observations.map((o) => o.balance)).toContain('45000.10');
    expect(JSON.parse((await get(`${url}/api/history`)).body.toString())).toEqual({ error: 'name the rule: /api/history?rule=NAME[&account=ACCOUNT][&since=24h]' });
    expect((await get(`${url}/api/history?rule=nope`)).status).toBe(404);
    expect((await get(`${url}/api/history?rule=UPI&since=soon`)).status).toBe(400);
    // A since beyond the retention (90 days by default) is the whole kept history, not a date before year 0.
    const far = JSON.parse((await get(`${url}/api/history?rule=UPI&since=999999d`)).body.toString()) as { since: string };
    expect(Date.now() - Date.parse(far.since)).toBeGreaterThanOrEqual(90 * 86_400_000 - 60_000);
    expect(Date.now() - Date.parse(far.since)).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);
  });

  it("serves a chart's buckets for a range, drawn to now, and uPlot and the favicon from the daemon's own files, without the password", async () => {
    const url = await start('http:\n  listen: 127.0.0.1:0\n  auth: { username: treasury, password: "${BOARD_PASSWORD}" }');
    const answer = await get(`${url}/api/history?rule=bKash%20agent%20float&account=bkash_a&since=7d&points=100`, { Authorization: BASIC });
    expect(answer.status).toBe(200);
    const chart = JSON.parse(answer.body.toString()) as { accounts: { account: string; currency: string; buckets: { t: number[]; min: (string | null)[]; max: (string | null)[] }; levels: Record<string, string | null> }[] };
    const [account] = chart.accounts;
    expect(account).toMatchObject({ account: 'bkash_a', currency: 'BDT', levels: { warn_below: '50000.00', critical_below: '10000.00' } });
    expect(account!.buckets.t.length).toBeLessThanOrEqual(101);
    expect(account!.buckets.max.at(-1)).toBe('80000.00');
    expect(Math.abs(account!.buckets.t.at(-1)! - Date.now() / 1000)).toBeLessThan(10);
    expect((await get(`${url}/api/history?rule=UPI&points=1`, { Authorization: BASIC })).status).toBe(400);
    expect((await get(`${url}/api/history?rule=UPI&points=100`)).status).toBe(401);
    for (const [asset, type] of [
      ['/uplot.js', 'text/javascript; charset=utf-8'],
      ['/uplot.css', 'text/css; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/favicon.ico', 'image/svg+xml'],
    ]) {
      const file = await get(`${url}${asset}?v=1`);
      expect(file.status, asset).toBe(200);
      expect(file.headers['content-type'], asset).toBe(type);
    }
    expect((await get(`${url}/uplot.js`)).body.toString()).toContain('uPlot');
  });

  it('refusals carry the same security headers as the pages', async () => {
    const url = await start('http:\n  listen: 127.0.0.1:0\n  auth: { username: treasury, password: "${BOARD_PASSWORD}" }');
    for (const [status, answer] of [
      [401, await get(`${url}/`)],
      [404, await get(`${url}/nope`)],
      [405, await get(`${url}/`, {}, 'POST')],
    ] as const) {
      expect(answer.status).toBe(status);
      expect(answer.headers['content-security-policy'], String(status)).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-content-type-options'], String(status)).toBe('nosniff');
      expect(answer.headers['x-frame-options'], String(status)).toBe('DENY');
      expect(answer.headers['referrer-policy'], String(status)).toBe('no-referrer');
    }
  });
});
