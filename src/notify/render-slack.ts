import type { KnownBlock, MessageAttachment, MrkdwnElement } from '@slack/types';
import type { AlertEvent } from '../rules/alert.js';
import { actionEchoText, deliveryFailureText, eventFacts, headline, messageTitle, TONE_COLOUR, TONE_EMOJI, testMessageText, toneOf, visibleEvents, worstTone } from './format.js';
import type { RenderOptions, SendableMessage } from './message.js';
import { summaryEventLines, summaryPeriod, summaryTable, summaryTitle } from './render-summary.js';
import type { Summary } from './summary.js';
import { awayText } from './away.js';

/** Slack's own escaping for message text: only these three characters are special. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What an incoming webhook is sent: Block Kit blocks, and coloured attachments of blocks. */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: KnownBlock[];
  readonly attachments: (MessageAttachment & { readonly color: string; readonly fallback: string; readonly blocks: KnownBlock[] })[];
}

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text });

function eventAttachment(event: AlertEvent, options: RenderOptions): SlackPayload['attachments'][number] {
  const tone = toneOf(event);
  const facts = eventFacts(event, options);
  return {
    color: TONE_COLOUR[tone],
    fallback: escapeSlack(headline(event)),
    blocks: [
      { type: 'section', text: mrkdwn(`${TONE_EMOJI[tone]} *${escapeSlack(headline(event))}*`) },
      // Slack shows at most 10 fields in a section.
      { type: 'section', fields: facts.slice(0, 10).map(([label, value]) => mrkdwn(`*${escapeSlack(label)}*\n${escapeSlack(value)}`)) },
      ...actionContext(event, options),
    ],
  };
}

/**
 * The event's action links as mrkdwn links in a context block: Block Kit
 * buttons with a url make Slack warn the clicker when the app has no
 * interactivity Request URL, which an incoming webhook never has.
 */
function actionContext(event: AlertEvent, options: RenderOptions): KnownBlock[] {
  const links = options.links?.(event);
  if (!links) return [];
  const parts = [`<${links.acknowledge}|Acknowledge>`, ...links.silences.map((s) => `<${s.url}|${escapeSlack(s.label)}>`), `<${links.board}|Open on the board>`];
  return [{ type: 'context', elements: [mrkdwn(parts.join('  ·  '))] }];
}

/** A summary: the period, the balances as a monospaced table, and what fired and resolved. */
function renderSlackSummary(summary: Summary, options: RenderOptions): SlackPayload {
  const title = summaryTitle(summary);
  const events = (label: string, list: Summary['fired']) =>
    list.length === 0 ? `*${label}:* none` : `*${label} (${list.length}):*\n${summaryEventLines(list, options).map(escapeSlack).join('\n')}`;
  return {
    text: escapeSlack(title),
    blocks: [
      { type: 'section', text: mrkdwn(`📊 *${escapeSlack(title)}*`) },
      { type: 'context', elements: [mrkdwn(escapeSlack(summaryPeriod(summary, options)))] },
      { type: 'section', text: mrkdwn(`\`\`\`\n${escapeSlack(summaryTable(summary)).slice(0, 2_900)}\n\`\`\``) },
      { type: 'section', text: mrkdwn(events('Fired', summary.fired)) },
      { type: 'section', text: mrkdwn(events('Resolved', summary.resolved)) },
    ],
    attachments: [],
  };
}

/**
 * The Block Kit payload: a header with the title, then one coloured attachment
 * per event (colour is only available on attachments). `text` is the
 * notification and screen-reader fallback.
 */
export function renderSlack(message: SendableMessage, options: RenderOptions): SlackPayload {
  const title = messageTitle(message);
  if (message.kind === 'test') {
    return {
      text: escapeSlack(title),
      blocks: [{ type: 'section', text: mrkdwn(`${TONE_EMOJI.test} *${escapeSlack(title)}*\n${escapeSlack(testMessageText(message.channel, message.at, options))}`) }],
      attachments: [],
    };
  }
  if (message.kind === 'summary') return renderSlackSummary(message, options);
  if (message.kind === 'away') {
    const body = awayText(message, options);
    return { text: escapeSlack(title), blocks: [{ type: 'section', text: mrkdwn(`🌙 *${escapeSlack(title)}*`) }, { type: 'section', text: mrkdwn(escapeSlack(body).slice(0, 2_900)) }], attachments: [] };
  }
  if (message.kind === 'action') {
    const body = actionEchoText(message, options);
    return { text: escapeSlack(body), blocks: [{ type: 'section', text: mrkdwn(`🔕 ${escapeSlack(body)}`) }], attachments: [] };
  }
  if (message.kind === 'delivery-failure') {
    const body = deliveryFailureText(message, options);
    return {
      text: escapeSlack(`${message.partial ? '[PARTLY DELIVERED]' : '[DELIVERY FAILED]'} ${body}`),
      blocks: [{ type: 'section', text: mrkdwn(`${TONE_EMOJI.warning} *${escapeSlack(title)}*\n${escapeSlack(body)}`) }],
      attachments: [],
    };
  }
  const { shown, hidden } = visibleEvents(message.events);
  const header = `${TONE_EMOJI[worstTone(message.events)]} ${title}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${escapeSlack(header)}*`) }];
  const attachments = shown.map((event) => eventAttachment(event, options));
  const all = options.digestLink?.(message.source, message.events);
  if (all) blocks.push({ type: 'context', elements: [mrkdwn(`<${all}|Acknowledge all ${message.events.length}>`)] });
  if (hidden > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${hidden} more (see balance-watch status)`)] });
  const fallbackLines = [title, ...(message.events.length > 1 ? shown.map(headline) : []), ...(hidden > 0 ? [`…and ${hidden} more`] : [])];
  return { text: escapeSlack(fallbackLines.join('\n')), blocks, attachments };
}
