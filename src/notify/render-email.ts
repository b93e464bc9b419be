import { escapeHtml } from '../html.js';
import { actionEchoText, deliveryFailureText, eventFacts, headline, messageTitle, TONE_COLOUR, TONE_EMOJI, testMessageText, toneOf, visibleEvents } from './format.js';
import { formatMoney } from '../money/money.js';
import type { RenderOptions, SendableMessage } from './message.js';
import { stateEmoji, summaryEventLines, summaryPeriod, summaryText } from './render-summary.js';
import type { Summary } from './summary.js';
import { awayText } from './away.js';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const FOOTER = 'Sent by balance-watch. `balance-watch status` shows every firing alert.';

/** Subject, plain text and HTML with the same facts; the subject is the title, without emoji, for filters. */
export function renderEmail(message: SendableMessage, options: RenderOptions): EmailContent {
  const subject = messageTitle(message);
  if (message.kind === 'test') {
    const body = testMessageText(message.channel, message.at, options);
    return { subject, text: `${body}\n\n-- \n${FOOTER}\n`, html: page(subject, `<p>${escapeHtml(body)}</p>`) };
  }
  if (message.kind === 'delivery-failure') {
    const body = deliveryFailureText(message, options);
    return { subject, text: `${body}\n\n-- \n${FOOTER}\n`, html: page(subject, `<p>${escapeHtml(body)}</p>`) };
  }
  if (message.kind === 'action') {
    const body = actionEchoText(message, options);
    return { subject, text: `${body}\n\n-- \n${FOOTER}\n`, html: page(subject, `<p>${escapeHtml(body)}</p>`) };
  }
  if (message.kind === 'away') {
    const text = awayText(message, options);
    return { subject, text: `${text}\n\n-- \n${FOOTER}\n`, html: page(subject, text.split('\n').map((line) => `<p style="margin:4px 0">${escapeHtml(line)}</p>`).join('')) };
  }
  if (message.kind === 'summary') {
    const text = summaryText(message, options);
    return { subject, text: `${text}\n\n-- \n${FOOTER}\n`, html: page(subject, summaryHtml(message, options)) };
  }
  const { shown, hidden } = visibleEvents(message.events);
  // Signed once per event: the text and the HTML part offer the same links.
  const linksOf = new Map(shown.map((event) => [event, options.links?.(event)]));
  const textBlocks = shown.map((event) => {
    const facts = eventFacts(event, options).map(([label, value]) => `  ${`${label}:`.padEnd(24)} ${value}`);
    const links = linksOf.get(event);
    const actions = links ? ['', `  Acknowledge: ${links.acknowledge}`, ...links.silences.map((s) => `  ${s.label}: ${s.url}`), `  Open on the board: ${links.board}`] : [];
    return [headline(event), ...facts, ...actions].join('\n');
  });
  const more = hidden > 0 ? [`…and ${hidden} more.`] : [];
  const all = options.digestLink?.(message.source, message.events);
  const allText = all ? [`Acknowledge all ${message.events.length}: ${all}`] : [];
  const text = [...allText, ...textBlocks, ...more, `-- \n${FOOTER}`].join('\n\n') + '\n';
  const htmlBlocks = shown.map((event) => {
    const tone = toneOf(event);
    const rows = eventFacts(event, options)
      .map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;font-weight:normal">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`)
      .join('');
    const links = linksOf.get(event);
    const button = (label: string, url: string) =>
      `<a href="${escapeHtml(url)}" style="display:inline-block;margin:8px 8px 0 0;padding:6px 12px;border:1px solid #888;border-radius:4px;color:#222;text-decoration:none">${escapeHtml(label)}</a>`;
    const actions = links ? `<p style="margin:4px 0">${[button('Acknowledge', links.acknowledge), ...links.silences.map((s) => button(s.label, s.url)), button('Open on the board', links.board)].join('')}</p>` : '';
    return `<div style="border-left:4px solid ${TONE_COLOUR[tone]};padding:4px 12px;margin:12px 0"><p style="margin:4px 0"><strong>${TONE_EMOJI[tone]} ${escapeHtml(headline(event))}</strong></p><table style="border-collapse:collapse">${rows}</table>${actions}</div>`;
  });
  const htmlMore = hidden > 0 ? [`<p>…and ${hidden} more.</p>`] : [];
  const allHtml = all ? [`<p><a href="${escapeHtml(all)}" style="display:inline-block;padding:6px 12px;border:1px solid #888;border-radius:4px;color:#222;text-decoration:none">Acknowledge all ${message.events.length}</a></p>`] : [];
  return { subject, text, html: page(subject, [...allHtml, ...htmlBlocks, ...htmlMore].join('')) };
}

function summaryHtml(summary: Summary, options: RenderOptions): string {
  const cell = (text: string, align = 'left') => `<td align="${align}" style="padding:2px 12px 2px 0">${escapeHtml(text)}</td>`;
  const rows = summary.balances
    .map((row) =>
      `<tr>${cell(`${stateEmoji(row.state)} ${row.state}`)}${cell(row.account && row.account !== row.rule ? `${row.rule} · ${row.account}` : row.rule)}${cell(row.value ? formatMoney(row.value) : '-', 'right')}${cell(row.change ? `${row.change.amount.units > 0n ? '+' : ''}${formatMoney(row.change)}` : '', 'right')}</tr>`,
    )
    .join('');
  const header = ['State', 'Alert', 'Balance', 'Change'].map((h) => `<th align="left" style="padding:2px 12px 2px 0">${h}</th>`).join('');
  const list = (label: string, events: Summary['fired']) =>
    events.length === 0 ? `<p><strong>${label}:</strong> none.</p>` : `<p><strong>${label} (${events.length}):</strong></p><ul>${summaryEventLines(events, options).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
  return `<p>${escapeHtml(summaryPeriod(summary, options))}</p><table style="border-collapse:collapse"><tr>${header}</tr>${rows}</table>${list('Fired', summary.fired)}${list('Resolved', summary.resolved)}`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;font-size:14px">${body}<p style="color:#777;font-size:12px">${escapeHtml(FOOTER)}</p></body></html>`;
}
