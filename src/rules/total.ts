import { nameMatcher } from '../glob.js';
import { addDecimal, compareDecimal, ZERO } from '../money/decimal.js';
import { formatMoney, type Money } from '../money/money.js';
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

/** One line of `total_of`: an A-Pay payment system (or glob), or a bePaid account, of one source. */
export interface TotalMemberSpec {
  readonly source: string;
  readonly payment_system?: string;
  readonly account?: string;
}

/** What a source last answered, as a total reads it. */
export type SourceAnswer =
  | { readonly ok: true; readonly at: number; readonly balances: ReadonlyMap<string, { readonly ok: true; readonly value: Money } | { readonly ok: false; readonly error: string }> }
  | { readonly ok: false; readonly at: number; readonly failure: string };

/** A member of a total: `source/account`, and its balance. */
export interface MemberBalance {
  readonly key: string;
  readonly value: Money;
}

export interface TotalReading {
  /** The sum, or why there is none. */
  readonly observation: Observation;
  /** Every member with a balance, the largest first. */
  readonly members: readonly MemberBalance[];
  /** Members not known before (`known` not empty): the message says they joined, once. */
  readonly joined: readonly string[];
  /** Every member now part of the total (known or unknown), to remember for the next check. */
  readonly keys: readonly string[];
}

export const memberKey = (source: string, account: string): string => `${source}/${account}`;

/**
 * The total of the members' balances in `currency`, from what each source last
 * answered. A member is unknown when its source has not answered yet, failed,
 * last answered more than `maxAgeMs` ago, answered without a member known
 * before, or gave it a bad balance or one in another currency.
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
  for (const spec of specs) {
    const answer = answers.get(spec.source);
    const name = spec.payment_system ?? spec.account ?? '';
    if (!answer) {
      unknown.push(`${memberKey(spec.source, name)} (no answer from ${spec.source} yet)`);
      continue;
    }
    if (now - answer.at > maxAgeMs) {
      unknown.push(`${memberKey(spec.source, name)} (${spec.source} last answered ${Math.round((now - answer.at) / 1000)} s ago)`);
      continue;
    }
    if (!answer.ok) {
      unknown.push(`${memberKey(spec.source, name)} (${spec.source} fails: ${answer.failure})`);
      continue;
    }
    const matches = spec.payment_system === undefined ? (account: string) => account === spec.account : nameMatcher(spec.payment_system);
    let found = 0;
    for (const [account, balance] of answer.balances) {
      if (!matches(account)) continue;
      const key = memberKey(spec.source, account);
      if (keys.has(key)) continue;
      keys.add(key);
      found += 1;
      if (!balance.ok) unknown.push(`${key} (${balance.error})`);
      else if (balance.value.currency !== currency) unknown.push(`${key} (in ${balance.value.currency ?? 'no currency'}, not ${currency})`);
      else members.push({ key, value: balance.value });
    }
    for (const key of known) {
      if (keys.has(key) || !key.startsWith(`${spec.source}/`) || !matches(key.slice(spec.source.length + 1))) continue;
      keys.add(key);
      unknown.push(`${key} (missing from ${spec.source}'s answer)`);
    }
    if (found === 0 && spec.payment_system === undefined) {
      const key = memberKey(spec.source, name);
      if (!keys.has(key)) {
        keys.add(key);
        unknown.push(`${key} (missing from ${spec.source}'s answer)`);
      }
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
  return { observation, members, joined, keys: [...keys].sort(compareText) };
}

function sumOf(members: readonly MemberBalance[], currency: string): Money {
  let amount = ZERO;
  for (const member of members) amount = addDecimal(amount, member.value.amount);
  return { amount, currency };
}

/** Messages list at most this many members, the largest first, then "and N more". */
export const MEMBERS_SHOWN = 10;

/** "apay/upi_a 1,200,000.00 INR, bepaid/inr-settlement 800,000.00 INR and 3 more". */
export function membersText(members: readonly MemberBalance[]): string {
  const shown = members.slice(0, MEMBERS_SHOWN).map((m) => `${m.key} ${formatMoney(m.value)}`);
  const more = members.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
