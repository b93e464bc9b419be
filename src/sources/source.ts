import { decimalToString } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { Failure } from '../net/failure.js';
import type { HttpClient, RetryDeps, RetryPolicy } from '../net/http.js';
import type { Result } from '../result.js';

/** One account's balance in a successful response, or why that one account could not be read. */
export interface AccountReading {
  /** The payment system name (A-Pay) or account label (bePaid): how rules and messages name it. */
  readonly account: string;
  readonly balance: Result<Money, string>;
}

/** What one fetch of a source produced: readings, or a failure of the whole source. */
export type FetchResult = { readonly ok: true; readonly readings: readonly AccountReading[] } | { readonly ok: false; readonly failure: Failure };

/** A balance API, as the daemon sees it. */
export interface BalanceSource {
  readonly id: string;
  readonly type: string;
  /** Fetches every balance this source is configured for; never throws. */
  fetchBalances(signal: AbortSignal): Promise<FetchResult>;
}

export interface SourceDeps {
  readonly http: HttpClient;
  readonly retry: RetryPolicy;
  readonly retryDeps: RetryDeps;
}

/** Responses larger than this are refused: a balance list is small, a runaway body is not. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** A balance of 10^15 major units or more is not believed: it is a data error, not money. */
const ABSURD_MAJOR_UNITS = 10n ** 15n;

const absurdAt: bigint[] = [];

/** The absurd limit in units at a scale, made once per scale: every balance of every cycle is checked. */
function absurdUnits(scale: number): bigint {
  return (absurdAt[scale] ??= ABSURD_MAJOR_UNITS * 10n ** BigInt(scale));
}

/** Refuses values no real balance has, so that garbage never resolves (or fires) an alert. */
export function plausibleBalance(money: Money): Result<Money, string> {
  const { units, scale } = money.amount;
  if (units < 0n) return { ok: false, error: `a negative balance (${decimalToString(money.amount)}), which is not plausible; treated as bad data` };
  if (units >= absurdUnits(scale)) return { ok: false, error: 'an absurdly large balance; treated as bad data' };
  return { ok: true, value: money };
}
