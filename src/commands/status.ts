import type { CommandIo } from '../cli/io.js';
import { decimalToNumber, decimalToString, formatDecimal } from '../money/decimal.js';
import { sparkline } from '../rules/trend.js';
import { formatMoney } from '../money/money.js';
import { coverPeriod, formatTime, humanDuration, messageTitle } from '../notify/format.js';
import { orphanedChannels, orphanWarning } from '../notify/notices.js';
import type { RenderOptions } from '../notify/message.js';
import { renderTable } from '../report/table.js';
import { currentRunwayMs, displayState, isFiring, type TopUp } from '../rules/alert.js';
import { thresholdsIn } from '../rules/thresholds.js';
import { topUpJson, topUpOfState } from '../rules/topup.js';
import { dropLabel } from '../rules/drop.js';
import { seenLabel } from '../rules/seen-state.js';
import { type ChannelHealth, isChannelFailing, isChannelUp } from '../store/store.js';
import { describeLocation, mayHoldState } from '../store/location.js';
import type { OutboxMessage, StoredAlert } from '../store/store.js';
import { ExitError } from '../cli/exit-error.js';
import { configPath } from '../config/file.js';
import { locateState, type StateLocation } from '../config/state-location.js';
import { formatShortTime } from '../notify/time.js';
import type { TimeWindow } from '../notify/time-window.js';

/** The window arithmetic, loaded only when a channel has a window (it brings Luxon): status must start quickly. */
type Hours = typeof import('../notify/time-window.js');
import { openStoreOrExit } from './open-store.js';
import { renderSilences, silenceJson } from './silence.js';

export interface StatusOptions {
  readonly config?: string;
  readonly json?: boolean;
}

const OVERDUE_MS = 60 * 60_000;
const TREND_POINTS = 20;

/** "3 h 20 min to 10,000.00 BDT", from the last projection a runway rule made. */
function runwayText(alert: StoredAlert): string {
  const p = alert.state.projection;
  if (!p || p.at !== alert.state.lastObservedAt) return '-';
  return p.ms === undefined ? 'not falling' : `${humanDuration(p.ms)} to ${p.target}${alert.state.runwaySince !== undefined ? ' (alert)' : ''}`;
}

const wholeSeconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 1000));

const isFiringAlert = (alert: StoredAlert) => isFiring(alert.state);

/** `balance-watch status`: what the state store knows, without touching any API. */
export async function status(options: StatusOptions, io: CommandIo): Promise<void> {
  const located = await locateState(configPath(options.config, io.env), io.env);
  if (!located.ok) throw new ExitError(1, located.error);
  const config = located.value;
  if (!mayHoldState(config.state)) {
    io.out(options.json ? JSON.stringify({ state: describeLocation(config.state), alerts: [], outbox: { pending: [], failed: [] } }, null, 2) : `no state yet at ${describeLocation(config.state)}: balance-watch has not run with this config`);
    return;
  }
  // Opened for writing so that a store from an older version is migrated first; status itself writes nothing.
  const store = await openStoreOrExit(config.state, 1);
  try {
    const now = Date.now();
    const alerts = await store.alerts();
    const pending = await store.pendingMessages();
    const failed = await store.failedMessages();
    const render: RenderOptions = config.timezone === undefined ? {} : { timezone: config.timezone };
    const silences = await store.silences(now);
    const channels = await store.channelHealth.all(now);
    const hours: Hours | undefined = config.windows.size > 0 ? await import('../notify/time-window.js') : undefined;
    const topUps = await topUpsOf(configPath(options.config, io.env), io.env, alerts);
    const trends = new Map(await Promise.all(alerts.map(async (a) => [a, (await store.recent(a.source, a.account, TREND_POINTS)).map((o) => decimalToNumber(o.value.amount))] as const)));
    if (options.json) {
      io.out(JSON.stringify({ ...statusJson(describeLocation(config.state), alerts, trends, topUps, pending, failed, now), channels: channelsJson(channels, config, now, hours), silences: silences.map((s) => silenceJson(s, now)) }, null, 2));
    } else {
      const silenced = silences.length === 0 ? 'No silences.' : `Silences in force (${silences.length}):\n${renderSilences(silences, now, render)}`;
      io.out(`${statusText(alerts, trends, topUps, pending, failed, now, render)}\n\n${channelsText(channels, config, now, render, hours)}\n\n${silenced}`);
    }
  } finally {
    await store.close();
  }
}

/**
 * What would clear each warning and critical, from the rules as the config has
 * them now. The whole config is read only when something is firing (status
 * otherwise reads just where the state is); one that does not load leaves the
 * top-ups out, and status still answers.
 */
async function topUpsOf(file: string, env: CommandIo['env'], alerts: readonly StoredAlert[]): Promise<Map<StoredAlert, TopUp>> {
  const topUps = new Map<StoredAlert, TopUp>();
  if (!alerts.some((a) => a.state.level !== 'ok')) return topUps;
  const { loadConfigFile } = await import('../config/load.js');
  const loaded = await loadConfigFile(file, env).catch(() => undefined);
  if (!loaded?.config) return topUps;
  const rules = new Map(loaded.config.rules.map((rule) => [rule.name, rule]));
  for (const alert of alerts) {
    const rule = rules.get(alert.rule);
    if (!rule) continue;
    const levels = thresholdsIn(rule, alert.state.lastValue?.currency ?? null);
    const topUp = levels.ok ? topUpOfState(alert.state, levels.value, rule.topup_cover) : undefined;
    if (topUp) topUps.set(alert, topUp);
  }
  return topUps;
}

function statusText(alerts: readonly StoredAlert[], trends: ReadonlyMap<StoredAlert, number[]>, topUps: ReadonlyMap<StoredAlert, TopUp>, pending: readonly OutboxMessage[], failed: readonly OutboxMessage[], now: number, render: RenderOptions): string {
  const when = (ms: number | undefined) => (ms === undefined ? '-' : `${formatTime(ms, render)} (${humanDuration(now - ms)} ago)`);
  const firing = alerts.filter(isFiringAlert);
  const trend = (a: StoredAlert) => sparkline(trends.get(a) ?? []) || '-';
  const sections: string[] = [];
  sections.push(
    firing.length === 0
      ? 'No alert is firing.'
      : `Firing (${firing.length}):\n${renderTable(
          ['RULE', 'ACCOUNT', 'STATE', 'BALANCE', 'TOP UP', 'TREND', 'SINCE', 'LAST CHECK', 'LAST NOTIFIED'],
          firing.map((a) => [
            a.rule,
            a.account,
            `${a.state.level}${a.state.noDataSince !== undefined ? ', no data' : ''}${a.state.runwaySince !== undefined ? ', runway' : ''}${dropLabel(a.state)}`,
            a.state.lastValue ? formatMoney(a.state.lastValue) : '-',
            topUpCell(topUps.get(a)),
            trend(a),
            when(a.state.level !== 'ok' ? a.state.since : (a.state.noDataSince ?? a.state.runwaySince ?? a.state.dropSince)),
            when(a.state.lastObservedAt),
            when(a.state.lastNotifiedAt),
          ]),
        )}`,
  );
  sections.push(
    `All alerts (${alerts.length}):\n${renderTable(
      ['RULE', 'ACCOUNT', 'STATE', 'BALANCE', 'TREND', 'RUNWAY', 'LAST CHECK'],
      alerts.map((a) => [
        a.rule,
        a.account,
        seenLabel(a.state) + (a.state.missingSince === undefined ? '' : ` (not in ${a.source}'s answers since ${when(a.state.missingSince)})`) + (a.state.acknowledged ? ` · ack: ${a.state.acknowledged.by}, ${when(a.state.acknowledged.at)}` : ''),
        a.state.lastValue ? formatMoney(a.state.lastValue) : '-',
        trend(a),
        runwayText(a),
        when(a.state.lastObservedAt),
      ]),
    )}`,
  );
  if (pending.length === 0) sections.push('Outbox: every notification has been delivered.');
  else {
    const lines = pending.map((m) => {
      if (m.lastReason === 'held') return `  #${m.id} to ${m.channel}: "${messageTitle(m.message)}", queued ${humanDuration(now - m.createdAt)} ago, held until the channel's hours begin (${formatTime(m.nextAttemptAt, render)})`;
      const overdue = now - m.createdAt >= OVERDUE_MS ? ' OVERDUE' : '';
      return `  #${m.id} to ${m.channel}${overdue}: "${messageTitle(m.message)}", queued ${humanDuration(now - m.createdAt)} ago, ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}${m.lastError ? `, last error: ${m.lastError}` : ''}`;
    });
    sections.push(`Outbox: ${pending.length} notification${pending.length === 1 ? '' : 's'} waiting to be delivered:\n${lines.join('\n')}`);
  }
  if (failed.length > 0) {
    sections.push(`Given up (refused for good, or past delivery.give_up_after), newest first:\n${failed.map((m) => `  #${m.id} to ${m.channel}: "${messageTitle(m.message)}": ${m.lastError ?? ''}`).join('\n')}`);
  }
  return sections.join('\n\n');
}

/** Each channel's deliveries: whether people are hearing from it. */
function channelsText(health: readonly ChannelHealth[], config: StateLocation, now: number, render: RenderOptions, hours: Hours | undefined): string {
  const configured = config.channels;
  const channels = withWindowedChannels(health, config);
  if (channels.length === 0) return 'Channels: nothing sent yet.';
  const when = (ms: number | null) => (ms === null ? '-' : `${formatTime(ms, render)} (${humanDuration(now - ms)} ago)`);
  // The hours column only when some channel has hours (`hours` is loaded then): for the others it would only say "always".
  const windowed = hours !== undefined;
  return `Channels:\n${renderTable(
    ['CHANNEL', ...(windowed ? ['HOURS'] : []), 'HEALTH', 'LAST SUCCESS', 'LAST FAILURE', 'WAITING', 'GIVEN UP (1 DAY)'],
    channels.map((c) => [
      c.channel,
      ...(windowed ? [hoursText(config.windows.get(c.channel), now, render, hours)] : []),
      !configured.includes(c.channel) ? 'NOT IN CONFIG' : isChannelFailing(c) ? 'FAILING' : isChannelUp(c) ? 'up' : 'retrying',
      when(c.lastSuccessAt),
      c.lastFailureAt === null ? '-' : `${when(c.lastFailureAt)}: ${c.lastFailure ?? ''}`,
      String(c.waiting),
      String(c.gaveUpLastDay),
    ]),
  )}${orphanedChannels(channels, { channels: configured.map((id) => ({ id })) }).map((orphan) => `\n  ${orphanWarning(orphan)}`).join('')}`;
}

/** Channels with a time window are listed even before they sent anything: when they open matters most then. */
function withWindowedChannels(health: readonly ChannelHealth[], config: StateLocation): ChannelHealth[] {
  const known = new Set(health.map((c) => c.channel));
  const quiet = [...config.windows.keys()]
    .filter((id: string) => !known.has(id))
    .map((channel): ChannelHealth => ({ channel, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, lastReason: null, lastGaveUpAt: null, waiting: 0, gaveUpLastDay: 0 }));
  return [...health, ...quiet];
}

/** Whether a window is open now, and when that changes: it closes (while open) or opens next (while closed). */
function windowNow(hours: Hours, window: TimeWindow, now: number): { readonly open: boolean; readonly next: number | undefined } {
  const open = hours.isOpen(window, now);
  return { open, next: open ? hours.nextClosing(window, now) : hours.nextOpening(window, now) };
}

/** "open until Fri 18:00 (office-hours)", "closed, opens Mon 09:00 (office-hours)", or "always". */
function hoursText(window: TimeWindow | undefined, now: number, render: RenderOptions, hours: Hours | undefined): string {
  if (!window || !hours) return 'always';
  const zone = { ...render, timezone: window.timezone };
  const { open, next } = windowNow(hours, window, now);
  if (open) return `open${next === undefined ? '' : ` until ${formatShortTime(next, zone)}`} (${window.name})`;
  return `closed, ${next === undefined ? 'opens not within a year' : `opens ${formatShortTime(next, zone)}`} (${window.name})`;
}

function channelsJson(health: readonly ChannelHealth[], config: StateLocation, now: number, hours: Hours | undefined) {
  return withWindowedChannels(health, config).map((c) => {
    const window = hours && config.windows.get(c.channel);
    const { open, next } = window ? windowNow(hours, window, now) : { open: true, next: undefined };
    return {
      ...channelJson(c, config.channels),
      window: window ? { name: window.name, timezone: window.timezone, open, ...(open ? { closes_at: next === undefined ? null : new Date(next).toISOString() } : { opens_at: next === undefined ? null : new Date(next).toISOString() }) } : null,
    };
  });
}

function channelJson(c: ChannelHealth, configured: readonly string[]) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    channel: c.channel,
    in_config: configured.includes(c.channel),
    up: isChannelUp(c),
    failing: isChannelFailing(c),
    last_success_at: iso(c.lastSuccessAt),
    last_failure_at: iso(c.lastFailureAt),
    last_failure: c.lastFailure,
    last_reason: c.lastReason,
    waiting: c.waiting,
    given_up_last_day: c.gaveUpLastDay,
  };
}

/** "at least 20,000.00 BDT (to 55,000.00); 44,000.00 BDT covers 24 h": the messages' top-up, short enough for a table. */
function topUpCell(topUp: TopUp | undefined): string {
  if (!topUp) return '-';
  const cover = topUp.cover ? `; ${formatMoney(topUp.cover.amount)} covers ${coverPeriod(topUp.cover.ms)}` : '';
  return `at least ${formatMoney(topUp.atLeast)} (to ${formatDecimal(topUp.to.amount)})${cover}`;
}

function statusJson(state: string, alerts: readonly StoredAlert[], trends: ReadonlyMap<StoredAlert, number[]>, topUps: ReadonlyMap<StoredAlert, TopUp>, pending: readonly OutboxMessage[], failed: readonly OutboxMessage[], now: number) {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const message = (m: OutboxMessage) => ({
    id: m.id,
    channel: m.channel,
    title: messageTitle(m.message),
    queued_at: iso(m.createdAt),
    attempts: m.attempts,
    next_attempt_at: iso(m.nextAttemptAt),
    last_error: m.lastError,
    last_reason: m.lastReason,
    overdue: m.sentAt === null && m.failedAt === null && now - m.createdAt >= OVERDUE_MS && m.lastReason !== 'held',
  });
  return {
    state,
    alerts: alerts.map((a) => ({
      rule: a.rule,
      account: a.account,
      source: a.source,
      state: displayState(a.state),
      firing: isFiringAlert(a),
      no_data: a.state.noDataSince !== undefined,
      missing_since: iso(a.state.missingSince),
      acknowledged: a.state.acknowledged ? { by: a.state.acknowledged.by, note: a.state.acknowledged.note ?? null, at: iso(a.state.acknowledged.at) } : null,
      since: iso(a.state.since),
      balance: a.state.lastValue ? decimalToString(a.state.lastValue.amount) : null,
      currency: a.state.lastValue?.currency ?? null,
      last_check: iso(a.state.lastObservedAt),
      last_notified: iso(a.state.lastNotifiedAt),
      runway_alert: a.state.runwaySince !== undefined,
      runway_seconds: wholeSeconds(currentRunwayMs(a.state)),
      drop_alert: a.state.dropSince !== undefined,
      drop_ratio: a.state.dropRatio ?? null,
      top_up: topUpJson(topUps.get(a)),
      trend: trends.get(a) ?? [],
      members: a.state.members ?? null,
    })),
    outbox: { pending: pending.map(message), failed: failed.map(message) },
  };
}
