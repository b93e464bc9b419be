import { type AlertState, displayState } from './alert.js';
import type { Silence } from './silence.js';

/**
 * The one state a person is shown for an alert, on the board, in summaries, in
 * `status` and in `once`: a firing level first, then missing data, then a
 * silence, then pending and ok.
 */
export type SeenState = 'critical' | 'warning' | 'no data' | 'silenced' | 'pending' | 'ok';

/** Firing first, most severe first: the order of every list of alerts people read. */
export const SEEN_ORDER: Readonly<Record<SeenState, number>> = { critical: 0, warning: 1, 'no data': 2, silenced: 3, pending: 4, ok: 5 };

/** `silence`: the silence covering this alert's level, if any (only the board passes one). */
export function seenState(state: AlertState, silence?: Silence): SeenState {
  const shown = displayState(state);
  if (silence && state.level !== 'ok' && (silence.level === 'critical' || state.level === 'warning')) return 'silenced';
  if (state.noDataSince !== undefined && shown !== 'critical' && shown !== 'warning') return 'no data';
  return shown;
}

/** For tables of text: a firing level whose data is also missing says both ("warning, no data"). */
export function seenLabel(state: AlertState): string {
  const seen = seenState(state);
  return state.noDataSince !== undefined && seen !== 'no data' ? `${seen}, no data` : seen;
}

/** Byte order, not locale order: the same in every process and every replica. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Names as people look for them: "bKash" beside "BKASH" and before "upi", not
 * after every capital; byte order breaks ties, so the order is the same in
 * every process and locale.
 */
export const compareNames = (a: string, b: string): number => compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b);

/** By seen state, then rule, then account. */
export const compareSeen = (a: { readonly state: SeenState; readonly rule: string; readonly account: string }, b: typeof a): number =>
  SEEN_ORDER[a.state] - SEEN_ORDER[b.state] || compareNames(a.rule, b.rule) || compareNames(a.account, b.account);
