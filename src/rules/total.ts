import { addDecimal, compareDecimal, ZERO } from '../money/decimal.js';
import { formatMoney, type Money } from '../money/money.js';
import type { Result } from '../result.js';
import { type Coverage, coverageMatcher } from '../sources/source.js';
import type { Observation } from './alert.js';
import { compareText } from './seen-state.js';

/*
 * A total rule watches the sum of several balances, across sources. The sum is
 * only ever of balances known now: while any member is unknown, the total is a
 * failed observation (no fire, no resolve; `stale_after` of them raise "no
 * data" naming the members), never a smaller sum that would fire falsely or a
 * stale one that would resolve falsely. Pure: the daemon passes what each
 * source last answered.
 */

/**
 * One line of `total_of`, resolved against its source: the accounts it names
 * (a bePaid account given by number is named by its label, as readings are), or
 * the glob over the names the API answers with.
 */
export interface TotalMemberSpec {
  readonly source: string;
  readonly coverage: Coverage;
}

/** A reserved account: a total is one alert, shown as `total`. */
export const TOTAL_ACCOUNT = 'total';

/**
 * Each total keeps its state and history apart, under a source id of its own.
 * Source ids cannot hold a colon (see idField), so this never meets a real one.
 */
export const totalSourceId = (rule: string): string => `total:${rule}`;
export const isTotalSource = (source: string): boolean => source.startsWith('total:');

/** What a source last answered, as a total reads it. */
export type SourceAnswer =
  | { readonly ok: true; readonly at: number; readonly balances: ReadonlyMap<string, Result<Money, string>> }
  | { readonly ok: false; readonly at: number; readonly failure: string };

/** A member of a total: `source/account`, and its balance. */
export interface MemberBalance {
  readonly key: string;
  readonly value: Money;
}

export interface TotalReading {
  /** The sum, or why there is none. */
  readonly observation: Observation;
  /**
   * A member's source has not answered since the daemon started: the total is
   * not checked at all yet (not a failed check: every start would count one).
   */
  readonly waiting: boolean;
  /** Every member with a balance, the largest first. */
  readonly members: readonly MemberBalance[];
  /** Members not known before (`known` not empty): the message says they joined, once. */
  readonly joined: readonly string[];
  /** Every member now part of the total (known or unknown), to remember for the next check. */
  readonly keys: readonly string[];
}

export const memberKey = (source: string, account: string): string => `${source}/${account}`;

const describeSpec = (spec: TotalMemberSpec): string => (spec.coverage.kind === 'pattern' ? spec.coverage.pattern : spec.coverage.accounts.join(', '));

/**
 * The total of the members' balances in `currency`, from what each source last
 * answered. A member is unknown when its source failed, last answered more
 * than `maxAgeMs` ago, answered without a member known before, or gave it a bad
 * balance or one in another currency.
 */
export function readTotal(
  specs: readonly TotalMemberSpec[],
  answers: ReadonlyMap<string, SourceAnswer>,
  known: ReadonlySet<string>,
  currency: string,
  now: number,
  maxAgeMs: number,
): TotalReading {
  const members: MemberBalance[] = [];
  const unknown: string[] = [];
  const keys = new Set<string>();
  let waiting = false;
  for (const spec of specs) {
    const { source, coverage } = spec;
    const matches = coverageMatcher(coverage);
    const knownOfSpec = [...known].filter((key) => key.startsWith(`${source}/`) && matches(key.slice(source.length + 1)));
    const answer = answers.get(source);
    const unread = (why: string) => {
      // Members known before stay members while their source cannot say: they must not "join" again when it answers.
      for (const key of knownOfSpec) keys.add(key);
      unknown.push(`${memberKey(source, describeSpec(spec))} (${why})`);
    };
    if (!answer) {
      waiting = true;
      unread(`no answer from ${source} yet`);
      continue;
    }
    if (now - answer.at > maxAgeMs) {
      unread(`${source} last answered ${Math.round((now - answer.at) / 1000)} s ago`);
      continue;
    }
    if (!answer.ok) {
      unread(`${source} fails: ${answer.failure}`);
      continue;
    }
    for (const [account, balance] of answer.balances) {
      if (!matches(account)) continue;
      const key = memberKey(source, account);
      if (keys.has(key)) continue;
      keys.add(key);
      if (!balance.ok) unknown.push(`${key} (${balance.error})`);
      else if (balance.value.currency !== currency) unknown.push(`${key} (in ${balance.value.currency ?? 'no currency'}, not ${currency})`);
      else members.push({ key, value: balance.value });
    }
    const expected = coverage.kind === 'fixed' ? [...knownOfSpec, ...coverage.accounts.map((account) => memberKey(source, account))] : knownOfSpec;
    for (const key of expected) {
      if (keys.has(key)) continue;
      keys.add(key);
      unknown.push(`${key} (missing from ${source}'s answer)`);
    }
  }
  members.sort((a, b) => compareDecimal(b.value.amount, a.value.amount) || compareText(a.key, b.key));
  const joined = known.size === 0 ? [] : [...keys].filter((key) => !known.has(key)).sort(compareText);
  const observation: Observation =
    unknown.length > 0
      ? { kind: 'failure', reason: `the total is unknown while ${unknown.length === 1 ? 'a member is' : `${unknown.length} members are`}: ${unknown.join('; ')}` }
      : members.length === 0
        ? { kind: 'failure', reason: 'no balance matches any member of the total', missing: true }
        : { kind: 'value', value: sumOf(members, currency) };
  return { observation, waiting, members, joined, keys: [...keys].sort(compareText) };
}

function sumOf(members: readonly MemberBalance[], currency: string): Money {
  let amount = ZERO;
  for (const member of members) amount = addDecimal(amount, member.value.amount);
  return { amount, currency };
}

/** Messages list at most this many members, the largest first, then "and N more". */
export const MEMBERS_SHOWN = 10;

/** "apay/upi_a 1,200,000.00 INR, bepaid/inr-settlement 800,000.00 INR and 3 more" (`count`: how many there are in all, when more than listed). */
export function membersText(members: readonly MemberBalance[], count = members.length): string {
  const shown = members.slice(0, MEMBERS_SHOWN).map((m) => `${m.key} ${formatMoney(m.value)}`);
  const more = count - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
