import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { mapWithLimit } from '../net/backoff.js';
import { classifyRefusal, type Failure } from '../net/failure.js';
import { type HttpResponse, parseJsonBody, sendWithRetry } from '../net/http.js';
import { moneyFromMinorUnits, type Money } from '../money/money.js';
import { err, type Result } from '../result.js';
import { type AccountCatalog, type BalanceSource, MAX_RESPONSE_BYTES, type TargetProblem, plausibleBalance, type SourceDeps } from './source.js';
import { currencyField, durationField, idField, integerField, secretField, textOrNumberField, urlField } from '../config/fields.js';

export const bepaidAccountSchema = z
  .strictObject({
    name: idField('How rules and messages name this account (optional; the account number is used otherwise).').optional(),
    gateway_id: integerField('The payment gateway id bePaid gave you.', { min: 1 }),
    account: textOrNumberField("The provider's account number; leave it out for the provider's default account.").optional(),
    currency: currencyField('The account currency (ISO 4217); a response in another currency is an error.').optional(),
  })
  .describe('One bePaid balance to watch.');

export const bepaidConfigSchema = z
  .strictObject({
    id: idField('How rules refer to this source (`source: bepaid`).'),
    type: z.literal('bepaid').describe('A bePaid shop: one balance request per account.'),
    base_url: urlField('bePaid API address.').prefault('https://api.bepaid.by'),
    shop_id: textOrNumberField('bePaid shop id (the HTTP Basic user name).'),
    secret_key: secretField('bePaid shop secret key. Use ${BEPAID_SECRET_KEY} rather than the key itself.'),
    accounts: z.array(bepaidAccountSchema).min(1, 'list at least one account').describe('The accounts to watch.'),
    timeout: durationField('How long one request may take before it is abandoned and retried.').prefault('10s'),
    concurrency: integerField('How many requests this source may have in flight at once.', { min: 1, max: 64 }).prefault(8),
  })
  .describe('A bePaid source.');

export type BepaidConfig = z.output<typeof bepaidConfigSchema>;
export type BepaidAccountConfig = z.output<typeof bepaidAccountSchema>;

/** The account a rule names, by its name or else its account number. */
export function findBepaidAccount(source: BepaidConfig, reference: string): BepaidAccountConfig | undefined {
  return source.accounts.find((account) => account.name === reference) ?? source.accounts.find((account) => account.account === reference);
}

/** How rules and messages name an account: its name, else its number, else its gateway. */
export function bepaidAccountLabel(account: BepaidAccountConfig): string {
  return account.name ?? account.account ?? `gateway ${account.gateway_id}`;
}

interface BepaidAnswer {
  readonly status?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly friendly_message?: unknown;
  readonly amount?: unknown;
  readonly currency?: unknown;
}

/** bePaid's own words for a refusal: code, message and the customer-facing message. */
function describeRefusal(answer: BepaidAnswer): string {
  const parts = [answer.message, answer.friendly_message].filter((part): part is string => typeof part === 'string' && part !== '' && part !== 'none');
  const words = [...new Set(parts)].join(' / ') || 'no message';
  return `bePaid refused the request: ${words}${typeof answer.code === 'string' ? ` (code ${answer.code})` : ''}`;
}

/**
 * The amount's digits as sent. JSON.parse would round an integer above 2^53,
 * so a large amount is read again from the response text.
 */
function amountDigits(amount: unknown, text: string): string | undefined {
  if (typeof amount === 'number' && Number.isSafeInteger(amount)) return String(amount);
  if (typeof amount === 'string' && /^-?\d+$/.test(amount)) return amount;
  if (typeof amount === 'number' && Number.isInteger(amount)) return /"amount"\s*:\s*(-?\d+)/.exec(text)?.[1];
  return undefined;
}

/** One account's answer as a balance, or what is wrong with it; pure. */
export function parseBepaidResponse(response: HttpResponse, account: BepaidAccountConfig): Result<Money, Failure> {
  const body = parseJsonBody(response);
  const fail = (failure: Omit<Failure, 'status'>): Result<Money, Failure> => err({ ...failure, status: response.status });
  if (!body.ok) {
    const { reason, retryable } = classifyRefusal(response.status, 'bad_response');
    return fail({ reason, retryable, message: `bePaid sent ${body.error}` });
  }
  const answer = (body.value ?? {}) as BepaidAnswer;
  if (response.status === 401 || response.status === 403) {
    return fail({ reason: 'auth', retryable: false, message: `bePaid refused the credentials (HTTP ${response.status}); check shop_id and secret_key` });
  }
  if (answer.status !== 'Successful' || response.status >= 400) {
    const { reason, retryable } = classifyRefusal(response.status, 'client');
    return fail({ reason, retryable, message: describeRefusal(answer) });
  }
  const digits = amountDigits(answer.amount, response.text);
  if (digits === undefined) return fail({ reason: 'bad_response', retryable: false, message: 'bePaid sent an amount that is not a whole number of minor units' });
  if (typeof answer.currency !== 'string') return fail({ reason: 'bad_response', retryable: false, message: 'bePaid sent no currency' });
  if (account.currency !== undefined && answer.currency !== account.currency) {
    return fail({
      reason: 'bad_response',
      retryable: false,
      message: `bePaid reports the balance in ${answer.currency}, but the config says ${account.currency}; fix the account's currency (or gateway_id/account)`,
    });
  }
  const money = moneyFromMinorUnits(BigInt(digits), answer.currency);
  if (!money.ok) return fail({ reason: 'bad_response', retryable: false, message: `bePaid sent ${money.error}` });
  const plausible = plausibleBalance(money.value);
  return plausible.ok ? plausible : fail({ reason: 'bad_response', retryable: false, message: `bePaid sent ${plausible.error}` });
}

/** The bePaid client: one POST per configured account, several at once up to `concurrency`. */
export function createBepaidSource(config: BepaidConfig, deps: SourceDeps): BalanceSource {
  const url = new URL('beyag/balance', config.base_url.endsWith('/') ? config.base_url : `${config.base_url}/`).toString();
  return {
    id: config.id,
    type: 'bepaid',
    async fetchBalances(signal) {
      // Each request in flight listens for the abort; with `concurrency` of them that is expected, not a leak.
      setMaxListeners(Math.max(10, config.concurrency * 3), signal);
      const results = await mapWithLimit(config.accounts, config.concurrency, async (account) => {
        const { outcome } = await sendWithRetry(
          deps.http,
          {
            method: 'POST',
            url,
            headers: { Accept: 'application/json' },
            basicAuth: { username: config.shop_id, password: config.secret_key },
            json: { gateway_id: account.gateway_id, ...(account.account ? { account: account.account } : {}), ...(account.currency ? { currency: account.currency } : {}) },
            timeoutMs: config.timeout,
            maxBytes: MAX_RESPONSE_BYTES,
            signal,
          },
          deps.retry,
          deps.retryDeps,
        );
        const balance = outcome.ok ? parseBepaidResponse(outcome.value, account) : err(outcome.error);
        return { account: bepaidAccountLabel(account), balance };
      });
      // When every account failed the same way (bad credentials, host down), the source as a whole failed.
      const failures = results.flatMap((r) => (r.balance.ok ? [] : [r.balance.error]));
      const first = failures[0];
      if (first && failures.length === results.length && failures.every((f) => f.message === first.message)) {
        return { ok: false, failure: { ...first, message: first.message.startsWith('bePaid') ? first.message : `bePaid: ${first.message}` } };
      }
      return {
        ok: true,
        readings: results.map((r) => ({ account: r.account, balance: r.balance.ok ? r.balance : err(r.balance.error.message) })),
      };
    },
  };
}

/** bePaid's accounts are declared in the config: a rule names one by its name or number. */
export const bepaidCatalog: AccountCatalog<BepaidConfig> = {
  noun: 'account',
  targetOf: (rule) => rule.account,
  covers: (source, rule) => {
    const account = rule.account === undefined ? undefined : findBepaidAccount(source, rule.account);
    return { kind: 'fixed', accounts: account ? [bepaidAccountLabel(account)] : [] };
  },
  currencyOf: (source, rule) => (rule.account === undefined ? undefined : findBepaidAccount(source, rule.account)?.currency),
  ruleProblems(source, rule) {
    if (rule.payment_system !== undefined) return [{ severity: 'error', at: ['payment_system'], message: `rule "${rule.name}": source ${source.id} is bePaid; name an account instead of a payment_system` }];
    if (rule.account === undefined) return [{ severity: 'error', message: `rule "${rule.name}": bePaid rules need account (an account's name or number from source ${source.id})` }];
    if (findBepaidAccount(source, rule.account)) return [];
    const names = source.accounts.map(bepaidAccountLabel).join(', ');
    return [{ severity: 'error', at: ['account'], message: `rule "${rule.name}": source ${source.id} declares no account "${rule.account}" (accounts: ${names})` }];
  },
  sourceProblems(source) {
    const seen = new Set<string>();
    return source.accounts.flatMap((account, i): TargetProblem[] => {
      if (account.name === undefined) return [];
      if (!seen.has(account.name)) {
        seen.add(account.name);
        return [];
      }
      return [{ severity: 'error', at: ['accounts', i, 'name'], message: `account name "${account.name}" is used twice in source ${source.id}` }];
    });
  },
};

export const bepaidSource = { type: 'bepaid', configSchema: bepaidConfigSchema, create: createBepaidSource, catalog: bepaidCatalog } as const;
