import type { Money } from '../money/money.js';
import type { EventRecord } from '../rules/alert.js';
import type { SeenState } from '../rules/seen-state.js';

export interface SummaryRow {
  readonly rule: string;
  readonly account: string;
  readonly source: string;
  /** ok, pending, warning, critical, or "no data" (a summary knows no silences). */
  readonly state: SeenState;
  readonly value: Money | null;
  /** The change since the start of the period, when both ends are known in one currency. */
  readonly change: Money | null;
}

/** An event of the period, as the summary lists it. */
export type SummaryEvent = EventRecord;

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
