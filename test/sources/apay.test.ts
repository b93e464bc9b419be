import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/money/money.js';
import { createHttpClient } from '../../src/net/client.js';
import { type ApayConfig, createApaySource, parseApayResponse } from '../../src/sources/apay.js';
import type { FetchResult } from '../../src/sources/source.js';
import { instantRetry, TEST_RETRY } from '../helpers/retry.js';

const BASE = 'https://apay.example.com';
const KEY = 'apay-secret-key-123';
const config: ApayConfig = {
  id: 'apay',
  type: 'apay',
  base_url: BASE,
  project_id: 1234,
  api_key: KEY,
  currencies: { bkash_a: 'BDT', 'upi_*': 'INR' },
  timeout: 2000,
  concurrency: 8,
};
const response = (status: number, body: unknown, contentType = 'application/json') => ({
  status,
  contentType,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const shown = (result: FetchResult) =>
  result.ok ? Object.fromEntries(result.readings.map((r) => [r.account, r.balance.ok ? formatMoney(r.balance.value) : `error: ${r.balance.error}`])) : `failed: ${result.failure.message}`;

describe('parseApayResponse', () => {
  it('reads every balance exactly, in the configured currency', () => {
    const result = parseApayResponse(
      response(200, {
        success: true,
        payment_systems_balances: [
          { name: 'bkash_a', balance: '12900921.62' },
          { name: 'upi_fast', balance: '0.10' },
          { name: 'nagad_a', balance: '100.125' },
        ],
      }),
      config,
    );
    expect(shown(result)).toEqual({ bkash_a: '12,900,921.62 BDT', upi_fast: '0.10 INR', nagad_a: '100.125' });
  });

  it('makes an unparseable balance an error for that payment system only', () => {
    const result = parseApayResponse(
      response(200, { success: true, payment_systems_balances: [{ name: 'bkash_a', balance: '12,5O0.00' }, { name: 'upi_a', balance: '5' }, { name: 'nagad_a' }] }),
      config,
    );
    expect(shown(result)).toEqual({
      bkash_a: 'error: A-Pay sent a balance that is not a number ("12,5O0.00")',
      upi_a: '5.00 INR',
      nagad_a: 'error: A-Pay sent no balance for it',
    });
  });

  it('refuses negative and absurd balances as bad data', () => {
    const result = parseApayResponse(
      response(200, { success: true, payment_systems_balances: [{ name: 'upi_a', balance: '-5' }, { name: 'upi_b', balance: '1000000000000000' }] }),
      config,
    );
    expect(shown(result)).toEqual({
      upi_a: 'error: a negative balance (-5.00), which is not plausible; treated as bad data',
      upi_b: 'error: an absurdly large balance; treated as bad data',
    });
  });

  it.each([
    ['success:false', response(200, { success: false, code: 1003, message: 'Project is blocked' }), 'A-Pay refused the request: Project is blocked (code 1003)', 'client'],
    ['HTTP 401', response(401, { success: false, code: 401, message: 'unauthorized' }), 'A-Pay refused the request: unauthorized (code 401); check api_key and project_id', 'auth'],
    ['HTTP 400', response(400, { success: false, code: 1001, message: 'Project not found' }), 'A-Pay refused the request: Project not found (code 1001)', 'client'],
    ['an HTML page', response(502, '<html><body>Bad Gateway</body></html>', 'text/html'), 'A-Pay sent an HTML page instead of JSON (HTTP 502); is base_url right, or is a proxy in the way?', 'server'],
    ['not JSON', response(200, 'OK'), 'A-Pay sent a response that is not JSON (HTTP 200)', 'bad_response'],
    ['the wrong shape', response(200, { success: true, balances: [] }), "A-Pay's response has an unexpected shape: payment_systems_balances is missing or not a list", 'bad_response'],
    ['an empty body', response(200, ''), 'A-Pay sent an empty response (HTTP 200)', 'bad_response'],
  ])('fails the source on %s', (_name, answer, message, reason) => {
    const result = parseApayResponse(answer, config);
    expect(result).toMatchObject({ ok: false, failure: { message, reason } });
  });
});

describe('the A-Pay client', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
  });

  const source = (retry = instantRetry()) => createApaySource(config, { http: createHttpClient(), retry: TEST_RETRY, retryDeps: retry });
  const ok = { success: true, payment_systems_balances: [{ name: 'bkash_a', balance: '8500.00' }] };

  it('sends the api key header and the project id', async () => {
    const scope = nock(BASE, { reqheaders: { apikey: KEY } }).get('/Remotes/payment-systems-balances').query({ project_id: '1234' }).reply(200, ok);
    const result = await source().fetchBalances(new AbortController().signal);
    expect(shown(result)).toEqual({ bkash_a: '8,500.00 BDT' });
    expect(scope.isDone()).toBe(true);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    const retry = instantRetry();
    nock(BASE).get('/Remotes/payment-systems-balances').query(true).times(2).reply(503, 'busy').get('/Remotes/payment-systems-balances').query(true).reply(200, ok);
    expect(shown(await source(retry).fetchBalances(new AbortController().signal))).toEqual({ bkash_a: '8,500.00 BDT' });
    expect(retry.waits).toEqual([50, 100]);
  });

  it('honours Retry-After on 429', async () => {
    const retry = instantRetry();
    nock(BASE).get('/Remotes/payment-systems-balances').query(true).reply(429, {}, { 'Retry-After': '3' }).get('/Remotes/payment-systems-balances').query(true).reply(200, ok);
    await source(retry).fetchBalances(new AbortController().signal);
    expect(retry.waits).toEqual([3000]);
  });

  it('gives up when Retry-After is longer than allowed, leaving it to the next cycle', async () => {
    const retry = instantRetry();
    nock(BASE).get('/Remotes/payment-systems-balances').query(true).reply(429, { success: false, code: 429, message: 'slow down' }, { 'Retry-After': '600' });
    const result = await source(retry).fetchBalances(new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'rate_limited' } });
    expect(retry.waits).toEqual([]);
  });

  it('never retries a 4xx', async () => {
    const scope = nock(BASE).get('/Remotes/payment-systems-balances').query(true).once().reply(401, { success: false, code: 401, message: 'unauthorized' });
    const result = await source().fetchBalances(new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'auth', retryable: false } });
    expect(scope.isDone()).toBe(true);
  });

  it('retries a dropped connection and says what happened, without the key', async () => {
    nock.enableNetConnect('127.0.0.1');
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const retry = instantRetry();
    const local = createApaySource({ ...config, base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { http: createHttpClient(), retry: TEST_RETRY, retryDeps: retry });
    const result = await local.fetchBalances(new AbortController().signal);
    server.close();
    expect(result).toMatchObject({ ok: false, failure: { reason: 'network', message: 'A-Pay: the connection was closed unexpectedly' } });
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(retry.waits).toHaveLength(2);
  });

  it('explains a refused connection', async () => {
    nock.enableNetConnect('127.0.0.1');
    const local = createApaySource({ ...config, base_url: 'http://127.0.0.1:9' }, { http: createHttpClient(), retry: TEST_RETRY, retryDeps: instantRetry() });
    const result = await local.fetchBalances(new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'network', message: 'A-Pay: connection refused (is the host and port right, and the service up?)' } });
  });

  it('times out a slow answer', async () => {
    nock(BASE).get('/Remotes/payment-systems-balances').query(true).times(3).delay(1000).reply(200, ok);
    const slow = createApaySource({ ...config, timeout: 200 }, { http: createHttpClient(), retry: TEST_RETRY, retryDeps: instantRetry() });
    const result = await slow.fetchBalances(new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'timeout', message: 'A-Pay: no answer within 0.2s' } });
  });

  it('stops at once when cancelled', async () => {
    nock(BASE).get('/Remotes/payment-systems-balances').query(true).delay(5000).reply(200, ok);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await source().fetchBalances(controller.signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
  });
});
