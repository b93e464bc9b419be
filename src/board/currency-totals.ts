import { addDecimal, type Decimal, ZERO } from '../money/decimal.js';
import { isTotalSource } from '../rules/total.js';
import type { BoardRow } from './board.js';

/** What treasury reads first: how much there is in each currency, how it moved over the day, and how soon the first account in it runs short. */
export interface CurrencyTotal {
  readonly currency: string;
  /** Exact; each account once, however many rules watch it. */
  readonly total: Decimal;
  readonly accounts: number;
  /** The sum of the day's changes of the accounts that have one, and how many do. */
  readonly dayChange: Decimal | null;
  readonly dayChangeAccounts: number;
  /** The shortest runway among its rows, and whose. */
  readonly lowestRunway: { readonly ms: number; readonly rule: string; readonly account: string } | null;
}

/** Per currency, in the order of their codes; balances of unknown currency are not added to anything. */
export function currencyTotals(rows: readonly BoardRow[]): CurrencyTotal[] {
  const totals = new Map<string, { total: Decimal; accounts: number; dayChange: Decimal | null; dayChangeAccounts: number; lowestRunway: CurrencyTotal['lowestRunway'] }>();
  const counted = new Set<string>();
  for (const row of rows) {
    const currency = row.balance?.currency;
    // A total rule's balance is the sum of others: the strip adds balances, each once.
    if (!row.balance || !currency || isTotalSource(row.source)) continue;
    let entry = totals.get(currency);
    if (!entry) totals.set(currency, (entry = { total: ZERO, accounts: 0, dayChange: null, dayChangeAccounts: 0, lowestRunway: null }));
    if (row.runwayMs !== null && (entry.lowestRunway === null || row.runwayMs < entry.lowestRunway.ms)) entry.lowestRunway = { ms: row.runwayMs, rule: row.rule, account: row.account };
    // Two rules watching one account are one balance.
    const key = `${row.source}\u0000${row.account}`;
    if (counted.has(key)) continue;
    counted.add(key);
    entry.total = addDecimal(entry.total, row.balance.amount);
    entry.accounts += 1;
    if (row.dayChange && row.dayChange.amount.currency === currency) {
      entry.dayChange = addDecimal(entry.dayChange ?? ZERO, row.dayChange.amount.amount);
      entry.dayChangeAccounts += 1;
    }
  }
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, entry]) => ({ currency, ...entry }));
}
