import type { AlertEvent, AlertState, RulePolicy } from './alert.js';

/*
 * Escalation: an alert that fires this long without an acknowledgement
 * reaches someone else. Each step fires once per episode; an acknowledgement
 * holds the steps still to come, a resolve ends them. Which steps are done is
 * in the alert's state, in the store: a restart, a reload or a failover
 * neither repeats a step nor skips one that fell due meanwhile. Pure.
 */

export interface EscalationStep {
  /** ms the alert has been firing (since it left ok) before this step. */
  readonly afterMs: number;
  readonly notify: readonly string[];
  /** Only a critical escalates at this step; a warning waits (and the step fires if it turns critical). */
  readonly level?: 'critical';
}

/** The steps due at `now`, by index: firing long enough, not acknowledged, not yet taken this episode, at a level they apply to. */
export function dueSteps(steps: readonly EscalationStep[], state: AlertState, now: number): number[] {
  if (steps.length === 0 || state.level === 'ok' || state.acknowledged) return [];
  const done = state.escalated ?? [];
  const due: number[] = [];
  steps.forEach((step, i) => {
    if (done.includes(i) || now - state.since < step.afterMs) return;
    if (step.level === 'critical' && state.level !== 'critical') return;
    due.push(i);
  });
  return due;
}

/** The escalation events of this check, and the state that records the steps taken (forgotten once the level resolves). */
export function escalate(steps: readonly EscalationStep[], policy: RulePolicy, account: string, state: AlertState, now: number): { readonly state: AlertState; readonly events: readonly AlertEvent[] } {
  if (state.level === 'ok') {
    if (state.escalated === undefined) return { state, events: [] };
    const { escalated: _ended, ...rest } = state;
    return { state: rest, events: [] };
  }
  const due = dueSteps(steps, state, now);
  if (due.length === 0) return { state, events: [] };
  const events = due.map(
    (i): AlertEvent => ({
      kind: 'escalated',
      rule: policy.name,
      source: policy.source,
      account,
      target: policy.target,
      level: state.level,
      previousLevel: state.level,
      ...(state.lastValue ? { value: state.lastValue } : {}),
      thresholds: policy.thresholds,
      since: state.since,
      at: now,
      to: steps[i]!.notify,
      step: { number: i + 1, of: steps.length },
    }),
  );
  return { state: { ...state, escalated: [...(state.escalated ?? []), ...due] }, events };
}
