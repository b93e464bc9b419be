import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/money/money.js';
import { createHttpClient } from '../../src/net/client.js';
import { type BepaidAccountConfig, type BepaidConfig, createBepaidSource, parseBepaidResponse } from '../../src/sources/bepaid.js';
import type { FetchResult } from '../../src/sources/source.js';
import { instantRetry, TEST_RETRY } from '../helpers/retry.js';

const BASE = 'https://api.bepaid.by';
const SECRET = 'bepaid-secret-key-456';
const usd: BepaidAccountConfig = { name: 'usd-settlement', gateway_id: 1234, account: '40701810842020395221', currency: 'USD' };
const rub: BepaidAccountConfig = { gateway_id: 1111 };
const config: BepaidConfig = { id: 'bepaid', type: 'bepaid', base_url: BASE, shop_id: '42', secret_key: SECRET, accounts: [usd, rub], timeout: 2000, concurrency: 2 };

const success = (amount: number | string, currency: string) => ({
  code: 'S.0000',
  status: 'Successful',
  message: 'none',
  friendly_message: 'Successfully processed',
  gateway_id: 1111,
  account: '40701810842020395221',
  amount,
  currency,
  provider_info: { BankCode: 200 },
});
const response = (status: number, body: unknown) => ({ status, contentType: 'application/json', text: typeof body === 'string' ? body : JSON.stringify(body) });
const shown = (result: FetchResult) =>
  result.ok ? Object.fromEntries(result.readings.map((r) => [r.account, r.balance.ok ? formatMoney(r.balance.value) : `error: ${r.balance.error}`])) : `failed: ${result.failure.message}`;

describe('parseBepaidResponse', () => {
  it.each([
    [1290092162, 'RUB', '12,900,921.62 RUB'],
    [1500, 'JPY', '1,500 JPY'],
    [1500, 'BHD', '1.500 BHD'],
    [150075, 'PKR', '1,500.75 PKR'],
    [150075, 'IDR', '1,500.75 IDR'],
    [150075, 'HUF', '1,500.75 HUF'],
  ])('scales %i %s by the ISO 4217 exponent', (amount, currency, expected) => {
    const result = parseBepaidResponse(response(200, success(amount, currency)), rub);
    expect(result.ok && formatMoney(result.value)).toBe(expected);
  });

  it('reads an amount above 2^53 from the text, exactly', () => {
    const text = JSON.stringify(success(0, 'USD')).replace('"amount":0', '"amount":90071992547409931');
    const result = parseBepaidResponse(response(200, text), rub);
    expect(result.ok && formatMoney(result.value)).toBe('900,719,925,474,099.31 USD');
  });

  it.each([
    ['a refusal', response(200, { status: 'Failed', code: 'F.1502', message: 'Provider is not available', friendly_message: 'Balance cannot be received' }), 'bePaid refused the request: Provider is not available / Balance cannot be received (code F.1502)'],
    ['bad credentials', response(401, { message: 'Unauthorized' }), 'bePaid refused the credentials (HTTP 401); check shop_id and secret_key'],
    ['a currency other than configured', response(200, success(100, 'EUR')), 'bePaid reports the balance in EUR, but the config says USD; fix the account\'s currency (or gateway_id/account)'],
    ['an amount that is not a whole number', response(200, success('12.5', 'USD')), 'bePaid sent an amount that is not a whole number of minor units'],
    ['an unknown currency', response(200, success(100, 'XXY')), 'bePaid reports the balance in XXY, but the config says USD; fix the account\'s currency (or gateway_id/account)'],
    ['an HTML page', { status: 502, contentType: 'text/html', text: '<html>Bad gateway</html>' }, 'bePaid sent an HTML page instead of JSON (HTTP 502); is base_url right, or is a proxy in the way?'],
    ['a negative amount', response(200, success(-100, 'USD')), 'bePaid sent a negative balance (-1.00), which is not plausible; treated as bad data'],
  ])('explains %s', (_name, answer, message) => {
    expect(parseBepaidResponse(answer, usd)).toMatchObject({ ok: false, error: { message } });
  });

  it('refuses an unknown currency when none is configured', () => {
    expect(parseBepaidResponse(response(200, success(100, 'XXY')), rub)).toMatchObject({ ok: false, error: { message: 'bePaid sent unknown currency "XXY" (expected an ISO 4217 code such as USD)' } });
  });
});

describe('the bePaid client', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  const source = (retry = instantRetry()) => createBepaidSource(config, { http: createHttpClient(), retry: TEST_RETRY, retryDeps: retry });
  const auth = `Basic ${Buffer.from(`42:${SECRET}`).toString('base64')}`;

  it('posts one request per account with Basic auth and JSON', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: auth, accept: 'application/json', 'content-type': 'application/json' } })
      .post('/beyag/balance', { gateway_id: 1234, account: '40701810842020395221', currency: 'USD' })
      .reply(200, success(100050, 'USD'))
      .post('/beyag/balance', { gateway_id: 1111 })
      .reply(200, success(1290092162, 'RUB'));
    const result = await source().fetchBalances(new AbortController().signal);
    expect(shown(result)).toEqual({ 'usd-settlement': '1,000.50 USD', 'gateway 1111': '12,900,921.62 RUB' });
    expect(scope.isDone()).toBe(true);
  });

  it('keeps one failing account from stopping the others', async () => {
    nock(BASE)
      .post('/beyag/balance', { gateway_id: 1234, account: '40701810842020395221', currency: 'USD' })
      .reply(200, { status: 'Failed', code: 'F.1404', message: 'Account not found', friendly_message: 'Account not found' })
      .post('/beyag/balance', { gateway_id: 1111 })
      .reply(200, success(100, 'RUB'));
    expect(shown(await source().fetchBalances(new AbortController().signal))).toEqual({
      'usd-settlement': 'error: bePaid refused the request: Account not found (code F.1404)',
      'gateway 1111': '1.00 RUB',
    });
  });

  it('fails the source as a whole when every account fails alike, without the secret', async () => {
    nock(BASE).post('/beyag/balance').times(2).reply(401, { message: 'Unauthorized' });
    const result = await source().fetchBalances(new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: { reason: 'auth', message: 'bePaid refused the credentials (HTTP 401); check shop_id and secret_key' } });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('retries 503 and 429 but not 400', async () => {
    const retry = instantRetry();
    nock(BASE)
      .post('/beyag/balance', { gateway_id: 1234, account: '40701810842020395221', currency: 'USD' })
      .reply(503, 'down')
      .post('/beyag/balance', { gateway_id: 1234, account: '40701810842020395221', currency: 'USD' })
      .reply(429, '', { 'Retry-After': '2' })
      .post('/beyag/balance', { gateway_id: 1234, account: '40701810842020395221', currency: 'USD' })
      .reply(200, success(1, 'USD'))
      .post('/beyag/balance', { gateway_id: 1111 })
      .once()
      .reply(400, { status: 'Failed', code: 'F.0400', message: 'Bad request', friendly_message: 'Bad request' });
    const result = await source(retry).fetchBalances(new AbortController().signal);
    expect(shown(result)).toEqual({ 'usd-settlement': '0.01 USD', 'gateway 1111': 'error: bePaid refused the request: Bad request (code F.0400)' });
    expect(retry.waits).toEqual([50, 2000]);
  });
});
