import { subtractDecimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { displayState, type EventKind } from '../rules/alert.js';
import { alertKey } from '../rules/alert-key.js';
import type { LoggedEvent, StoredAlert } from '../store/store.js';

export interface SummaryRow {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  /** ok, pending, warning, critical, or "no data". */
  readonly state: string;
  readonly value: Money | null;
  /** The change since the start of the period, when both ends are known in one currency. */
  readonly change: Money | null;
}

export type SummaryEvent = Omit<LoggedEvent, 'source'>;

/** A channel's periodic overview: every balance, and what fired and resolved since the last one. */
export interface Summary {
  readonly kind: 'summary';
  readonly channel: string;
  readonly from: number;
  readonly to: number;
  /** Sent at start because the daemon was down when it was due. */
  readonly late: boolean;
  readonly balances: readonly SummaryRow[];
  readonly fired: readonly SummaryEvent[];
  readonly resolved: readonly SummaryEvent[];
}

const STATE_ORDER: Readonly<Record<string, number>> = { critical: 0, warning: 1, 'no data': 2, pending: 3, ok: 4 };

/** Builds a summary from what the store knows; pure. */
export function buildSummary(args: {
  readonly channel: string;
  readonly from: number;
  readonly to: number;
  readonly late: boolean;
  readonly alerts: readonly StoredAlert[];
  /** The balance at the start of the period, by alertKey. */
  readonly valuesAtStart: ReadonlyMap<string, Money>;
  readonly events: readonly LoggedEvent[];
}): Summary {
  const balances = args.alerts
    .map((alert): SummaryRow => {
      const value = alert.state.lastValue ?? null;
      const start = args.valuesAtStart.get(alertKey(alert.rule, alert.account));
      const change = value && start && start.currency === value.currency ? { amount: subtractDecimal(value.amount, start.amount), currency: value.currency } : null;
      const state = alert.state.noDataSince !== undefined && alert.state.level === 'ok' ? 'no data' : displayState(alert.state);
      return { rule: alert.rule, account: alert.account, source: alert.source, state, value, change };
    })
    .sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.rule.localeCompare(b.rule) || a.account.localeCompare(b.account));
  const pick = (kinds: readonly EventKind[]) =>
    args.events.filter((e) => kinds.includes(e.kind)).map((e) => ({ rule: e.rule, account: e.account, kind: e.kind, level: e.level, at: e.at, value: e.value }));
  return {
    kind: 'summary',
    channel: args.channel,
    from: args.from,
    to: args.to,
    late: args.late,
    balances,
    fired: pick(['firing', 'escalation', 'runway', 'no_data']),
    resolved: pick(['resolved', 'runway_resolved', 'no_data_resolved']),
  };
}
