import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/money/money.js';
import { createHttpClient } from '../../src/net/client.js';
import { createApaySource } from '../../src/sources/apay.js';
import { createBepaidSource } from '../../src/sources/bepaid.js';
import type { FetchResult } from '../../src/sources/source.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { instantRetry, TEST_RETRY } from '../helpers/retry.js';
import { SIM_APAY_KEY, SIM_BEPAID_SECRET, simulator } from '../helpers/simulated.js';

const shown = (result: FetchResult) =>
  result.ok ? Object.fromEntries(result.readings.map((r) => [r.account, r.balance.ok ? formatMoney(r.balance.value) : `error: ${r.balance.error}`])) : `failed: ${result.failure.message}`;

describe('the sources against the simulator', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await simulator().start();
  });
  afterEach(() => sim.stop());

  const deps = () => ({ http: createHttpClient(), retry: TEST_RETRY, retryDeps: instantRetry() });
  const apay = (apiKey = SIM_APAY_KEY) =>
    createApaySource({ id: 'apay', type: 'apay', base_url: sim.apayUrl, project_id: 1234, api_key: apiKey, currencies: { bkash_a: 'BDT' }, timeout: 500, concurrency: 8 }, deps());
  const bepaid = () =>
    createBepaidSource(
      {
        id: 'bepaid',
        type: 'bepaid',
        base_url: sim.bepaidUrl,
        shop_id: '42',
        secret_key: SIM_BEPAID_SECRET,
        accounts: [{ name: 'usd', gateway_id: 1234, account: '40701810842020395221', currency: 'USD' }, { gateway_id: 1111 }],
        timeout: 500,
        concurrency: 8,
      },
      deps(),
    );
  const fetchOnce = (source: ReturnType<typeof apay>) => source.fetchBalances(new AbortController().signal);

  it('reads what the simulator serves, in both formats', async () => {
    expect(shown(await fetchOnce(apay()))).toEqual({ bkash_a: '80,000.00 BDT', upi_fast: '500,000.00', upi_p2p: '400,000.00' });
    expect(shown(await fetchOnce(bepaid()))).toEqual({ usd: '5,000.00 USD', 'gateway 1111': '12,900,921.62 RUB' });
  });

  it.each([
    ['server_error', /A-Pay answered HTTP 503|A-Pay refused the request: Service temporarily unavailable/],
    ['rate_limited', /Too many requests/],
    ['unauthorized', /unauthorized \(code 401\); check api_key/],
    ['html', /an HTML page instead of JSON/],
    ['refused', /Project is blocked \(code 1003\)/],
    ['hang', /no answer within 0.5s/],
  ] as const)('fails A-Pay cleanly on %s', async (fault, message) => {
    sim.setFault('apay', fault);
    const result = await fetchOnce(apay());
    expect(result.ok).toBe(false);
    expect(shown(result)).toMatch(message);
  });

  it('refuses a wrong key', async () => {
    expect(shown(await fetchOnce(apay('wrong')))).toMatch(/unauthorized/);
  });

  it('reports garbage and bad credentials; when every account fails alike, the source failed', async () => {
    sim.setFault('bepaid', 'garbage');
    expect(shown(await fetchOnce(bepaid()))).toBe('failed: bePaid sent an amount that is not a whole number of minor units');
    sim.setFault('bepaid', 'unauthorized');
    expect(shown(await fetchOnce(bepaid()))).toBe('failed: bePaid refused the credentials (HTTP 401); check shop_id and secret_key');
  });
});
