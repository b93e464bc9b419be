import { ExitError } from '../cli/exit-error.js';
import type { CommandIo } from '../cli/io.js';
import { parseDuration } from '../config/duration.js';
import { configPath } from '../config/file.js';
import { locateState } from '../config/state-location.js';
import { compareDecimal, decimalToNumber, decimalToString } from '../money/decimal.js';
import { formatMoney, type Money, moneyChange } from '../money/money.js';
import { changeSince, formatTime, humanDuration } from '../notify/format.js';
import { printable } from '../printable.js';
import { renderTable } from '../report/table.js';
import { sparkline } from '../rules/trend.js';
import { openStoreOrExit } from './open-store.js';
import { describeLocation, mayHoldState } from '../store/location.js';

export interface HistoryOptions {
  readonly config?: string;
  readonly account?: string;
  readonly since?: string;
  readonly json?: boolean;
  readonly limit?: string;
}

const DEFAULT_LIMIT = 50;

/** `balance-watch history RULE`: the stored balances of a rule's accounts, with a sparkline and min / max / change. */
export async function history(rule: string, options: HistoryOptions, io: CommandIo): Promise<void> {
  const since = parseDuration(options.since ?? '24h');
  if (!since.ok) throw new ExitError(1, `--since: ${since.error}`);
  const limit = options.limit === undefined ? DEFAULT_LIMIT : Number(options.limit);
  if (!/^\d+$/.test(options.limit ?? '1') || !Number.isSafeInteger(limit) || limit < 1) throw new ExitError(1, `--limit: "${options.limit}" is not a number of rows; give a whole number of 1 or more, e.g. --limit 100 (--json prints every row)`);
  const located = await locateState(configPath(options.config, io.env), io.env);
  if (!located.ok) throw new ExitError(1, located.error);
  const render = located.value.timezone === undefined ? {} : { timezone: located.value.timezone };
  if (!mayHoldState(located.value.state)) throw new ExitError(1, `no state yet at ${describeLocation(located.value.state)}: balance-watch has not run with this config`);
  const store = await openStoreOrExit(located.value.state, 1);
  try {
    const alerts = await store.alerts();
    const ofRule = alerts.filter((a) => a.rule === rule && (options.account === undefined || a.account === options.account));
    if (ofRule.length === 0) {
      const rules = [...new Set(alerts.map((a) => a.rule))];
      const known = alerts.some((a) => a.rule === rule);
      throw new ExitError(
        1,
        known
          ? `rule "${rule}" has no account "${options.account}" (accounts: ${alerts.filter((a) => a.rule === rule).map((a) => a.account).join(', ')})`
          : `no rule "${rule}" in the state store (rules: ${rules.join(', ') || 'none yet'})`,
      );
    }
    const now = Date.now();
    const sections = await Promise.all(ofRule.map(async (alert) => ({ alert, observations: await store.history(alert.source, alert.account, now - since.value) })));
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            rule,
            since: new Date(now - since.value).toISOString(),
            accounts: sections.map(({ alert, observations }) => ({
              account: alert.account,
              source: alert.source,
              currency: observations.at(-1)?.value.currency ?? null,
              ...summaryJson(observations.map((o) => o.value)),
              observations: observations.map((o) => ({ at: new Date(o.at).toISOString(), balance: decimalToString(o.value.amount) })),
            })),
          },
          null,
          2,
        ),
      );
      return;
    }
    io.out(
      sections
        .map(({ alert, observations }) => {
          const title = `${printable(rule)} · ${printable(alert.account)} (${alert.source}), the last ${humanDuration(since.value)}`;
          if (observations.length === 0) return `${title}\n  no observations in this period`;
          const shown = observations.slice(-limit);
          const rows = shown.map((o, i) => {
            const before = i > 0 ? shown[i - 1]!.value : observations[observations.length - shown.length - 1]?.value;
            return [formatTime(o.at, render), formatMoney(o.value), changeSince(o.value, before) ?? ''];
          });
          const cut = observations.length > shown.length ? `\n  (the last ${shown.length} of ${observations.length}; --limit N shows more, --json all)` : '';
          return `${title}\n  ${sparkline(observations.map((o) => decimalToNumber(o.value.amount)))}\n  ${summaryText(observations.map((o) => o.value))}\n\n${renderTable(['TIME', 'BALANCE', 'CHANGE'], rows, new Set([1, 2]))}${cut}`;
        })
        .join('\n\n'),
    );
  } finally {
    await store.close();
  }
}

function extremes(values: readonly Money[]): { min: Money; max: Money; first: Money; last: Money } | undefined {
  if (values.length === 0) return undefined;
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    if (compareDecimal(v.amount, min.amount) < 0) min = v;
    if (compareDecimal(v.amount, max.amount) > 0) max = v;
  }
  return { min, max, first: values[0]!, last: values.at(-1)! };
}

function summaryText(values: readonly Money[]): string {
  const e = extremes(values)!;
  return `min ${formatMoney(e.min)}, max ${formatMoney(e.max)}, change ${changeSince(e.last, e.first) ?? '-'} (${values.length} observations)`;
}

function summaryJson(values: readonly Money[]) {
  const e = extremes(values);
  if (!e) return { min: null, max: null, change: null };
  const change = moneyChange(e.first, e.last);
  const delta = change ? decimalToString(change.amount) : null;
  return { min: decimalToString(e.min.amount), max: decimalToString(e.max.amount), change: delta };
}
