import { type Decimal, decimalToString, formatDecimal } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import { displayState, LEVEL_SEVERITY } from '../rules/alert.js';
import { dropLabel } from '../rules/drop.js';
import { isTotalSource } from '../rules/total.js';
import { seenLabel } from '../rules/seen-state.js';
import type { CheckedAlert } from '../rules/cycle.js';
import { renderTable } from './table.js';

/** The state people see for a row: the alert state, or "no data" / "error" when the balance could not be read. */
export function rowState(row: CheckedAlert): string {
  if (!row.state || (row.error && row.state.lastValue === undefined)) return 'unknown';
  const label = seenLabel(row.state) + dropLabel(row.state);
  return row.error && row.state.noDataSince === undefined ? `${label} (no reading)` : label;
}

const amount = (value: Decimal | undefined) => (value === undefined ? '-' : formatDecimal(value));

/** The table of `once`: every alert with its balance, levels and state; errors listed beneath. */
export function renderAlertTable(rows: readonly CheckedAlert[]): string {
  const table = renderTable(
    ['RULE', 'SOURCE', 'ACCOUNT', 'BALANCE', 'WARN BELOW', 'CRITICAL BELOW', 'RECOVERS AT', 'STATE'],
    rows.map((row) => [
      row.rule,
      isTotalSource(row.source) ? `total of ${row.state?.members?.length ?? 0}` : row.source,
      row.account,
      row.value ? formatMoney(row.value) : '-',
      amount(row.thresholds?.warn),
      amount(row.thresholds?.critical),
      recovery(row),
      rowState(row),
    ]),
    new Set([3, 4, 5]),
  );
  const errors = rows.filter((row) => row.error).map((row) => `  ${row.rule} / ${row.account}: ${row.error}`);
  return errors.length > 0 ? `${table}\n\nCould not read:\n${errors.join('\n')}` : table;
}

function recovery(row: CheckedAlert): string {
  const t = row.thresholds;
  if (!t) return '-';
  const parts = [t.warnRecover && `warn ${formatDecimal(t.warnRecover)}`, t.criticalRecover && `crit ${formatDecimal(t.criticalRecover)}`].filter(Boolean);
  return parts.join(', ') || '-';
}

const plain = (value: Decimal | undefined) => (value === undefined ? null : decimalToString(value));

/** The same facts as the table, for machines: amounts as exact decimal strings. */
export function alertRowJson(row: CheckedAlert): Record<string, unknown> {
  return {
    rule: row.rule,
    source: row.source,
    account: row.account,
    balance: row.value ? decimalToString(row.value.amount) : null,
    currency: row.value?.currency ?? null,
    state: row.state ? displayState(row.state) : 'unknown',
    no_data: row.state?.noDataSince !== undefined,
    warn_below: plain(row.thresholds?.warn),
    critical_below: plain(row.thresholds?.critical),
    recover_above: plain(row.thresholds?.warnRecover),
    critical_recover_above: plain(row.thresholds?.criticalRecover),
    error: row.error ?? null,
    ...(row.state?.members ? { members: row.state.members } : {}),
  };
}

/** Nagios plugin exit status: 2 any critical, 3 anything unknown, 1 any warning, 0 all OK. */
export function nagiosStatus(rows: readonly CheckedAlert[], sourceFailed: boolean): 0 | 1 | 2 | 3 {
  const worst = Math.max(0, ...rows.map((row) => (row.state ? LEVEL_SEVERITY[row.state.level] : 0)));
  if (worst === 2) return 2;
  if (sourceFailed || rows.some((row) => row.error !== undefined)) return 3;
  return worst === 1 ? 1 : 0;
}
