import { decimalToString, type Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { topUpJson } from '../rules/topup.js';
import { isChannelFailing, isChannelUp } from '../store/store.js';
import type { Board } from './board.js';
import { currencyTotals } from './currency-totals.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const amount = (d: Decimal | undefined) => (d === undefined ? null : decimalToString(d));
const money = (m: Money | null) => (m === null ? null : decimalToString(m.amount));

/**
 * GET /api/status: the board's facts for machines. Field names are stable (see
 * the README); amounts are exact decimal strings, times ISO 8601 in UTC.
 */
export function boardJson(board: Board) {
  return {
    generated_at: iso(board.generatedAt),
    updated_at: iso(board.updatedAt),
    timezone: board.timezone ?? null,
    role: board.role,
    leader: board.leader ?? null,
    balances: board.rows.map((r) => ({
      rule: r.rule,
      account: r.account,
      source: r.source,
      state: r.state,
      level: r.level,
      since: iso(r.since),
      balance: money(r.balance),
      currency: r.balance?.currency ?? null,
      observed_at: iso(r.observedAt),
      missing_since: iso(r.missingSince),
      acknowledged: r.acknowledged ? { by: r.acknowledged.by, note: r.acknowledged.note, at: iso(r.acknowledged.at) } : null,
      read_at: iso(r.readAt),
      stale: r.stale,
      no_data: r.noData ? { since: iso(r.noData.since), why: r.noData.why } : null,
      change: money(r.change),
      change_24h: r.dayChange ? money(r.dayChange.amount) : null,
      change_24h_since: r.dayChange ? iso(r.dayChange.since) : null,
      top_up: topUpJson(r.topUp),
      headroom: r.headroom ? { side: r.headroom.side, level: r.headroom.level, amount: decimalToString(r.headroom.amount), percent: r.headroom.percent } : null,
      warn_below: amount(r.thresholds?.warn),
      critical_below: amount(r.thresholds?.critical),
      recover_above: amount(r.thresholds?.warnRecover),
      critical_recover_above: amount(r.thresholds?.criticalRecover),
      runway_seconds: r.runwayMs === null ? null : Math.round(r.runwayMs / 1000),
      drop: r.drop ? { since: iso(r.drop.since), ratio: r.drop.ratio } : null,
      silence: r.silence ? { id: r.silence.id, level: r.silence.level, until: iso(r.silence.until), reason: r.silence.reason } : null,
      members: r.members,
    })),
    totals: currencyTotals(board.rows).map((t) => ({
      currency: t.currency,
      total: decimalToString(t.total),
      accounts: t.accounts,
      change_24h: t.dayChange === null ? null : decimalToString(t.dayChange),
      change_24h_accounts: t.dayChangeAccounts,
      lowest_runway: t.lowestRunway ? { seconds: Math.round(t.lowestRunway.ms / 1000), rule: t.lowestRunway.rule, account: t.lowestRunway.account } : null,
    })),
    sources: board.sources.map((s) => ({ id: s.id, type: s.type, url: s.url, last_read_at: iso(s.lastReadAt), failure: s.failure ? { message: s.failure.message, since: iso(s.failure.since) } : null })),
    events: board.events.map((e) => ({
      at: iso(e.at),
      kind: e.kind,
      rule: e.kind === 'delivery_failed' ? null : e.rule,
      account: e.kind === 'delivery_failed' ? null : e.account,
      channel: e.kind === 'delivery_failed' ? e.rule : null,
      level: e.level,
      value: money(e.value),
      currency: e.value?.currency ?? null,
      detail: e.detail,
    })),
    channels: board.channels.map((h) => ({
      channel: h.channel,
      up: isChannelUp(h),
      failing: isChannelFailing(h),
      last_success_at: iso(h.lastSuccessAt),
      last_failure_at: iso(h.lastFailureAt),
      last_failure: h.lastFailure,
      waiting: h.waiting,
      gave_up_last_day: h.gaveUpLastDay,
    })),
    silences: board.silences.map((s) => ({ id: s.id, rule: s.rule, account: s.account, level: s.level, reason: s.reason, until: iso(s.until) })),
  };
}
