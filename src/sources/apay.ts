import { z } from 'zod';
import { currencyFor } from '../config/currency-map.js';
import { parseDecimal } from '../money/decimal.js';
import { inCurrency, type Money } from '../money/money.js';
import { classifyRefusal, classifyStatus } from '../net/failure.js';
import { type HttpResponse, parseJsonBody, sendWithRetry } from '../net/http.js';
import { err, type Result } from '../result.js';
import { isGlob, nameMatcher } from '../glob.js';
import { APAY_PAYMENT_SYSTEMS } from './apay-payment-systems.js';
import { type AccountCatalog, type AccountReading, type BalanceSource, type FetchResult, MAX_RESPONSE_BYTES, plausibleBalance, type SourceDeps } from './source.js';
import { currencyField, durationField, idField, integerField, secretField, urlField } from '../config/fields.js';

export const apayConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this source (`source: apay`).'),
    type: z.literal('apay').describe('An A-Pay project: one request returns every payment system balance.'),
    base_url: urlField('A-Pay API address, e.g. https://apay.example.com (https unless the host is loopback).'),
    project_id: integerField('Your A-Pay project id.', { min: 1 }),
    api_key: secretField('A-Pay API key, sent in the `apikey` header. Use ${APAY_API_KEY} rather than the key itself.'),
    currencies: z
      .record(z.string(), currencyField('ISO 4217 code'))
      .optional()
      .describe(
        'Currency of each payment system, by exact name or glob (e.g. "upi_*": INR). A-Pay does not report one; it is used for display and decimal places.',
      ),
    timeout: durationField('How long one request may take before it is abandoned and retried.').prefault('10s'),
    concurrency: integerField('How many requests this source may have in flight at once.', { min: 1, max: 64 }).prefault(8),
  })
  .describe('An A-Pay source.');

export type ApayConfig = z.output<typeof apayConfigSchema>;

/** A-Pay's answer to a refused request: `{ success: false, code, message }`. */
function describeRefusal(body: unknown, status: number): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { success, code, message } = body as { success?: unknown; code?: unknown; message?: unknown };
  if (success !== false) return undefined;
  const text = typeof message === 'string' && message ? message : 'no message';
  const hint = status === 401 || /unauthori[sz]ed|api ?key/i.test(text) ? '; check api_key and project_id' : '';
  return `A-Pay refused the request: ${text}${code === undefined ? '' : ` (code ${String(code)})`}${hint}`;
}

/** Turns A-Pay's response into readings; pure, so every odd answer is tested without a server. */
export function parseApayResponse(response: HttpResponse, config: Pick<ApayConfig, 'currencies'>): FetchResult {
  const body = parseJsonBody(response);
  if (!body.ok) {
    const { reason, retryable } = classifyRefusal(response.status, 'bad_response');
    return { ok: false, failure: { reason, retryable, status: response.status, message: `A-Pay sent ${body.error}` } };
  }
  const refusal = describeRefusal(body.value, response.status);
  if (refusal) {
    const { reason, retryable } = classifyRefusal(response.status, 'client');
    return { ok: false, failure: { reason, retryable, status: response.status, message: refusal } };
  }
  if (response.status !== 200) {
    const { reason, retryable } = classifyStatus(response.status);
    return { ok: false, failure: { reason, retryable, status: response.status, message: `A-Pay answered HTTP ${response.status}` } };
  }
  const list = (body.value as { payment_systems_balances?: unknown }).payment_systems_balances;
  if (!Array.isArray(list)) {
    return {
      ok: false,
      failure: { reason: 'bad_response', retryable: false, message: "A-Pay's response has an unexpected shape: payment_systems_balances is missing or not a list" },
    };
  }
  // A name listed twice is kept twice here; the planner reads the first (a Set of every name each cycle would be a large object for the GC).
  const readings: AccountReading[] = [];
  for (const item of list) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name === '') continue;
    readings.push({ account: name, balance: readBalance((item as { balance?: unknown }).balance, currencyFor(config.currencies, name) ?? null) });
  }
  return { ok: true, readings };
}

function readBalance(balance: unknown, currency: string | null): Result<Money, string> {
  if (typeof balance !== 'string' && typeof balance !== 'number') return err('A-Pay sent no balance for it');
  const parsed = parseDecimal(String(balance));
  if (!parsed.ok) return err(`A-Pay sent a balance that is not a number (${JSON.stringify(String(balance).slice(0, 40))})`);
  // More digits than the currency has are kept: the comparison stays exact either way.
  const money = inCurrency(parsed.value, currency);
  return plausibleBalance(money.ok ? money.value : { amount: parsed.value, currency });
}

/** The A-Pay client: one GET returns every payment system's balance. */
export function createApaySource(config: ApayConfig, deps: SourceDeps): BalanceSource {
  const url = new URL('Remotes/payment-systems-balances', config.base_url.endsWith('/') ? config.base_url : `${config.base_url}/`);
  url.searchParams.set('project_id', String(config.project_id));
  return {
    id: config.id,
    type: 'apay',
    async fetchBalances(signal) {
      const { outcome } = await sendWithRetry(
        deps.http,
        { method: 'GET', url: url.toString(), headers: { apikey: config.api_key, Accept: 'application/json' }, timeoutMs: config.timeout, maxBytes: MAX_RESPONSE_BYTES, signal },
        deps.retry,
        deps.retryDeps,
      );
      if (!outcome.ok) return { ok: false, failure: { ...outcome.error, message: `A-Pay: ${outcome.error.message}` } };
      return parseApayResponse(outcome.value, config);
    },
  };
}

/** A-Pay lists its payment systems itself: a rule names one, or a glob over the names it answers with. */
export const apayCatalog: AccountCatalog<ApayConfig> = {
  noun: 'payment system',
  targetOf: (rule) => rule.payment_system,
  covers: (_source, rule) => {
    const pattern = rule.payment_system;
    if (pattern === undefined) return { kind: 'fixed', accounts: [] };
    return isGlob(pattern) ? { kind: 'pattern', pattern } : { kind: 'fixed', accounts: [pattern] };
  },
  currencyOf: (source, _rule, account) => currencyFor(source.currencies, account),
  ruleProblems(source, rule) {
    if (rule.account !== undefined) return [{ severity: 'error', at: ['account'], message: `rule "${rule.name}": source ${source.id} is A-Pay; name a payment_system instead of an account` }];
    const pattern = rule.payment_system;
    if (pattern === undefined) return [{ severity: 'error', message: `rule "${rule.name}": A-Pay rules need payment_system (a name such as bkash_a, or a glob such as "upi_*")` }];
    if (APAY_PAYMENT_SYSTEMS.some(nameMatcher(pattern))) return [];
    const what = isGlob(pattern) ? `the glob "${pattern}" matches no payment system` : `"${pattern}" is not a payment system`;
    return [{ severity: 'warning', at: ['payment_system'], message: `${what} that A-Pay documents; if A-Pay added it recently this is fine, otherwise check the spelling` }];
  },
  sourceProblems: () => [],
};

export const apaySource = { type: 'apay', configSchema: apayConfigSchema, create: createApaySource, catalog: apayCatalog } as const;
