import { decimalToNumber } from '../money/decimal.js';
import { type AlertState, currentRunwayMs, LEVEL_SEVERITY } from '../rules/alert.js';
import type { SourceCycleResult } from './source-cycle.js';
import type { Metrics } from './metrics.js';

interface ShownBalance {
  readonly currency: string;
  readonly value: number;
}

interface ShownAlert {
  readonly level: AlertState['level'];
  readonly noData: 0 | 1;
  readonly runway: number | undefined;
}

/**
 * One source's gauges, set only when a value moved since this config last set
 * it: with 10,000 balances, a prom-client set per label set per cycle is a good
 * part of the daemon's CPU. What was shown is kept by account (and rule), not
 * by a key built per row, so a steady cycle allocates nothing here.
 */
export class SourceGauges {
  private readonly balances = new Map<string, ShownBalance>();
  private readonly alerts = new Map<string, Map<string, ShownAlert>>();

  constructor(
    private readonly source: string,
    private readonly metrics: Metrics,
  ) {}

  record(result: SourceCycleResult): void {
    const { metrics, source } = this;
    metrics.fetches.inc({ source, outcome: result.fetched.ok ? 'ok' : result.fetched.failure.reason });
    let errors = 0;
    if (result.fetched.ok) for (const reading of result.fetched.readings) if (!reading.balance.ok) errors += 1;
    if (errors > 0) metrics.accountErrors.inc({ source }, errors);
    for (const o of result.plan.observations) {
      const value = decimalToNumber(o.value.amount);
      const currency = o.value.currency ?? '';
      const shown = this.balances.get(o.account);
      if (shown?.value === value && shown.currency === currency) continue;
      this.balances.set(o.account, { currency, value });
      metrics.balance.set({ source, account: o.account, currency }, value);
    }
    for (const row of result.plan.rows) {
      if (row.state) this.recordAlert(row.rule, row.account, row.state);
    }
  }

  private recordAlert(rule: string, account: string, state: AlertState): void {
    const runwayMs = currentRunwayMs(state);
    const runway = runwayMs === undefined ? undefined : runwayMs / 1000;
    const noData = state.noDataSince === undefined ? 0 : 1;
    let ofRule = this.alerts.get(rule);
    if (!ofRule) this.alerts.set(rule, (ofRule = new Map()));
    const shown = ofRule.get(account);
    if (shown?.level === state.level && shown.noData === noData && shown.runway === runway) return;
    ofRule.set(account, { level: state.level, noData, runway });
    const labels = { rule, account };
    this.metrics.alertLevel.set(labels, LEVEL_SEVERITY[state.level]);
    this.metrics.noData.set(labels, noData);
    if (runway !== undefined) this.metrics.runway.set(labels, runway);
    else this.metrics.runway.remove(labels);
  }
}
