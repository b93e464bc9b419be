import type { Rule } from '../config/types.js';
import type { AlertEvent, AlertState } from './alert.js';
import { alertKey } from './alert-key.js';
import { checkAlert, type CycleResult, type HistoryLookup, policiesOf } from './cycle.js';
import { MEMBERS_SHOWN, readTotal, type SourceAnswer, TOTAL_ACCOUNT } from './total.js';

/**
 * One check of a total rule, from what each source last answered: the same
 * evaluation as any alert (thresholds, hysteresis, for, repeat, runway, drop),
 * of the sum or of why there is none. Undefined while a member's source has not
 * answered since the start: that is no check at all.
 */
export function planTotal(
  rule: Rule,
  answers: ReadonlyMap<string, SourceAnswer>,
  previous: ReadonlyMap<string, AlertState>,
  now: number,
  maxAgeMs: number,
  historyOf: HistoryLookup = () => [],
): CycleResult | undefined {
  const total = rule.total;
  if (!total?.currency) return undefined;
  const key = alertKey(rule.name, TOTAL_ACCOUNT);
  const prior = previous.get(key);
  const reading = readTotal(total.members, answers, new Set(prior?.members), total.currency, now, maxAgeMs);
  if (reading.waiting) return undefined;
  const currency = total.currency;
  const checked = checkAlert(rule, policiesOf(rule, rule.source), rule.source, TOTAL_ACCOUNT, prior, reading.observation, now, historyOf, () => currency);
  const joined = [...(prior?.joined ?? []), ...reading.joined];
  const members = { shown: reading.members.slice(0, MEMBERS_SHOWN), count: reading.members.length };
  // Members are listed beside a sum; a no-data message names the unknown ones in its reason instead.
  const listed = reading.observation.kind === 'value' ? { members } : {};
  const events = checked.events.map((event): AlertEvent => ({ ...event, ...listed, ...(joined.length > 0 ? { joined } : {}) }));
  // Joins wait in the state for the alert's next event, which names them once.
  const { joined: _announced, ...rest } = checked.state;
  const state: AlertState = { ...rest, members: reading.keys, ...(events.length === 0 && joined.length > 0 ? { joined } : {}) };
  return {
    rows: [{ ...checked.row, state }],
    events,
    states: new Map([[key, state]]),
    observations: reading.observation.kind === 'value' ? [{ account: TOTAL_ACCOUNT, value: reading.observation.value }] : [],
  };
}
