import { describe, expect, it } from 'vitest';
import { changeSince, headline, humanDuration, messageTitle } from '../../src/notify/format.js';
import type { Message } from '../../src/notify/message.js';
import { renderEmail } from '../../src/notify/render-email.js';
import { escapeSlack, renderSlack } from '../../src/notify/render-slack.js';
import { bdt, criticalEvent, T0 } from '../helpers/events.js';

const UTC = { timezone: 'UTC' };
const single: Message = { kind: 'alerts', source: 'apay', events: [criticalEvent()] };

describe('headlines', () => {
  it.each([
    ['firing', criticalEvent(), '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)'],
    ['warning', criticalEvent({ level: 'warning', value: bdt(4_500_000n) }), '[WARNING] bKash agent float: 45,000.00 BDT (below 50,000.00)'],
    ['escalation', criticalEvent({ kind: 'escalation', previousLevel: 'warning' }), '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00, was warning)'],
    ['improvement (not a resolve)', criticalEvent({ kind: 'improvement', level: 'warning', previousLevel: 'critical', value: bdt(1_200_000n) }), '[WARNING] bKash agent float: 12,000.00 BDT (improved from critical, still below 50,000.00)'],
    ['resolve', criticalEvent({ kind: 'resolved', level: 'ok', previousLevel: 'warning', value: bdt(7_000_000n) }), '[RESOLVED] bKash agent float: 70,000.00 BDT (back above 60,000.00; recovered: +58,000.00 BDT since the last check)'],
    ['repeat', criticalEvent({ kind: 'repeat' }), '[CRITICAL] bKash agent float: 8,500.00 BDT (still below 10,000.00)'],
    ['no data', criticalEvent({ kind: 'no_data', level: 'ok', reason: 'A-Pay: no answer within 10s' }), '[NO DATA] bKash agent float: no balance could be read (A-Pay: no answer within 10s)'],
    ['data back', criticalEvent({ kind: 'no_data_resolved', level: 'ok' }), '[RESOLVED] bKash agent float: balances are being read again (8,500.00 BDT)'],
    ['a glob match names its account', criticalEvent({ rule: 'UPI', target: 'upi_*', account: 'upi_fast' }), '[CRITICAL] UPI · upi_fast: 8,500.00 BDT (below 10,000.00)'],
  ])('%s', (_name, event, expected) => {
    expect(headline(event)).toBe(expected);
  });

  it('titles a digest with its worst level and a count', () => {
    const message: Message = {
      kind: 'alerts',
      source: 'apay',
      events: [criticalEvent({ level: 'warning', account: 'bkash_b' }), criticalEvent(), criticalEvent({ kind: 'resolved', level: 'ok', account: 'nagad_a' })],
    };
    expect(messageTitle(message)).toBe('[CRITICAL] 3 balance alerts from apay');
  });

  it("titles a digest of one alert's events (a total back with data and low at once) by the alert, not its source", () => {
    const total = { rule: 'USD liquidity', source: 'total:USD liquidity', account: 'total', target: 'USD liquidity' };
    const message: Message = { kind: 'alerts', source: 'total:USD liquidity', events: [criticalEvent({ ...total, level: 'warning' }), criticalEvent({ ...total, kind: 'no_data_resolved', level: 'warning' })] };
    expect(messageTitle(message)).toBe('[WARNING] 2 balance alerts from USD liquidity · total');
  });
});

describe('facts', () => {
  it('formats changes and durations for people', () => {
    expect(changeSince(bdt(2_500_000n), bdt(0n))).toBe('+25,000.00 BDT');
    expect(changeSince(bdt(0n), bdt(150_000n))).toBe('-1,500.00 BDT');
    expect(changeSince(bdt(1n), { amount: { units: 1n, scale: 2 }, currency: 'USD' })).toBeUndefined();
    expect(humanDuration(12_000_000)).toBe('3 h 20 min');
    expect(humanDuration(45_000)).toBe('45 s');
    expect(humanDuration(2 * 86_400_000 + 3_600_000 * 4 + 60_000)).toBe('2 d 4 h');
  });
});

describe('Slack', () => {
  it('renders one event as Block Kit with colour, facts and a fallback', () => {
    expect(renderSlack(single, UTC)).toEqual({
      text: '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*🔴 [CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)*' } }],
      attachments: [
        {
          color: '#d40e0d',
          fallback: '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: '🔴 *[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)*' } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Balance*\n8,500.00 BDT' },
                { type: 'mrkdwn', text: '*Change since last check*\n-3,500.00 BDT' },
                { type: 'mrkdwn', text: '*Critical below*\n10,000.00 BDT' },
                { type: 'mrkdwn', text: '*Recovers at*\n11,000.00 BDT' },
                { type: 'mrkdwn', text: '*Source*\napay' },
                { type: 'mrkdwn', text: '*Account*\nbkash_a' },
                { type: 'mrkdwn', text: '*Firing since*\n2026-11-21 09:00 UTC (1 h)' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('escapes &, < and > in everything it shows', () => {
    expect(escapeSlack('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
    const payload = renderSlack({ kind: 'alerts', source: 'apay', events: [criticalEvent({ rule: 'Cash <ops> & co' })] }, UTC);
    expect(JSON.stringify(payload)).toContain('Cash &lt;ops&gt; &amp; co');
    expect(JSON.stringify(payload)).not.toContain('<ops>');
  });

  it('cuts a long digest with "and N more", keeping the worst first', () => {
    const events = Array.from({ length: 25 }, (_, i) => criticalEvent({ account: `upi_${i}`, target: 'upi_*', rule: 'UPI', level: i === 24 ? 'critical' : 'warning' }));
    const payload = renderSlack({ kind: 'alerts', source: 'apay', events }, UTC);
    expect(payload.attachments).toHaveLength(20);
    expect(JSON.stringify(payload.attachments[0])).toContain('upi_24');
    expect(payload.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 5 more (see balance-watch status)' }] });
    expect(payload.text.split('\n')[0]).toBe('[CRITICAL] 25 balance alerts from apay');
    expect(payload.text.endsWith('…and 5 more')).toBe(true);
  });

  it('marks a test message as a test', () => {
    const payload = renderSlack({ kind: 'test', channel: 'treasury', at: T0 }, UTC);
    expect(payload.text).toBe('[TEST] balance-watch test message for channel treasury');
    expect(JSON.stringify(payload.blocks)).toContain('If you can read it, alerts will reach you here.');
  });
});

describe('email', () => {
  it('has the subject, a text part and an HTML part with the same facts', () => {
    const email = renderEmail(single, UTC);
    expect(email.subject).toBe('[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)');
    expect(email.text).toBe(
      [
        '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)',
        '  Balance:                 8,500.00 BDT',
        '  Change since last check: -3,500.00 BDT',
        '  Critical below:          10,000.00 BDT',
        '  Recovers at:             11,000.00 BDT',
        '  Source:                  apay',
        '  Account:                 bkash_a',
        '  Firing since:            2026-11-21 09:00 UTC (1 h)',
        '',
        '-- ',
        'Sent by balance-watch. `balance-watch status` shows every firing alert.',
        '',
      ].join('\n'),
    );
    for (const fact of ['8,500.00 BDT', '-3,500.00 BDT', '10,000.00 BDT', '11,000.00 BDT', 'bkash_a', '2026-11-21 09:00 UTC (1 h)']) expect(email.html).toContain(fact);
    expect(email.html).toContain('border-left:4px solid #d40e0d');
  });

  it('escapes HTML', () => {
    const email = renderEmail({ kind: 'alerts', source: 'apay', events: [criticalEvent({ rule: '<script>x</script>' })] }, UTC);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });

  it('says how long a resolved alert was firing', () => {
    const email = renderEmail({ kind: 'alerts', source: 'apay', events: [criticalEvent({ kind: 'resolved', level: 'ok', previousLevel: 'critical', value: bdt(7_000_000n) })] }, UTC);
    expect(email.subject).toBe('[RESOLVED] bKash agent float: 70,000.00 BDT (back above 60,000.00; recovered: +58,000.00 BDT since the last check)');
    expect(email.text).toContain('Was firing:              1 h, since 2026-11-21 09:00 UTC');
  });
});

describe('trend and runway in messages', () => {
  const HOUR = 3_600_000;
  const projection = { ms: 3 * HOUR + 20 * 60_000, target: bdt(1_000_000n) };

  it('says when a runway alert expects the balance to cross', () => {
    const event = criticalEvent({ kind: 'runway', level: 'ok', value: bdt(7_000_000n), projection, runwayBelow: 6 * HOUR });
    expect(headline(event)).toBe('[RUNWAY] bKash agent float: 70,000.00 BDT, below 10,000.00 BDT in about 3 h 20 min at the current rate');
    expect(headline({ ...event, kind: 'runway_resolved' })).toBe('[RESOLVED] bKash agent float: 70,000.00 BDT, no longer on course to run dry within 6 h');
  });

  it('shows the forecast and a sparkline in every firing message', () => {
    const email = renderEmail({ kind: 'alerts', source: 'apay', events: [criticalEvent({ level: 'warning', projection, recent: [9, 8, 7, 6, 5, 4, 3, 2] })] }, UTC);
    expect(email.text).toContain('  Forecast:                at the current rate, below 10,000.00 BDT in about 3 h 20 min');
    expect(email.text).toContain('  Trend:                   █▇▆▅▄▃▂▁');
    expect(JSON.stringify(renderSlack({ kind: 'alerts', source: 'apay', events: [criticalEvent({ projection, recent: [3, 2, 1] })] }, UTC))).toContain('*Forecast*\\nat the current rate, below 10,000.00 BDT in about 3 h 20 min');
  });
});

describe('a notice that a channel failed', () => {
  const notice: Message = {
    kind: 'delivery-failure',
    channel: 'finance',
    target: 'Email to finance@example.com',
    problem: 'the SMTP server refused the recipient: 550 5.1.1 User unknown',
    lost: '[CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00)',
    at: T0,
  };
  const body =
    'Email to finance@example.com failed at 2026-11-21 09:00 UTC: the SMTP server refused the recipient: 550 5.1.1 User unknown. The alert was: [CRITICAL] bKash agent float: 8,500.00 BDT (below 10,000.00). Until it is fixed, alerts for its rules reach people only here; balance-watch status shows the channel\'s health.';

  it('renders for Slack, escaped', () => {
    expect(renderSlack(notice, UTC)).toEqual({
      text: `[DELIVERY FAILED] ${body.replace(/</g, '&lt;')}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `🟠 *[DELIVERY FAILED] Email to finance@example.com failed*\n${body}` } }],
      attachments: [],
    });
  });

  it('renders for email, with the failed channel in the subject', () => {
    const email = renderEmail(notice, UTC);
    expect(email.subject).toBe('[DELIVERY FAILED] Email to finance@example.com failed');
    expect(email.text).toBe(`${body}\n\n-- \nSent by balance-watch. \`balance-watch status\` shows every firing alert.\n`);
    expect(email.html).toContain('The alert was: [CRITICAL] bKash agent float');
  });
});

describe('action links in messages', () => {
  const links = { timezone: 'UTC', links: (event: { kind: string }) => (event.kind === 'resolved' ? undefined : { acknowledge: 'https://bw.internal/a/ACK', silences: [{ label: 'Silence 2 h', url: 'https://bw.internal/a/TOKEN1' }, { label: 'Silence until tomorrow 09:00', url: 'https://bw.internal/a/TOKEN2' }], board: 'https://bw.internal/' }) };
  const withResolve: Message = { kind: 'alerts', source: 'apay', events: [criticalEvent(), criticalEvent({ kind: 'resolved', level: 'ok', previousLevel: 'critical', account: 'bkash_b' })] };

  it('Slack: mrkdwn links in a context block of each firing event, none on a resolve', () => {
    const payload = renderSlack(withResolve, links);
    const contexts = payload.attachments.map((a) => a.blocks.filter((b) => b.type === 'context'));
    expect(contexts).toEqual([
      [{ type: 'context', elements: [{ type: 'mrkdwn', text: '<https://bw.internal/a/ACK|Acknowledge>  ·  <https://bw.internal/a/TOKEN1|Silence 2 h>  ·  <https://bw.internal/a/TOKEN2|Silence until tomorrow 09:00>  ·  <https://bw.internal/|Open on the board>' }] }],
      [],
    ]);
    expect(JSON.stringify(payload)).not.toContain('"type":"button"');
  });

  it('email: buttons in the HTML, plain URLs in the text', () => {
    const email = renderEmail(single, links);
    expect(email.text).toContain('\n\n  Acknowledge: https://bw.internal/a/ACK\n  Silence 2 h: https://bw.internal/a/TOKEN1\n  Silence until tomorrow 09:00: https://bw.internal/a/TOKEN2\n  Open on the board: https://bw.internal/');
    expect(email.html).toContain('<a href="https://bw.internal/a/TOKEN1" style="display:inline-block;');
    expect(email.html).toContain('>Open on the board</a>');
  });

  it('a digest carries one "Acknowledge all N" link, in Slack and in email', () => {
    const digest = { ...links, digestLink: (source: string, events: readonly unknown[]) => `https://bw.internal/a/ALL-${source}-${events.length}` };
    const payload = renderSlack(withResolve, digest);
    expect(payload.blocks).toContainEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '<https://bw.internal/a/ALL-apay-2|Acknowledge all 2>' }] });
    const email = renderEmail(withResolve, digest);
    expect(email.text.startsWith('Acknowledge all 2: https://bw.internal/a/ALL-apay-2\n\n')).toBe(true);
    expect(email.html).toContain('<a href="https://bw.internal/a/ALL-apay-2"');
  });

  it('without links configured, messages carry none', () => {
    expect(JSON.stringify(renderSlack(single, UTC))).not.toContain('bw.internal');
    expect(renderEmail(single, UTC).text).not.toContain('Silence');
  });

  it('the echo of a silence names who, until when and why', () => {
    const echo: Message = { kind: 'action', action: 'silenced', rule: 'UPI', account: 'upi_fast', target: 'upi_*', by: 'Anna', note: 'top-up requested from the bank', until: T0 + 7_200_000, at: T0 };
    expect(messageTitle(echo)).toBe('[SILENCED] UPI (upi_fast) by Anna');
    expect(renderSlack(echo, UTC).text).toBe('UPI (upi_fast): silenced until 2026-11-21 11:00 UTC by Anna — top-up requested from the bank');
    expect(renderEmail(echo, UTC).subject).toBe('[SILENCED] UPI (upi_fast) by Anna');
    const all: Message = { kind: 'action', action: 'acknowledged', rule: 'UPI', account: 'upi_fast', target: 'upi_*', by: 'Anna', note: null, until: null, at: T0, more: ['UPI · upi_p2p', 'bKash agent float · bkash_a'] };
    expect(renderSlack(all, UTC).text).toBe('UPI (upi_fast) and 2 more (UPI · upi_p2p, bKash agent float · bkash_a): acknowledged by Anna');
  });
});
