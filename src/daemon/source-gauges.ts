import { decimalToNumber } from '../money/decimal.js';
import { type AlertState, currentRunwayMs, LEVEL_SEVERITY } from '../rules/alert.js';
import type { CycleResult } from '../rules/cycle.js';
import type { DueWrites, SourceCycleResult } from './source-cycle.js';
import type { Metrics } from './metrics.js';

/**
 * A cycle's gauges. Only what the cycle wrote is set: a balance or state that
 * changed, or all of them at a heartbeat and after each config load or
 * election. A gauge shows nothing a state does not hold, so an unchanged state
 * means an unchanged gauge; with 10,000 balances, a prom-client set per label
 * set per cycle would be a good part of the daemon's CPU, and remembering what
 * each gauge shows would double what the daemon holds per account.
 */
export function recordCycleGauges(metrics: Metrics, source: string, result: SourceCycleResult): void {
  metrics.fetches.inc({ source, outcome: result.fetched.ok ? 'ok' : result.fetched.failure.reason });
  let errors = 0;
  if (result.fetched.ok) for (const reading of result.fetched.readings) if (!reading.balance.ok) errors += 1;
  if (errors > 0) metrics.accountErrors.inc({ source }, errors);
  recordPlanGauges(metrics, source, result.plan, result.written);
}

/** The balances and alert states a cycle wrote (or, unwritten, planned), of a source or of a total. */
export function recordPlanGauges(metrics: Metrics, source: string, plan: CycleResult, written: DueWrites | undefined): void {
  for (const o of written?.observations ?? plan.observations) {
    metrics.balance.set({ source, account: o.account, currency: o.value.currency ?? '' }, decimalToNumber(o.value.amount));
  }
  for (const alert of written?.alerts ?? plan.rows) if (alert.state) recordAlert(metrics, alert.rule, alert.account, alert.state);
}

function recordAlert(metrics: Metrics, rule: string, account: string, state: AlertState): void {
  const labels = { rule, account };
  const runwayMs = currentRunwayMs(state);
  metrics.alertLevel.set(labels, LEVEL_SEVERITY[state.level]);
  metrics.noData.set(labels, state.noDataSince === undefined ? 0 : 1);
  metrics.acknowledged.set(labels, state.acknowledged === undefined ? 0 : 1);
  if (runwayMs !== undefined) metrics.runway.set(labels, runwayMs / 1000);
  else metrics.runway.remove(labels);
  if (state.dropRatio !== undefined) {
    metrics.dropRatio.set(labels, state.dropRatio);
    metrics.dropFiring.set(labels, state.dropSince === undefined ? 0 : 1);
  }
}
