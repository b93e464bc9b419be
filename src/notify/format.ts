import { type Decimal, decimalToNumber, formatDecimal, signOf, subtractDecimal } from '../money/decimal.js';
import { ratioText } from '../rules/drop.js';
import { membersText } from '../rules/total.js';
import { isTopUp, sparkline } from '../rules/trend.js';
import { summaryTitle } from './render-summary.js';
import { awayTitle } from './away.js';
import { alertName } from './alert-name.js';
import { formatTime, humanDuration } from './time.js';

export { formatTime, humanDuration } from './time.js';
import { formatMoney, type Money, moneyChange } from '../money/money.js';
import { type AlertEvent, type DropFacts, isResolve, type Level, type TopUp } from '../rules/alert.js';
import type { ActionEcho, DeliveryFailureNotice, Message, RenderOptions } from './message.js';

/**
 * The words and facts every channel shows, in one place, so Slack and email say
 * the same thing. Pure: events and options in, text out.
 */

export type Tone = 'critical' | 'warning' | 'drop' | 'runway' | 'resolved' | 'no_data' | 'test';

export const TONE_EMOJI: Readonly<Record<Tone, string>> = { critical: '🔴', warning: '🟠', drop: '📉', runway: '⏳', resolved: '✅', no_data: '⚪', test: '🧪' };
export const TONE_COLOUR: Readonly<Record<Tone, string>> = {
  critical: '#d40e0d',
  warning: '#e8912d',
  drop: '#a6266e',
  runway: '#ecb22e',
  resolved: '#2eb67d',
  no_data: '#9e9e9e',
  test: '#1d9bd1',
};
const TONE_LABEL: Readonly<Record<Tone, string>> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  drop: 'DROP',
  runway: 'RUNWAY',
  resolved: 'RESOLVED',
  no_data: 'NO DATA',
  test: 'TEST',
};
// A sudden drop (a drain, a runaway batch) outranks a slow runway but not a balance already below its level.
const TONE_RANK: Readonly<Record<Tone, number>> = { test: 0, resolved: 1, no_data: 2, runway: 3, drop: 4, warning: 5, critical: 6 };

export function toneOf(event: AlertEvent): Tone {
  if (event.kind === 'runway') return 'runway';
  if (event.kind === 'drop') return 'drop';
  if (event.kind === 'runway_resolved' || event.kind === 'drop_resolved') return 'resolved';
  if (event.kind === 'no_data' || (event.kind === 'repeat' && event.level === 'ok' && event.noData)) return 'no_data';
  if (event.kind === 'resolved' || event.kind === 'no_data_resolved') return 'resolved';
  return event.level === 'critical' ? 'critical' : event.level === 'warning' ? 'warning' : 'resolved';
}

const thresholdOf = (event: AlertEvent, level: Level): Decimal | undefined => (level === 'critical' ? event.thresholds.critical : event.thresholds.warn);
const recoveryOf = (event: AlertEvent, level: Level): Decimal | undefined =>
  level === 'critical' ? event.thresholds.criticalRecover : event.thresholds.warnRecover;

/** An amount in the event's currency, for people. */
function amount(event: AlertEvent, value: Decimal | undefined): string {
  if (value === undefined) return '-';
  return formatMoney({ amount: value, currency: event.value?.currency ?? null });
}


/** One line that says it all: `[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)`. */
export function headline(event: AlertEvent): string {
  const tone = toneOf(event);
  const label = TONE_LABEL[tone];
  const name = alertName(event);
  const value = event.value ? formatMoney(event.value) : 'no balance';
  const threshold = formatThreshold(thresholdOf(event, event.level));
  switch (event.kind) {
    case 'firing':
      return `[${label}] ${name}: ${value} (below ${threshold})`;
    case 'escalation':
      return `[${label}] ${name}: ${value} (below ${threshold}, was warning)`;
    case 'improvement':
      return `[${label}] ${name}: ${value} (improved from critical, still below ${threshold})`;
    case 'resolved': {
      const topUp = topUpText(event);
      return `[${label}] ${name}: ${value} (back above ${formatThreshold(event.thresholds.warnRecover ?? event.thresholds.criticalRecover)}${topUp ? `; ${topUp}` : ''})`;
    }
    case 'runway':
      return `[${label}] ${name}: ${value}, ${event.projection ? `below ${formatMoney(event.projection.target)} in about ${humanDuration(event.projection.ms)} at the current rate` : 'falling'}`;
    case 'runway_resolved':
      return `[${label}] ${name}: ${value}, no longer on course to run dry within ${humanDuration(event.runwayBelow ?? 0)}`;
    case 'drop':
      return event.drop ? `[${label}] ${name} fell ${dropText(event.drop)}` : `[${label}] ${name}: ${value}, falling fast`;
    case 'drop_resolved':
      return `[${label}] ${name}: ${value}, no longer falling fast${event.drop ? ` (${dropResolvedText(event.drop)})` : ''}`;
    case 'no_data':
      return `[${label}] ${name}: no balance could be read${event.reason ? ` (${event.reason})` : ''}`;
    case 'no_data_resolved':
      return `[${TONE_LABEL.resolved}] ${name}: balances are being read again (${value})`;
    case 'escalated':
      return `[ESCALATED] ${name}: ${event.level} for ${humanDuration(event.at - event.since)}, not acknowledged: ${value} (below ${threshold})`;
    case 'repeat':
      if (event.level === 'ok') return `[${label}] ${name}: still no balance${event.reason ? ` (${event.reason})` : ''}`;
      return `[${label}] ${name}: ${value} (still below ${threshold})`;
  }
}

function formatThreshold(value: Decimal | undefined): string {
  return value === undefined ? '-' : formatDecimal(value);
}

/** The title of a message: the event's headline, or for a digest the worst tone and a count. */
export function messageTitle(message: Message): string {
  if (message.kind === 'test') return `[TEST] balance-watch test message for channel ${message.channel}`;
  if (message.kind === 'delivery-failure') return message.partial ? `[PARTLY DELIVERED] ${message.target}: a recipient was refused` : `[DELIVERY FAILED] ${message.target} failed`;
  if (message.kind === 'summary') return summaryTitle(message);
  if (message.kind === 'away') return awayTitle(message);
  if (message.kind === 'action') return `[${message.action === 'acknowledged' ? 'ACKNOWLEDGED' : 'SILENCED'}] ${echoName(message)} by ${message.by}`;
  if (message.kind === 'unreadable') return `[UNREADABLE] a queued message this version of balance-watch cannot read`;
  const [first] = message.events;
  if (message.events.length === 1 && first) return headline(first);
  const worst = worstTone(message.events);
  // One alert with several events (a total whose data is back and that fires at once) is named, not its source.
  const oneAlert = first && message.events.every((e) => e.rule === first.rule && e.account === first.account);
  return `[${TONE_LABEL[worst]}] ${message.events.length} balance alerts from ${oneAlert ? alertName(first) : message.source}`;
}

export function worstTone(events: readonly AlertEvent[]): Tone {
  return events.map(toneOf).reduce<Tone>((worst, tone) => (TONE_RANK[tone] > TONE_RANK[worst] ? tone : worst), 'test');
}

/** "recovered: +250,000.00 BDT since the last check", when a resolve came with a top-up. */
export function topUpText(event: AlertEvent): string | undefined {
  if (!event.value || !event.previousValue) return undefined;
  if (!isTopUp(decimalToNumber(event.previousValue.amount), decimalToNumber(event.value.amount))) return undefined;
  return `recovered: ${changeSince(event.value, event.previousValue)} since the last check`;
}

/**
 * "at least 25,000.00 BDT (to 60,000.00, the recovery level)" and, while it
 * falls, "45,000.00 BDT covers the next 24 h at the current rate".
 */
export function topUpLines(topUp: TopUp | undefined): { readonly clear: string; readonly cover?: string } | undefined {
  if (!topUp) return undefined;
  const clear = `at least ${formatMoney(topUp.atLeast)} (to ${formatDecimal(topUp.to.amount)}, the recovery level)`;
  return topUp.cover ? { clear, cover: `${formatMoney(topUp.cover.amount)} covers the next ${coverPeriod(topUp.cover.ms)} at the current rate` } : { clear };
}

/** "24 h" and "48 h" as treasury says them, not "1 d"; longer or odd periods as any duration. */
export const coverPeriod = (ms: number): string => (ms % 3_600_000 === 0 && ms <= 48 * 3_600_000 ? `${ms / 3_600_000} h` : humanDuration(ms));

/** "35 % (−70,000.00 BDT) in 40 min: 200,000.00 → 130,000.00 BDT". */
export function dropText(drop: DropFacts): string {
  const to = subtractDecimal(drop.from.amount, drop.fall.amount);
  return `${ratioText(drop.ratio)} (−${formatMoney(drop.fall)}) in ${humanDuration(drop.overMs)}: ${formatDecimal(drop.from.amount)} → ${formatMoney({ amount: to, currency: drop.from.currency })}`;
}

/** "10 % below its high of the last 1 h; the limit is 30 %", or, when it is back up, "not below its high of the last 1 h". */
function dropResolvedText(drop: DropFacts): string {
  const window = `its high of the last ${humanDuration(drop.withinMs)}`;
  return drop.ratio > 0 ? `${ratioText(drop.ratio)} below ${window}; the limit is ${drop.limit}` : `not below ${window}`;
}

/** "at the current rate, below 10,000.00 BDT in about 3 h 20 min". */
export function projectionText(event: AlertEvent): string | undefined {
  if (!event.projection) return undefined;
  return `at the current rate, below ${formatMoney(event.projection.target)} in about ${humanDuration(event.projection.ms)}`;
}

/** `+250,000.00 BDT` or `−1,500.00 BDT`, when both values are in one currency. */
export function changeSince(value: Money | undefined, previous: Money | undefined): string | undefined {
  const delta = moneyChange(previous, value);
  if (!delta) return undefined;
  const sign = signOf(delta.amount) > 0 ? '+' : '';
  return `${sign}${formatMoney(delta)}`;
}

/** The facts of an event as label/value pairs, in the order people read them. */
export function eventFacts(event: AlertEvent, options: RenderOptions): [string, string][] {
  const facts: [string, string][] = [];
  facts.push(['Balance', event.value ? formatMoney(event.value) : 'unknown']);
  const change = changeSince(event.value, event.previousValue);
  if (change) facts.push(['Change since last check', change]);
  const level = event.kind === 'resolved' ? event.previousLevel : event.level;
  if (level !== 'ok') {
    facts.push([level === 'critical' ? 'Critical below' : 'Warning below', amount(event, thresholdOf(event, level))]);
    facts.push(['Recovers at', amount(event, recoveryOf(event, level))]);
  }
  if (event.members) facts.push(['Members', membersText(event.members.shown, event.members.count)]);
  else {
    facts.push(['Source', event.source]);
    facts.push(['Account', event.account]);
  }
  if (event.joined && event.joined.length > 0) facts.push(['Joined the total', event.joined.join(', ')]);
  if (event.drop) {
    facts.push(['Fell', `${ratioText(event.drop.ratio)} (${formatMoney(event.drop.fall)}) in ${humanDuration(event.drop.overMs)}`]);
    facts.push(['From', `${formatMoney(event.drop.from)} at ${formatTime(event.at - event.drop.overMs, options)}`]);
    facts.push(['Drop limit', `${event.drop.limit} within ${humanDuration(event.drop.withinMs)}`]);
  }
  facts.push(...sinceFact(event, options));
  if (event.reason) facts.push(['Why no data', event.reason]);
  const projection = projectionText(event);
  if (projection && !isResolve(event.kind)) facts.push(['Forecast', projection]);
  const topUp = topUpLines(event.topUp);
  if (topUp) {
    facts.push(['Top up', topUp.clear]);
    if (topUp.cover) facts.push(['To cover the trend', topUp.cover]);
  }
  if (event.recent && event.recent.length > 1) facts.push(['Trend', sparkline(event.recent)]);
  if (event.silenceEnded) facts.push(['Silence', 'ended: the alert resolved']);
  if (event.acknowledged) facts.push(['Acknowledged', `by ${event.acknowledged.by} at ${formatTime(event.acknowledged.at, options)}${event.kind === 'escalation' ? ' (ended: it got worse)' : ''}`]);
  return facts;
}

/** When it began: the episode, the no-data spell, or (a drop) nothing more than where it fell from, said above. */
function sinceFact(event: AlertEvent, options: RenderOptions): [string, string][] {
  switch (event.kind) {
    case 'drop':
      return [];
    case 'runway_resolved':
      return [['Runway alert since', formatTime(event.since, options)]];
    case 'drop_resolved':
      return [['Drop alert since', formatTime(event.since, options)]];
    case 'resolved':
      return [['Was firing', `${humanDuration(event.at - event.since)}, since ${formatTime(event.since, options)}`]];
    case 'no_data':
    case 'no_data_resolved':
      return [['No data since', formatTime(event.since, options)]];
    default:
      if (event.kind === 'repeat' && event.level === 'ok') return [['No data since', formatTime(event.since, options)]];
      return [['Firing since', `${formatTime(event.since, options)} (${humanDuration(event.at - event.since)})`]];
  }
}

/** Digests longer than this are cut with "and N more", within Slack's block limits. */
export const MAX_EVENTS_PER_MESSAGE = 20;

export function visibleEvents(events: readonly AlertEvent[]): { shown: readonly AlertEvent[]; hidden: number } {
  const ordered = [...events].sort((a, b) => TONE_RANK[toneOf(b)] - TONE_RANK[toneOf(a)]);
  return { shown: ordered.slice(0, MAX_EVENTS_PER_MESSAGE), hidden: Math.max(0, ordered.length - MAX_EVENTS_PER_MESSAGE) };
}

/** "Email to finance@… failed: the SMTP server refused the recipient (550 5.1.1). The alert was: [CRITICAL] …" */
const echoName = (echo: ActionEcho): string => (echo.account !== echo.target ? `${echo.rule} (${echo.account})` : echo.rule);

/** "bKash agent float (bkash_a): silenced until 11:14 by Anna — top-up requested from the bank". */
export function actionEchoText(echo: ActionEcho, options: RenderOptions): string {
  const what = echo.until === null ? 'acknowledged' : `silenced until ${formatTime(echo.until, options)}`;
  const more = echo.more && echo.more.length > 0 ? ` and ${echo.more.length} more (${echo.more.slice(0, 5).join(', ')}${echo.more.length > 5 ? ', …' : ''})` : '';
  return `${echoName(echo)}${more}: ${what} by ${echo.by}${echo.note ? ` — ${echo.note}` : ''}`;
}

export function deliveryFailureText(notice: DeliveryFailureNotice, options: RenderOptions): string {
  if (notice.partial) {
    return `${notice.target} at ${formatTime(notice.at, options)}: ${notice.problem}. The alert was: ${notice.lost}. Until the address is fixed (in the config or on the mail server), it gets no alerts; balance-watch status shows the channel's health.`;
  }
  return `${notice.target} failed at ${formatTime(notice.at, options)}: ${notice.problem}. The alert was: ${notice.lost}. Until it is fixed, alerts for its rules reach people only here; balance-watch status shows the channel's health.`;
}

export function testMessageText(channel: string, at: number, options: RenderOptions): string {
  return `This is a test message from balance-watch for channel "${channel}", sent ${formatTime(at, options)}. If you can read it, alerts will reach you here. No balance is low because of it.`;
}
