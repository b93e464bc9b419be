import { formatMoney } from '../money/money.js';
import { renderTable } from '../report/table.js';
import { formatTime } from './time.js';
import type { RenderOptions } from './message.js';
import type { Summary, SummaryEvent, SummaryRow } from './summary.js';

/** Rows beyond these are cut with "and N more", within Slack's limits. */
const MAX_ROWS = 40;
const MAX_EVENTS = 15;

const STATE_EMOJI: Readonly<Record<string, string>> = { critical: '🔴', warning: '🟠', 'no data': '⚪', pending: '🟡', ok: '🟢' };

export function summaryTitle(summary: Summary): string {
  const firing = summary.balances.filter((b) => b.state === 'critical' || b.state === 'warning' || b.state === 'no data').length;
  const count = `${summary.balances.length} balance${summary.balances.length === 1 ? '' : 's'}`;
  return `Balance summary${summary.late ? ' (late)' : ''}: ${count}, ${firing === 0 ? 'none firing' : `${firing} firing`}`;
}

export function summaryPeriod(summary: Summary, options: RenderOptions): string {
  const late = summary.late ? '; sent late: balance-watch was not running when it was due' : '';
  return `From ${formatTime(summary.from, options)} to ${formatTime(summary.to, options)}${late}`;
}

const name = (row: { rule: string; account: string }) => (row.account && row.account !== row.rule ? `${row.rule} · ${row.account}` : row.rule);

function change(row: SummaryRow): string {
  if (!row.change) return '';
  const text = formatMoney(row.change);
  return row.change.amount.units > 0n ? `+${text}` : text;
}

/** The balances as a plain text table (a code block in Slack, the text part of email). */
export function summaryTable(summary: Summary): string {
  const shown = summary.balances.slice(0, MAX_ROWS);
  const table = renderTable(
    ['STATE', 'ALERT', 'BALANCE', 'CHANGE'],
    shown.map((row) => [row.state, name(row), row.value ? formatMoney(row.value) : '-', change(row)]),
    new Set([2, 3]),
  );
  const hidden = summary.balances.length - shown.length;
  return hidden > 0 ? `${table}\n…and ${hidden} more` : table;
}

export function summaryEventLines(events: readonly SummaryEvent[], options: RenderOptions): string[] {
  const label = (e: SummaryEvent) =>
    e.kind === 'runway' ? 'RUNWAY' : e.kind === 'drop' ? 'DROP' : e.kind === 'no_data' ? 'NO DATA' : e.kind.endsWith('resolved') ? 'RESOLVED' : e.level.toUpperCase();
  const lines = events.slice(0, MAX_EVENTS).map((e) => `${formatTime(e.at, options)}  [${label(e)}] ${name(e)}${e.value ? `: ${formatMoney(e.value)}` : ''}`);
  return events.length > MAX_EVENTS ? [...lines, `…and ${events.length - MAX_EVENTS} more`] : lines;
}

export function stateEmoji(state: string): string {
  return STATE_EMOJI[state] ?? '';
}

/** The whole summary as plain text. */
export function summaryText(summary: Summary, options: RenderOptions): string {
  const sections = [summaryPeriod(summary, options), summaryTable(summary)];
  sections.push(
    summary.fired.length === 0 ? 'Fired: none.' : `Fired (${summary.fired.length}):\n${summaryEventLines(summary.fired, options).map((l) => `  ${l}`).join('\n')}`,
  );
  sections.push(
    summary.resolved.length === 0 ? 'Resolved: none.' : `Resolved (${summary.resolved.length}):\n${summaryEventLines(summary.resolved, options).map((l) => `  ${l}`).join('\n')}`,
  );
  return sections.join('\n\n');
}
