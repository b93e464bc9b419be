import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/notify/render-email.js';
import { renderSlack } from '../../src/notify/render-slack.js';
import { buildSummary } from '../../src/daemon/summaries.js';
import { initialState } from '../../src/rules/alert.js';
import { alertKey } from '../../src/rules/alert-key.js';
import { bdt, T0 } from '../helpers/events.js';

const DAY = 86_400_000;
const summary = buildSummary({
  channel: 'finance',
  from: T0 - DAY,
  to: T0,
  late: false,
  alerts: [
    { rule: 'UPI', account: 'upi_fast', source: 'apay', updatedAt: T0, state: { ...initialState(T0), lastValue: { amount: { units: 50_000_000n, scale: 2 }, currency: 'INR' } } },
    { rule: 'bKash agent float', account: 'bkash_a', source: 'apay', updatedAt: T0, state: { ...initialState(T0), level: 'critical', lastValue: bdt(850_000n) } },
  ],
  valuesAtStart: new Map([[alertKey('bKash agent float', 'bkash_a'), bdt(6_000_000n)]]),
  events: [
    { source: 'apay', rule: 'bKash agent float', account: 'bkash_a', kind: 'firing', level: 'warning', at: T0 - 5 * 3_600_000, value: bdt(4_500_000n) },
    { source: 'apay', rule: 'bKash agent float', account: 'bkash_a', kind: 'escalation', level: 'critical', at: T0 - 3_600_000, value: bdt(850_000n) },
    { source: 'apay', rule: 'UPI', account: 'upi_fast', kind: 'resolved', level: 'ok', at: T0 - 2 * 3_600_000, value: { amount: { units: 50_000_000n, scale: 2 }, currency: 'INR' } },
  ],
});
const UTC = { timezone: 'UTC' };

describe('summaries', () => {
  it('lists every balance, the worst first, with its change over the period', () => {
    expect(summary.balances.map((b) => [b.state, b.rule, b.change && b.change.amount.units])).toEqual([
      ['critical', 'bKash agent float', -5_150_000n],
      ['ok', 'UPI', null],
    ]);
  });

  it('renders email on exact text', () => {
    const email = renderEmail(summary, UTC);
    expect(email.subject).toBe('Balance summary: 2 balances, 1 firing');
    expect(email.text).toBe(
      [
        'From 2026-11-20 09:00 UTC to 2026-11-21 09:00 UTC',
        '',
        'STATE     ALERT                               BALANCE          CHANGE',
        'critical  bKash agent float · bkash_a    8,500.00 BDT  -51,500.00 BDT',
        'ok        UPI · upi_fast               500,000.00 INR',
        '',
        'Fired (2):',
        '  2026-11-21 04:00 UTC  [WARNING] bKash agent float · bkash_a: 45,000.00 BDT',
        '  2026-11-21 08:00 UTC  [CRITICAL] bKash agent float · bkash_a: 8,500.00 BDT',
        '',
        'Resolved (1):',
        '  2026-11-21 07:00 UTC  [RESOLVED] UPI · upi_fast: 500,000.00 INR',
        '',
        '-- ',
        'Sent by balance-watch. `balance-watch status` shows every firing alert.',
        '',
      ].join('\n'),
    );
    expect(email.html).toContain('<td align="right" style="padding:2px 12px 2px 0">-51,500.00 BDT</td>');
  });

  it('renders Slack with the table in a code block', () => {
    const payload = renderSlack(summary, UTC);
    expect(payload.text).toBe('Balance summary: 2 balances, 1 firing');
    expect(payload.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '📊 *Balance summary: 2 balances, 1 firing*' } });
    expect(payload.blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'From 2026-11-20 09:00 UTC to 2026-11-21 09:00 UTC' }] });
    expect(JSON.stringify(payload.blocks[2])).toContain('```\\nSTATE     ALERT');
    expect(payload.blocks[4]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Resolved (1):*\n2026-11-21 07:00 UTC  [RESOLVED] UPI · upi_fast: 500,000.00 INR' } });
  });

  it('marks a late summary', () => {
    const late = { ...summary, late: true };
    expect(renderEmail(late, UTC).subject).toBe('Balance summary (late): 2 balances, 1 firing');
    expect(renderEmail(late, UTC).text).toContain('sent late: balance-watch was not running when it was due');
  });
});
