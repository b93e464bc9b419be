import type { ServerResponse } from 'node:http';
import { echoAnswer } from '../actions/echo.js';
import { claimApplies, type Inapplicable, verifyLink } from '../actions/link.js';
import type { Config } from '../config/types.js';
import { escapeHtml } from '../html.js';
import { formatMoney } from '../money/money.js';
import type { RenderOptions } from '../notify/message.js';
import { formatTime, humanDuration } from '../notify/time.js';
import { seenLabel } from '../rules/seen-state.js';
import { silenceLevelFor } from '../rules/silence.js';
import type { StoredAlert } from '../store/store.js';
import { type ActionContext, type ActionRequest, BY_COOKIE, cookieValue, page, readAnswer, rememberBy, whoForm } from './action-shell.js';
import { alertChart } from './alert-chart.js';

export type { ActionAudit, ActionContext, ActionRequest } from './action-shell.js';

const REFUSED: Readonly<Record<'malformed' | 'tampered' | 'expired', string>> = {
  malformed: 'This is not a balance-watch action link, or it was cut short (copy the whole link from the message).',
  tampered: 'This link was changed after balance-watch sent it (or the key that signs links was changed since): nothing was done.',
  expired: 'This link has expired: nothing was done. The board shows the alert as it is now.',
};

const INAPPLICABLE: Readonly<Record<Inapplicable, string>> = {
  'no-alert': 'This alert is not in the state store any more (its rule was removed, or the account forgotten): nothing was done.',
  resolved: 'This alert has resolved since the message was sent: nothing was done.',
  'another-episode': 'This alert resolved and fired again since the message was sent: the link was for the earlier episode, so nothing was done. The newer message has links of its own.',
};

/**
 * `GET /a/TOKEN` shows what the link would do and asks who is doing it;
 * only `POST` acts. Mail scanners and Slack's unfurler fetch every URL they
 * see, so a GET never changes anything. The signature is the authorisation:
 * these pages need no board password.
 */
export async function handleAction(request: ActionRequest, context: ActionContext, res: ServerResponse): Promise<void> {
  const secret = context.config.actions?.secret;
  if (!secret) return page(res, 404, 'Action links are off', '<p>This balance-watch does not take actions from links (http.public_url and actions.secret are not both set).</p>');
  const checked = verifyLink(request.token, secret, context.now);
  if (!checked.ok) return page(res, 403, 'Nothing was done', `<p>${escapeHtml(REFUSED[checked.why])}</p>`);
  const { claim } = checked;
  if (claim.action === 'ack-all') {
    const { handleAckAll } = await import('./ack-all-page.js');
    return handleAckAll(request, context, claim, res);
  }
  const alert = (await context.store.alerts()).find((a) => a.rule === claim.rule && a.account === claim.account);
  const applies = claimApplies(claim, alert?.state);
  const render = renderOptions(context.config);
  if (!applies.ok) return page(res, 409, 'Nothing was done', `${alert ? alertSummary(alert, context.now, render) : ''}<p>${escapeHtml(INAPPLICABLE[applies.why])}</p>`);
  const live = alert!;
  const verb = claim.action === 'ack' ? acknowledging(live, context.now, render) : silencing(claim.until!, context.now, render);
  if (request.method !== 'POST') {
    const by = cookieValue(request.cookie, BY_COOKIE) ?? '';
    return page(
      res,
      200,
      `${verb.title} ${name(live)}`,
      `${alertSummary(live, context.now, render)}
${await alertChart(context.store, context.config, live, context.now, context.intervalMs)}
<p>${verb.explain}</p>
${whoForm(by, verb.button)}`,
    );
  }
  const { by, note } = readAnswer(request.form);
  if (!by) return page(res, 400, 'Say who you are', '<p>Your name is needed: the team sees who answered the alert. Go back and fill it in.</p>');
  const until = claim.action === 'silence' ? claim.until! : null;
  if (until === null) await context.store.acknowledgeAlert(live.rule, live.account, { by, at: context.now, ...(note ? { note } : {}) }, context.now);
  else await silence(context, live, until, by, note);
  if (await echoAnswer(context.store, context.config, live, { action: until === null ? 'acknowledged' : 'silenced', by, note, until }, context.now)) context.queued();
  context.audit({ action: claim.action, rule: live.rule, account: live.account, by, until, client: request.client });
  return page(
    res,
    200,
    verb.done,
    `${alertSummary(live, context.now, render)}<p>${verb.done} by ${escapeHtml(by)}. The alert's channels were told.</p>`,
    rememberBy(by, context.config.http.publicUrl),
  );
}

interface Verb {
  readonly title: string;
  readonly explain: string;
  readonly button: string;
  readonly done: string;
}

function acknowledging(alert: StoredAlert, now: number, render: RenderOptions): Verb {
  const already = alert.state.acknowledged;
  const before = already ? ` It was acknowledged by ${escapeHtml(already.by)} ${escapeHtml(humanDuration(now - already.at))} ago; yours replaces it.` : '';
  return {
    title: 'Acknowledge',
    explain: `Tell the team you are on it: no more reminders of this alert until it gets worse or resolves (the resolve is still sent, saying who acknowledged it).${before}`,
    button: 'Acknowledge',
    done: `Acknowledged at ${escapeHtml(formatTime(now, render))}`,
  };
}

function silencing(until: number, now: number, render: RenderOptions): Verb {
  const end = escapeHtml(formatTime(until, render));
  return {
    title: 'Silence',
    explain: `Silence its notifications until <b>${end}</b> (${escapeHtml(humanDuration(until - now))}). It is still checked and shown on the board; a resolve is still sent.`,
    button: `Silence until ${formatTime(until, render)}`,
    done: `Silenced until <b>${end}</b>`,
  };
}

async function silence(context: ActionContext, alert: StoredAlert, until: number, by: string, note: string): Promise<void> {
  const reason = note ? `${by}: ${note}` : `silenced by ${by} from a message`;
  await context.store.addSilence({ rule: alert.rule, account: alert.account, level: silenceLevelFor(alert.state.level), reason, createdAt: context.now, until });
}

const name = (alert: StoredAlert): string => `${alert.rule} · ${alert.account}`;

const renderOptions = (config: Config) => (config.timezone === undefined ? {} : { timezone: config.timezone });

function alertSummary(alert: StoredAlert, now: number, render: RenderOptions): string {
  const { state } = alert;
  const balance = state.lastValue ? formatMoney(state.lastValue) : 'no balance read';
  const firing = state.level !== 'ok' ? `, firing for ${humanDuration(now - state.since)} (since ${formatTime(state.since, render)})` : '';
  return `<p class="alert"><b>${escapeHtml(name(alert))}</b>: ${escapeHtml(seenLabel(state))}${escapeHtml(firing)}; balance ${escapeHtml(balance)}</p>`;
}
