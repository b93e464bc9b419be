import { formatMoney } from '../money/money.js';
import { type AlertEvent, type AlertState, isFiring, isResolve, type EventKind } from '../rules/alert.js';
import { alertKey } from '../rules/alert-key.js';
import { seenLabel } from '../rules/seen-state.js';
import type { AwayAlert, AwayDigest, AwayHappening } from './away-digest.js';
import type { RenderOptions } from './message.js';
import { alertName } from './alert-name.js';
import { EVENT_WORDS } from './event-words.js';
import { formatShortTime, formatTime } from './time.js';

/*
 * What a channel outside its time window missed, as one message when the
 * window opens: every alert of the held messages, what happened to it while
 * the window was closed, and where it stands now. A resolve inside the closed
 * period is reported as resolved, never dropped; an alert that fired and
 * resolved while closed is one line, not a live alert. Pure.
 */

const key = alertKey;

/** The catch-up of the alerts in the held messages, each with its current state (absent: forgotten since, shown as ok). */
export function awayDigest(channel: string, from: number, to: number, timezone: string, events: readonly AlertEvent[], current: ReadonlyMap<string, AlertState>): AwayDigest {
  const byAlert = new Map<string, { first: AlertEvent; happened: AwayHappening[] }>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    const k = key(event.rule, event.account);
    let entry = byAlert.get(k);
    if (!entry) byAlert.set(k, (entry = { first: event, happened: [] }));
    entry.happened.push({ kind: event.kind, level: event.level, at: event.at, value: event.value ?? null });
  }
  const alerts = [...byAlert.values()].map(({ first, happened }): AwayAlert => {
    const state = current.get(key(first.rule, first.account));
    return {
      rule: first.rule,
      account: first.account,
      target: first.target,
      happened,
      now: { label: state ? seenLabel(state) : 'ok', firing: state ? isFiring(state) : false, value: state?.lastValue ?? null },
    };
  });
  // Still firing first, then by when it first happened.
  alerts.sort((a, b) => Number(b.now.firing) - Number(a.now.firing) || a.happened[0]!.at - b.happened[0]!.at);
  return { kind: 'away', channel, from, to, timezone, alerts };
}

const RAISES: ReadonlySet<EventKind> = new Set(['firing', 'escalation', 'no_data', 'runway', 'drop']);

/** "While you were away (Fri 18:00 – Mon 09:00): 3 alerts fired, 2 resolved, 1 still firing". */
export function awayTitle(digest: AwayDigest): string {
  const fired = digest.alerts.filter((a) => a.happened.some((h) => RAISES.has(h.kind))).length;
  const resolved = digest.alerts.filter((a) => !a.now.firing && a.happened.some((h) => isResolve(h.kind))).length;
  const firing = digest.alerts.filter((a) => a.now.firing).length;
  const zone = { timezone: digest.timezone };
  const period = `${formatShortTime(digest.from, zone)} – ${formatShortTime(digest.to, zone)}`;
  const counts = [`${fired} alert${fired === 1 ? '' : 's'} fired`, `${resolved} resolved`, `${firing} still firing`];
  return `While you were away (${period}): ${counts.join(', ')}`;
}


/** "bKash agent float: fired 02:10 (critical, 8,000.00 BDT), resolved 04:30; now ok, 90,000.00 BDT". */
export function awayLine(digest: Pick<AwayDigest, 'timezone'>, alert: AwayAlert, options: RenderOptions): string {
  const happened = alert.happened
    .filter((h) => h.kind !== 'repeat')
    .map((h) => {
      const detail = RAISES.has(h.kind) ? ` (${[h.level === 'ok' ? '' : h.level, h.value ? formatMoney(h.value) : ''].filter(Boolean).join(', ')})` : '';
      return `${EVENT_WORDS[h.kind]} ${formatShortTime(h.at, { ...options, timezone: digest.timezone })}${detail === ' ()' ? '' : detail}`;
    });
  const now = `${alert.now.firing ? 'still' : 'now'} ${alert.now.label}${alert.now.value ? `, ${formatMoney(alert.now.value)}` : ''}`;
  return `${alertName(alert)}: ${(happened.length > 0 ? happened : ['still firing']).join(', ')}; ${now}`;
}

/** The whole catch-up as plain text: the closed period, then a line per alert. */
export function awayText(digest: AwayDigest, options: RenderOptions): string {
  const period = `The channel was outside its hours from ${formatTime(digest.from, { ...options, timezone: digest.timezone })} to ${formatTime(digest.to, { ...options, timezone: digest.timezone })}.`;
  return [period, ...digest.alerts.map((alert) => awayLine(digest, alert, options))].join('\n');
}
