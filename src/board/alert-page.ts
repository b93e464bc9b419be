import type { ServerResponse } from 'node:http';
import { type Answer, echoAnswer } from '../actions/echo.js';
import { parseDuration } from '../config/duration.js';
import type { Config } from '../config/types.js';
import { escapeHtml } from '../html.js';
import { ACTION_PAGE_HEADERS } from '../http-security.js';
import { formatMoney } from '../money/money.js';
import { headline, messageTitle } from '../notify/format.js';
import type { RenderOptions } from '../notify/message.js';
import { formatTime, humanDuration } from '../notify/time.js';
import { isFiring } from '../rules/alert.js';
import { isActive, MAX_SILENCE_MS, silenceCovers, silenceLevelFor } from '../rules/silence.js';
import { seenLabel } from '../rules/seen-state.js';
import { thresholdsIn } from '../rules/thresholds.js';
import type { StateStore, StoredAlert } from '../store/store.js';
import { MAX_BY, page, readAnswer } from './action-shell.js';
import { alertChart } from './alert-chart.js';
import { levelsText } from './levels-text.js';

/** The alert's own page: `/alert?rule=…&account=…`, behind the board's password. */
export const ALERT_PATH = '/alert';

const TIMELINE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface AlertPageRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly form?: URLSearchParams;
  /** The request's Origin and Sec-Fetch-Site headers, and its Host: what tells a same-site form from a forged one. */
  readonly origin?: string;
  readonly fetchSite?: string;
  readonly host?: string;
  readonly client: string;
}

export interface AlertPageContext {
  readonly store: StateStore;
  readonly config: Config;
  readonly now: number;
  /** The longest gap between scheduled cycles (0 on a follower): how long a reading stands on a chart. */
  readonly intervalMs: number;
  /** Messages were queued (the echo): the leader's outbox should be drained now. */
  readonly queued: () => void;
  readonly audit: (entry: { readonly action: string; readonly rule: string; readonly account: string; readonly by: string; readonly client: string }) => void;
}

/** The page of one alert: what it is now, and everything that happened to it, with who and when. */
export async function handleAlertPage(request: AlertPageRequest, context: AlertPageContext, res: ServerResponse): Promise<void> {
  const rule = request.query.get('rule') ?? '';
  const account = request.query.get('account') ?? '';
  const alert = (await context.store.alerts()).find((a) => a.rule === rule && a.account === account);
  if (!alert) return page(res, 404, 'No such alert', `<p>${escapeHtml(`There is no alert ${rule} / ${account} in the state store.`)}</p>`);
  if (request.method === 'POST') {
    // The board's Basic credentials are resent by the browser to any form that posts here: only this site's own pages may.
    if (!sameSite(request, context.config)) return page(res, 403, 'Refused', '<p>This form was not sent from the board itself, so nothing was done.</p>');
    const form = request.form ?? new URLSearchParams();
    const problem = await act(form, alert, context, request.client);
    if (problem) return page(res, 400, 'Nothing was done', `<p>${escapeHtml(problem)}</p><p><a href="${selfUrl(alert)}">Back to the alert</a></p>`);
    // Back where the form was: the board's row, or this page (a forgotten alert has none any more).
    const back = form.get('do') === 'forget' || form.get('back') === '/' ? '/' : selfUrl(alert);
    res.writeHead(303, { ...ACTION_PAGE_HEADERS, Location: back, 'Cache-Control': 'no-store' }).end();
    return;
  }
  return page(res, 200, `${alert.rule} · ${alert.account}`, await body(alert, context));
}

/** Same-site: the browser says so (Sec-Fetch-Site), or the Origin is this host or the public address. */
function sameSite(request: AlertPageRequest, config: Config): boolean {
  if (request.fetchSite !== undefined) return request.fetchSite === 'same-origin';
  if (request.origin === undefined) return false;
  const allowed = [request.host ? `http://${request.host}` : undefined, request.host ? `https://${request.host}` : undefined, config.http.publicUrl ? new URL(config.http.publicUrl).origin : undefined];
  return allowed.includes(request.origin);
}

async function act(form: URLSearchParams, alert: StoredAlert, context: AlertPageContext, client: string): Promise<string | undefined> {
  const { store, now } = context;
  const { by, note } = readAnswer(form);
  const what = form.get('do');
  if (!by) return 'Your name is needed: the team sees who did it.';
  const audit = (action: string): undefined => {
    context.audit({ action, rule: alert.rule, account: alert.account, by, client });
    return undefined;
  };
  const tell = async (answer: Answer) => {
    if (await echoAnswer(store, context.config, alert, answer, now)) context.queued();
  };
  if (what === 'ack') {
    if (!isFiring(alert.state)) return 'The alert is not firing: there is nothing to acknowledge.';
    await store.acknowledgeAlert(alert.rule, alert.account, { by, at: now, ...(note ? { note } : {}) }, now);
    await tell({ action: 'acknowledged', by, note, until: null });
    return audit('ack');
  }
  if (what === 'unack') {
    if (!alert.state.acknowledged) return 'The alert is not acknowledged.';
    await store.acknowledgeAlert(alert.rule, alert.account, null, now);
    return audit('unack');
  }
  if (what === 'silence') {
    const duration = parseDuration(form.get('for') ?? '');
    if (!duration.ok || duration.value > MAX_SILENCE_MS) return 'Say how long, from a few minutes up to 90 days, e.g. 2h.';
    if (!note) return 'Say why: the team sees the reason.';
    await store.addSilence({ rule: alert.rule, account: alert.account, level: silenceLevelFor(alert.state.level), reason: `${by}: ${note}`, createdAt: now, until: now + duration.value });
    await tell({ action: 'silenced', by, note, until: now + duration.value });
    return audit('silence');
  }
  if (what === 'forget') {
    if (alert.state.noDataSince === undefined) return 'Only an alert without data (its account gone from the source) can be forgotten.';
    await store.forgetAlert(alert.rule, alert.account, now);
    return audit('forget');
  }
  if (what === 'unsilence') {
    const id = Number(form.get('silence'));
    if (!Number.isSafeInteger(id) || !(await store.endSilence(id, now, `ended by ${by} on the board`))) return 'That silence is not in force.';
    return audit('unsilence');
  }
  return 'Unknown action.';
}

const selfUrl = (alert: StoredAlert): string => `${ALERT_PATH}?${new URLSearchParams({ rule: alert.rule, account: alert.account }).toString()}`;

async function body(alert: StoredAlert, context: AlertPageContext): Promise<string> {
  const { store, config, now } = context;
  const render: RenderOptions = config.timezone === undefined ? {} : { timezone: config.timezone };
  const time = (ms: number) => escapeHtml(formatTime(ms, render));
  const { state } = alert;
  const since = now - TIMELINE_DAYS * DAY_MS;
  const [events, silences, messages] = await Promise.all([store.eventsBetween(since, now + 1), store.silences(now, since), store.messagesSince(since)]);
  const mine = (e: { rule: string; account: string }) => e.rule === alert.rule && e.account === alert.account;
  const rule = config.rules.find((r) => r.name === alert.rule);
  const levels = rule ? thresholdsIn(rule, state.lastValue?.currency ?? null) : undefined;
  const covering = silences.filter((s) => silenceCovers(s, alert.rule, alert.account));
  const timeline: { at: number; text: string }[] = [
    ...events.filter(mine).map((e) => ({ at: e.at, text: `${e.kind.replace('_', ' ')}${e.value ? `: ${formatMoney(e.value)}` : ''}${e.detail ? ` — ${e.detail}` : ''}` })),
    ...covering.flatMap((s) => [
      { at: s.createdAt, text: `silenced until ${formatTime(s.until, render)} (${s.level === 'critical' ? 'everything' : 'warnings'}): ${s.reason}` },
      ...(s.endedAt === null ? [] : [{ at: s.endedAt, text: `silence ended: ${s.endReason ?? ''}` }]),
    ]),
    ...messages.flatMap((m) => {
      const about = m.message.kind === 'alerts' ? m.message.events.some(mine) : m.message.kind === 'action' && mine(m.message);
      if (!about) return [];
      const fate = m.sentAt !== null ? `delivered ${formatTime(m.sentAt, render)}` : m.failedAt !== null ? `given up: ${m.lastError ?? ''}` : `not delivered yet${m.lastError ? ` (${m.lastError})` : ''}`;
      const title = m.message.kind === 'alerts' ? (m.message.events.find(mine) ? headline(m.message.events.find(mine)!) : messageTitle(m.message)) : messageTitle(m.message);
      return [{ at: m.createdAt, text: `notified ${m.channel}: ${title} — ${fate}` }];
    }),
  ].sort((a, b) => b.at - a.at);
  const acked = state.acknowledged;
  const forms = [
    isFiring(state) && !acked
      ? form('ack', 'Acknowledge', '<label>Note (optional) <input name="note" maxlength="500" placeholder="top-up requested from the bank"></label>')
      : '',
    acked ? form('unack', 'Take the acknowledgement back', '') : '',
    form('silence', 'Silence', '<label>For <input name="for" required value="2h" size="5"></label><label>Why <input name="note" required maxlength="500"></label>'),
    ...covering.filter((s) => isActive(s, now)).map((s) => form('unsilence', `End silence #${s.id}`, `<input type="hidden" name="silence" value="${s.id}">`)),
    // An account gone for good keeps its no-data alert until someone says so.
    state.noDataSince !== undefined ? form('forget', 'Forget: the account is gone for good', '') : '',
  ].join('');
  return `<p class="alert"><b>${escapeHtml(seenLabel(state))}</b>${isFiring(state) && state.level !== 'ok' ? `, firing for ${escapeHtml(humanDuration(now - state.since))}` : ''}; balance ${escapeHtml(state.lastValue ? formatMoney(state.lastValue) : 'not read')}${state.lastObservedAt === undefined ? '' : `, read ${time(state.lastObservedAt)}`}</p>
${acked ? `<p>Acknowledged by ${escapeHtml(acked.by)} at ${time(acked.at)}${acked.note ? `: ${escapeHtml(acked.note)}` : ''}</p>` : ''}
<p>${escapeHtml(levels?.ok ? levelsText(levels.value, state.lastValue?.currency ?? null) : 'no levels')}</p>
${await alertChart(store, config, alert, now, context.intervalMs)}
<section class="forms">${forms}</section>
<h3>Timeline (last ${TIMELINE_DAYS} days)</h3>
<ul class="timeline">${timeline.map((t) => `<li><time>${time(t.at)}</time> ${escapeHtml(t.text)}</li>`).join('') || '<li>nothing yet</li>'}</ul>`;
}

function form(what: string, button: string, fields: string): string {
  return `<form method="post"><input type="hidden" name="do" value="${what}"><label>Your name <input name="by" required maxlength="${MAX_BY}" autocomplete="name"></label>${fields}<button type="submit">${escapeHtml(button)}</button></form>`;
}
