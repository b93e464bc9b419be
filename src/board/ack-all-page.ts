import type { ServerResponse } from 'node:http';
import { echoAnswers } from '../actions/echo.js';
import type { LinkClaim } from '../actions/link.js';
import { ANSWERABLE } from '../actions/links.js';
import { escapeHtml } from '../html.js';
import { formatMoney } from '../money/money.js';
import { formatTime } from '../notify/time.js';
import { isFiring } from '../rules/alert.js';
import { seenLabel } from '../rules/seen-state.js';
import type { StoredAlert } from '../store/store.js';
import { type ActionContext, type ActionRequest, BY_COOKIE, cookieValue, page, readAnswer, rememberBy, whoForm } from './action-shell.js';


/**
 * A digest's "Acknowledge all N": every alert of the source whose news went
 * out in that check and that is still firing. GET lists them; POST
 * acknowledges them and tells each channel once, naming them all.
 */
export async function handleAckAll(request: ActionRequest, context: ActionContext, claim: LinkClaim, res: ServerResponse): Promise<void> {
  const { store, now } = context;
  const render = context.config.timezone === undefined ? {} : { timezone: context.config.timezone };
  const events = (await store.eventsBetween(claim.episode, claim.episode + 1)).filter((e) => e.source === claim.account && ANSWERABLE.has(e.kind));
  const named = new Set(events.map((e) => `${e.rule}\u0000${e.account}`));
  const alerts = (await store.alerts()).filter((a) => named.has(`${a.rule}\u0000${a.account}`) && isFiring(a.state));
  if (alerts.length === 0) return page(res, 409, 'Nothing was done', '<p>The alerts of that message have all resolved since it was sent (or are no longer in the state store): nothing was done.</p>');
  const list = `<ul>${alerts.map((a) => `<li>${escapeHtml(line(a))}</li>`).join('')}</ul>`;
  if (request.method !== 'POST') {
    const by = cookieValue(request.cookie, BY_COOKIE) ?? '';
    return page(
      res,
      200,
      `Acknowledge ${alerts.length} alert${alerts.length === 1 ? '' : 's'}`,
      `<p>The alerts of that message still firing:</p>${list}<p>Tell the team you are on them: no more reminders until one gets worse or resolves.</p>${whoForm(by, `Acknowledge all ${alerts.length}`)}`,
    );
  }
  const { by, note } = readAnswer(request.form);
  if (!by) return page(res, 400, 'Say who you are', '<p>Your name is needed: the team sees who answered the alerts. Go back and fill it in.</p>');
  for (const alert of alerts) {
    await store.acknowledgeAlert(alert.rule, alert.account, { by, at: now, ...(note ? { note } : {}) }, now);
    context.audit({ action: 'ack', rule: alert.rule, account: alert.account, by, until: null, client: request.client });
  }
  if (await echoAnswers(store, context.config, alerts, { action: 'acknowledged', by, note, until: null }, now)) context.queued();
  return page(res, 200, `Acknowledged ${alerts.length}`, `${list}<p>Acknowledged at ${escapeHtml(formatTime(now, render))} by ${escapeHtml(by)}. Their channels were told.</p>`, rememberBy(by, context.config.http.publicUrl));
}

const line = (alert: StoredAlert): string => `${alert.rule} · ${alert.account}: ${seenLabel(alert.state)}, ${alert.state.lastValue ? formatMoney(alert.state.lastValue) : 'no balance'}`;
