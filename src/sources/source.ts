import { nameMatcher } from '../glob.js';
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

/** The fields of a rule that name what it watches in a source. */
export interface RuleTarget {
  readonly name: string;
  readonly payment_system?: string;
  readonly account?: string;
}

/** A mistake in how a rule or a source is written. `at`: the key of the rule (or the path within the source) to point at; absent, the whole. */
export interface TargetProblem {
  readonly severity: 'error' | 'warning';
  readonly at?: readonly (string | number)[];
  readonly message: string;
}

/** What a rule covers in a source: accounts the config names, or a glob over the names the API answers with. */
export type Coverage = { readonly kind: 'fixed'; readonly accounts: readonly string[] } | { readonly kind: 'pattern'; readonly pattern: string };

/** Whether an account the API answered with is one the coverage takes in. */
export function coverageMatcher(coverage: Coverage): (account: string) => boolean {
  return coverage.kind === 'pattern' ? nameMatcher(coverage.pattern) : (account) => coverage.accounts.includes(account);
}

/**
 * What a source type knows of the accounts its config declares. The planner
 * and the config checks ask this and never switch on the type, so a new API is
 * still one file and one registry entry.
 */
export interface AccountCatalog<C> {
  /** What its accounts are called in messages: "payment system", "account". */
  readonly noun: string;
  /** The text a rule names its target with, for messages ("bkash_a", "upi_*", "usd-settlement"). */
  targetOf(rule: RuleTarget): string | undefined;
  covers(source: C, rule: RuleTarget): Coverage;
  /** The currency the config gives an account under this rule, if it says. */
  currencyOf(source: C, rule: RuleTarget, account: string): string | undefined;
  /** Mistakes in how a rule names its target in this source. */
  ruleProblems(source: C, rule: RuleTarget): TargetProblem[];
  /** Mistakes in the source's own declarations. */
  sourceProblems(source: C): TargetProblem[];
}

/** The shortest schedule interval lateness allows for, so a sub-second schedule does not flap. */
const MIN_INTERVAL_MS = 1_000;

/** A source is late (not ready, its balances stale) after two schedule intervals without a cycle. */
export const sourceLateAfterMs = (intervalMs: number): number => 2 * Math.max(intervalMs, MIN_INTERVAL_MS);

/** What the replica that fetches knows of a source's latest cycles (a follower knows none). */
export interface SourceHealth {
  /** Its last answer that could be read. */
  readonly lastOkAt: number | null;
  readonly failure: { readonly message: string; readonly since: number } | null;
}
