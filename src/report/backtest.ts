import { decimalToString } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import type { RenderOptions } from '../notify/message.js';
import { formatTime, humanDuration } from '../notify/time.js';
import type { EventKind } from '../rules/alert.js';
import type { AlertTally, ReplayResult, RuleTally } from '../rules/replay.js';
import { renderTable } from './table.js';

/*
 * What backtest prints: per rule and account, what would have been sent and
 * how long it would have fired; with --against, both configs side by side and
 * the difference per rule. Pure.
 */

const COLUMNS: readonly (readonly [header: string, kinds: readonly EventKind[]])[] = [
  ['FIRED', ['firing']],
  ['ESCALATED', ['escalation']],
  ['IMPROVED', ['improvement']],
  ['RESOLVED', ['resolved']],
  ['REPEATS', ['repeat']],
  ['RUNWAY', ['runway']],
  ['DROP', ['drop']],
  ['NO DATA', ['no_data']],
  ['STEPS', ['escalated']],
];

const count = (tally: Pick<AlertTally, 'notifications'>, kinds: readonly EventKind[]) => kinds.reduce((n, kind) => n + (tally.notifications[kind] ?? 0), 0);
const duration = (ms: number) => (ms === 0 ? '-' : humanDuration(ms));

/** Every notification an alert would have sent, of any kind. */
export const notificationsOf = (tally: Pick<AlertTally, 'notifications'>): number => Object.values(tally.notifications).reduce((n, c) => n + (c ?? 0), 0);

/** A rule's alerts added up: the line under its table. */
export function ruleTotal(rule: RuleTally): Omit<AlertTally, 'rule' | 'source' | 'account' | 'firstFirings' | 'lowest' | 'timeline'> & { readonly firstFiringAt: number | null } {
  const notifications: Partial<Record<EventKind, number>> = {};
  const byChannel: Record<string, number> = {};
  let warningMs = 0;
  let criticalMs = 0;
  let episodes = 0;
  let longestEpisodeMs = 0;
  let observations = 0;
  let firstFiringAt: number | null = null;
  for (const alert of rule.alerts) {
    for (const [kind, n] of Object.entries(alert.notifications)) notifications[kind as EventKind] = (notifications[kind as EventKind] ?? 0) + (n ?? 0);
    for (const [channel, n] of Object.entries(alert.byChannel)) byChannel[channel] = (byChannel[channel] ?? 0) + n;
    warningMs += alert.warningMs;
    criticalMs += alert.criticalMs;
    episodes += alert.episodes;
    longestEpisodeMs = Math.max(longestEpisodeMs, alert.longestEpisodeMs);
    observations += alert.observations;
    const first = alert.firstFirings[0]?.at;
    if (first !== undefined && (firstFiringAt === null || first < firstFiringAt)) firstFiringAt = first;
  }
  return { notifications, byChannel, warningMs, criticalMs, episodes, longestEpisodeMs, observations, firstFiringAt };
}

const channelsText = (byChannel: Readonly<Record<string, number>>) =>
  Object.entries(byChannel)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, n]) => `${channel} ${n}`)
    .join(', ') || 'none';

function ruleSection(rule: RuleTally, options: RenderOptions): string {
  const lines = [rule.rule];
  if (rule.alerts.length > 0) {
    const total = ruleTotal(rule);
    const row = (name: string, t: Pick<AlertTally, 'notifications' | 'warningMs' | 'criticalMs' | 'episodes' | 'longestEpisodeMs'>, lowest: string) => [
      name,
      ...COLUMNS.map(([, kinds]) => String(count(t, kinds))),
      duration(t.warningMs),
      duration(t.criticalMs),
      String(t.episodes),
      duration(t.longestEpisodeMs),
      lowest,
    ];
    const rows = rule.alerts.map((a) => row(a.account, a, a.lowest ? `${formatMoney(a.lowest.value)} at ${formatTime(a.lowest.at, options)}` : '-'));
    if (rule.alerts.length > 1) rows.push(row('(all)', total, ''));
    const numeric = new Set(COLUMNS.map((_, i) => i + 1).concat([COLUMNS.length + 3]));
    lines.push(
      renderTable(['ACCOUNT', ...COLUMNS.map(([h]) => h), 'WARNING TIME', 'CRITICAL TIME', 'EPISODES', 'LONGEST', 'LOWEST'], rows, numeric)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    lines.push(`  messages per channel: ${channelsText(total.byChannel)}`);
    const firings = rule.alerts.flatMap((a) => a.firstFirings.map((f) => ({ ...f, account: a.account }))).sort((a, b) => a.at - b.at).slice(0, 5);
    if (firings.length > 0) {
      lines.push(`  first firings: ${firings.map((f) => `${formatTime(f.at, options)} ${rule.alerts.length > 1 ? `${f.account} ` : ''}${f.level}${f.value ? ` ${formatMoney(f.value)}` : ''}`).join('; ')}`);
    }
  }
  if (rule.noHistory.length > 0) lines.push(`  no history in the period: ${rule.noHistory.join(', ')}`);
  for (const u of rule.unjudged) lines.push(`  cannot judge ${u.account}: ${u.why}`);
  return lines.join('\n');
}

/** The whole report as text: a section per rule, then the footnotes. */
export function renderBacktest(result: ReplayResult, file: string, options: RenderOptions): string {
  const header = `Backtest of ${file}: ${formatTime(result.since, options)} to ${formatTime(result.until, options)} (${humanDuration(result.until - result.since)}); nothing was sent or written.`;
  const notes = result.footnotes.map((note) => `Note: ${note}`);
  return [header, ...result.rules.map((rule) => ruleSection(rule, options)), ...notes].join('\n\n');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function tallyJson(t: AlertTally) {
  return {
    account: t.account,
    source: t.source,
    notifications: t.notifications,
    by_channel: t.byChannel,
    warning_seconds: Math.round(t.warningMs / 1000),
    critical_seconds: Math.round(t.criticalMs / 1000),
    episodes: t.episodes,
    longest_episode_seconds: Math.round(t.longestEpisodeMs / 1000),
    lowest: t.lowest ? { balance: decimalToString(t.lowest.value.amount), currency: t.lowest.value.currency, at: iso(t.lowest.at) } : null,
    first_firings: t.firstFirings.map((f) => ({ at: iso(f.at), level: f.level, balance: f.value ? decimalToString(f.value.amount) : null, currency: f.value?.currency ?? null })),
    observations: t.observations,
    notifications_in_order: t.timeline.map((e) => ({ at: iso(e.at), kind: e.kind, level: e.level, channels: e.to })),
  };
}

export function backtestJson(result: ReplayResult) {
  return {
    since: iso(result.since),
    until: iso(result.until),
    rules: result.rules.map((rule) => {
      const total = ruleTotal(rule);
      return {
        rule: rule.rule,
        alerts: rule.alerts.map(tallyJson),
        total: {
          notifications: total.notifications,
          by_channel: total.byChannel,
          warning_seconds: Math.round(total.warningMs / 1000),
          critical_seconds: Math.round(total.criticalMs / 1000),
          episodes: total.episodes,
          first_firing_at: iso(total.firstFiringAt),
        },
        no_history: rule.noHistory,
        cannot_judge: rule.unjudged,
      };
    }),
    footnotes: result.footnotes,
  };
}

/** "fired 41 → 6; warning time 10 h → 2 h; critical time 3 h 10 min → 3 h 10 min; first firing 2 h earlier". */
export function ruleDifference(now: RuleTally | undefined, before: RuleTally | undefined): string {
  if (!before) return 'added (not in the other config)';
  if (!now) return 'removed (only in the other config)';
  const a = ruleTotal(before);
  const b = ruleTotal(now);
  const parts = [
    `notifications ${notificationsOf(a)} → ${notificationsOf(b)}`,
    `fired ${count(a, ['firing'])} → ${count(b, ['firing'])}`,
    `warning time ${duration(a.warningMs)} → ${duration(b.warningMs)}`,
    `critical time ${duration(a.criticalMs)} → ${duration(b.criticalMs)}`,
  ];
  if (a.firstFiringAt !== null && b.firstFiringAt !== null && a.firstFiringAt !== b.firstFiringAt) {
    const shift = a.firstFiringAt - b.firstFiringAt;
    parts.push(`first firing ${humanDuration(Math.abs(shift))} ${shift > 0 ? 'earlier' : 'later'}`);
  } else if (a.firstFiringAt === null && b.firstFiringAt !== null) parts.push('fires now, did not before');
  else if (a.firstFiringAt !== null && b.firstFiringAt === null) parts.push('no longer fires');
  return parts.join('; ');
}

/** "bKash agent float: 23 fired, 61 notifications (finance 32, treasury 61); warning 1 d 17 h, critical 1 h 5 min over 7 d". */
export function ruleSummary(rule: RuleTally, periodMs: number): string {
  if (rule.alerts.length === 0) return `${rule.rule}: no history in the last ${humanDuration(periodMs)}`;
  const total = ruleTotal(rule);
  const channels = Object.keys(total.byChannel).length > 0 ? ` (${channelsText(total.byChannel)})` : '';
  return `${rule.rule}: ${count(total, ['firing'])} fired, ${notificationsOf(total)} notifications${channels}; warning ${duration(total.warningMs)}, critical ${duration(total.criticalMs)} over ${humanDuration(periodMs)}`;
}

/** Both configs' rules, by name: this one's first, then those only in the other. */
export function comparedRules(now: ReplayResult, before: ReplayResult): { readonly rule: string; readonly now?: RuleTally; readonly before?: RuleTally }[] {
  const names = [...new Set([...now.rules.map((r) => r.rule), ...before.rules.map((r) => r.rule)])];
  return names.map((rule) => {
    const a = now.rules.find((r) => r.rule === rule);
    const b = before.rules.find((r) => r.rule === rule);
    return { rule, ...(a ? { now: a } : {}), ...(b ? { before: b } : {}) };
  });
}

/** The comparison: the difference per rule, then each config's full report. */
export function renderComparison(now: ReplayResult, before: ReplayResult, files: { readonly now: string; readonly before: string }, options: RenderOptions): string {
  const differences = comparedRules(now, before).map(({ rule, now: a, before: b }) => `  ${rule}: ${ruleDifference(a, b)}`);
  return [
    `What changes from ${files.before} to ${files.now} (before → after):\n${differences.join('\n')}`,
    `── ${files.now} ──\n\n${renderBacktest(now, files.now, options)}`,
    `── ${files.before} ──\n\n${renderBacktest(before, files.before, options)}`,
  ].join('\n\n');
}
