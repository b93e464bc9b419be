import { escapeHtml } from '../html.js';
import { type Decimal, formatDecimal, signOf } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import { EVENT_WORDS } from '../notify/event-words.js';
import { topUpLines } from '../notify/format.js';
import { ratioText } from '../rules/drop.js';
import { formatterOf, humanDuration, systemZone } from '../notify/time.js';
import type { Thresholds } from '../rules/thresholds.js';
import type { ChannelHealth } from '../store/store.js';
import { isChannelFailing, isChannelUp, readingHoldsMs } from '../store/store.js';
import type { Board, BoardEvent, BoardRow, BoardState } from './board.js';
import { chartSvg, RANGE_NAV } from './chart.js';
import { type CurrencyTotal, currencyTotals } from './currency-totals.js';
import { headroomText, levelParts } from './levels-text.js';

export interface PageOptions {
  /** How often the page's script asks whether something changed (about one cycle). */
  readonly refreshMs: number;
  /** Appended to the asset URLs so a new version is fetched after an upgrade. */
  readonly assetVersion: string;
  /** The wall display (`?tv=1`). */
  readonly tv?: boolean;
}

const DAY_MS = 86_400_000;


/** Times in the config's zone: one formatter for the whole page (making one per cell is most of the cost). */
/** A time as the board shows it: today's with its seconds (or without, for a forecast), another day's with its date. */
type TimeText = (ms: number, precision?: 'seconds' | 'minutes') => string;

/** A total's source cell names what it adds up (its members on hover), not its internal id. */
function sourceCell(r: BoardRow): string {
  if (r.members === null) return escapeHtml(r.source);
  return `<span title="${escapeHtml(r.members.join(', '))}">total of ${r.members.length} balance${r.members.length === 1 ? '' : 's'}</span>`;
}

function timeFormatter(zone: string | undefined, now: number): TimeText {
  const format = formatterOf('seconds', zone ?? systemZone());
  const today = format.format(now).slice(0, 10);
  return (ms, precision = 'seconds') => {
    const text = format.format(ms).replace(',', '');
    return text.startsWith(today) ? text.slice(11, precision === 'seconds' ? 19 : 16) : text.slice(0, 16);
  };
}

const STATE_LABEL: Readonly<Record<BoardState, string>> = { critical: 'critical', warning: 'warning', 'no data': 'no data', silenced: 'silenced', pending: 'pending', ok: 'ok' };
const stateClass = (state: BoardState) => `s-${state.replace(' ', '-')}`;
/** Most rows are ok: theirs is the default style, and a thousand `class="s-ok"` would be 16 KB. */
const rowOpen = (state: BoardState) => (state === 'ok' ? '<tr>' : `<tr class="${stateClass(state)}">`);

/** "+1,000.00", "-1,000.00", "0.00": a change, signed. */
const signed = (amount: Decimal): string => `${signOf(amount) > 0 ? '+' : ''}${formatDecimal(amount)}`;

/** The class a change is coloured by. */
const direction = (amount: Decimal): string => ['down', 'flat', 'up'][signOf(amount) + 1]!;

/** The change over the day, with the change since the last check on hover. */
function change(r: BoardRow, time: (ms: number) => string): string {
  const last = r.change ? `since the last check: ${signed(r.change.amount)}` : '';
  if (!r.dayChange) return r.change ? `<i class="flat" title="${escapeHtml(last)}">—</i>` : '';
  const { amount, since } = r.dayChange;
  const title = `since ${time(since)}${last ? `; ${last}` : ''}`;
  return `<i class="${direction(amount.amount)}" title="${escapeHtml(title)}">${signOf(amount.amount) === 0 ? '0' : escapeHtml(signed(amount.amount))}</i>`;
}

/**
 * "warning below 50,000.00 BDT (clears at 55,000.00)" over "critical below …",
 * each in its level's colour. Rows of one rule and currency share one
 * Thresholds object: formatted once.
 */
function levelsFormatter(): (row: BoardRow) => string {
  const formatted = new Map<Thresholds, string>();
  return (row) => {
    const t = row.thresholds;
    if (!t) return '';
    let text = formatted.get(t);
    if (text === undefined) {
      const { warning, critical } = levelParts(t, row.balance?.currency ?? null);
      text = [warning ? `<i class="w">${escapeHtml(warning)}</i>` : '', critical ? `<i class="c">${escapeHtml(critical)}</i>` : ''].filter(Boolean).join('<br>');
      formatted.set(t, text);
    }
    return text;
  };
}

function headroomCell(r: BoardRow): string {
  const h = r.headroom;
  if (!h || !r.balance) return '';
  // Well above warning is calm; in the warning band amber; under critical red.
  const tone = h.side === 'above' ? (h.level === 'warning' ? '' : 'w') : h.level === 'critical' ? 'c' : 'w';
  const amount = `${h.side === 'above' ? '+' : '−'}${formatMoney({ amount: h.amount, currency: r.balance.currency })}`;
  const topUp = topUpLines(r.topUp ?? undefined);
  const advice = topUp ? `<br><small class="topup"${topUp.cover ? ` title="${escapeHtml(topUp.cover)}"` : ''}>top up ${escapeHtml(topUp.clear)}</small>` : '';
  return `<i${tone ? ` class="${tone}"` : ''}>${escapeHtml(headroomText(h))}</i><br><small>${escapeHtml(amount)}</small>${advice}`;
}

/** "≈ 3 h 20 min, about 14:05". */
function runway(r: BoardRow, now: number, time: TimeText): string {
  if (r.runwayMs === null) return '';
  return `≈ ${escapeHtml(humanDuration(r.runwayMs))}<br><small>about ${escapeHtml(time(now + r.runwayMs, 'minutes'))}</small>`;
}

/** Where one alert's own page is, relative to the board. */
export const alertPageUrl = (rule: string, account: string): string => `/alert?${new URLSearchParams({ rule, account }).toString()}`;

/** Rows people act on link to the alert's page (a link on every row of a thousand would weigh 50 KB). */
const answerable = (r: BoardRow): boolean => r.state !== 'ok' && r.state !== 'pending';

/**
 * A firing row's own buttons: acknowledge (or take it back) and end its
 * silence, posted to the alert's page, which asks nothing more; silencing asks
 * for how long and why, so it is on that page.
 */
function rowButtons(r: BoardRow): string {
  const button = r.acknowledged ? '<button name="do" value="unack">Take ack back</button>' : '<button name="do" value="ack">Acknowledge</button>';
  const unsilence = r.silence ? `<input type="hidden" name="silence" value="${r.silence.id}"><button name="do" value="unsilence">End silence</button>` : '';
  return `<form class="row" method="post" action="${escapeHtml(alertPageUrl(r.rule, r.account))}"><input type="hidden" name="back" value="/"><input name="by" required placeholder="your name" size="8">${button}${unsilence}</form>`;
}

/** What a state badge says: a silenced alert its level, an alert without data what it was. */
function stateText(r: BoardRow): string {
  if (r.state === 'silenced') return `silenced (${r.level})`;
  return STATE_LABEL[r.state];
}

function row(r: BoardRow, time: TimeText, now: number, levels: (row: BoardRow) => string, svg: (r: BoardRow) => string, view: BoardView): string {
  const was = r.state === 'no data' && r.level !== 'ok' ? `<br><small>was ${r.level}</small>` : '';
  const since = r.noData
    ? `<br><small>since ${escapeHtml(time(r.noData.since))}: ${escapeHtml(r.noData.why)}</small>`
    : r.level !== 'ok'
      ? `<br><small>for ${humanDuration(now - r.since)}</small>`
      : '';
  const acknowledged = r.acknowledged ? `<br><small>ack: ${escapeHtml(r.acknowledged.by)}, ${escapeHtml(time(r.acknowledged.at))}${r.acknowledged.note ? ` — ${escapeHtml(r.acknowledged.note)}` : ''}</small>` : '';
  const drop = r.drop ? `<br><small class="drop">fell ${escapeHtml(ratioText(r.drop.ratio))} since ${escapeHtml(time(r.drop.since))}</small>` : '';
  const silence = r.silence ? `<br><small>until ${escapeHtml(time(r.silence.until))}: ${escapeHtml(r.silence.reason)}</small>` : '';
  const balance = r.balance ? escapeHtml(formatMoney(r.balance)) : '—';
  const stale = r.stale && r.readAt !== null ? `<br><small class="stale">${escapeHtml(humanDuration(now - r.readAt))} old (read ${escapeHtml(time(r.readAt))})</small>` : '';
  const chart = answerable(r) ? `<a href="${escapeHtml(alertPageUrl(r.rule, r.account))}">${svg(r)}</a>` : svg(r);
  return `${rowOpen(r.state)}<td><b>${escapeHtml(stateText(r))}</b>${was}${since}${drop}${acknowledged}${silence}${answerable(r) && !view.tv ? rowButtons(r) : ''}</td><td>${escapeHtml(r.rule)}</td><td>${escapeHtml(r.account)}</td><td>${sourceCell(r)}</td><td>${balance}${stale}</td><td>${change(r, time)}</td><td>${levels(r)}</td><td>${headroomCell(r)}</td><td>${runway(r, now, time)}</td><td>${chart}</td></tr>`;
}

const EVENT_LABEL: Readonly<Record<BoardEvent['kind'], string>> = {
  ...EVENT_WORDS,
  forgotten: 'forgotten (gone from the source)',
  acknowledged: 'acknowledged',
  unacknowledged: 'acknowledgement taken back',
  delivery_failed: 'delivery failed',
  silenced: 'silenced',
  silence_ended: 'silence ended',
};

function event(e: BoardEvent, time: (ms: number) => string): string {
  const what = e.kind === 'delivery_failed' ? `channel ${e.rule}` : `${e.rule} / ${e.account}`;
  const level = e.level && e.level !== 'ok' && e.kind !== 'resolved' && e.kind !== 'silence_ended' ? ` (${e.level})` : '';
  const value = e.value ? `, ${formatMoney(e.value)}` : '';
  const detail = e.detail ? `: ${e.detail}` : '';
  const tone = e.level && e.level !== 'ok' && e.kind !== 'resolved' ? ` l-${e.level}` : '';
  return `<li class="e-${e.kind}${tone}"><time>${escapeHtml(time(e.at))}</time> <b>${EVENT_LABEL[e.kind]}</b>${escapeHtml(level)} ${escapeHtml(what)}${escapeHtml(value)}${escapeHtml(detail)}</li>`;
}

function channel(h: ChannelHealth, time: (ms: number) => string): string {
  const state = isChannelFailing(h) ? 'failing' : isChannelUp(h) ? 'up' : 'retrying';
  const when = (ms: number | null) => (ms === null ? '—' : escapeHtml(time(ms)));
  return `<tr class="c-${state}"><td>${escapeHtml(h.channel)}</td><td><b>${state}</b></td><td>${when(h.lastSuccessAt)}</td><td>${when(h.lastFailureAt)}${h.lastFailure ? `<br><small>${escapeHtml(h.lastFailure)}</small>` : ''}</td><td class="n">${h.waiting}</td><td class="n">${h.gaveUpLastDay}</td></tr>`;
}

function sources(board: Board, time: (ms: number) => string): string {
  const failing = (s: Board['sources'][number]) => (s.failure ? `<br><small class="failing">failing since ${escapeHtml(time(s.failure.since))}: ${escapeHtml(s.failure.message)}</small>` : '');
  const rows = board.sources.map((s) => `<tr><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.type)}</td><td>${escapeHtml(s.url)}</td><td>${s.lastReadAt === null ? '—' : escapeHtml(time(s.lastReadAt))}${failing(s)}</td></tr>`);
  return `<table><thead><tr><th>Source</th><th>Type</th><th>Address</th><th>Last read</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function counts(board: Board): string {
  const tally = new Map<BoardState, number>();
  for (const r of board.rows) tally.set(r.state, (tally.get(r.state) ?? 0) + 1);
  const order: BoardState[] = ['critical', 'warning', 'no data', 'silenced', 'pending', 'ok'];
  return order
    .filter((s) => tally.has(s))
    .map((s) => `<span class="${stateClass(s)}"><b>${tally.get(s)} ${STATE_LABEL[s]}</b></span>`)
    .join(' ');
}

/** The title says what matters at a glance, even in a background tab. */
export function pageTitle(board: Board): string {
  const firing = board.rows.filter((r) => r.state === 'critical' || r.state === 'warning' || r.state === 'no data').length;
  return firing === 0 ? 'balance-watch: all ok' : `balance-watch: ${firing} firing`;
}

/** The strip at the top: each currency's total, its day's change and its shortest runway. */
function totalsStrip(board: Board): string {
  const totals = currencyTotals(board.rows);
  if (totals.length === 0) return '';
  const card = (t: CurrencyTotal) => {
    const change =
      t.dayChange === null
        ? ''
        : `<br><small>24 h: <i class="${direction(t.dayChange)}">${escapeHtml(signed(t.dayChange))}</i>${t.dayChangeAccounts < t.accounts ? ` (${t.dayChangeAccounts} of ${t.accounts} accounts)` : ''}</small>`;
    const runway = t.lowestRunway ? `<br><small>shortest runway ≈ ${escapeHtml(humanDuration(t.lowestRunway.ms))}: ${escapeHtml(t.lowestRunway.rule)} / ${escapeHtml(t.lowestRunway.account)}</small>` : '';
    return `<li><span>${escapeHtml(t.currency)} · ${t.accounts} ${t.accounts === 1 ? 'account' : 'accounts'}</span><b>${escapeHtml(formatMoney({ amount: t.total, currency: t.currency }))}</b>${change}${runway}</li>`;
  };
  return `<ul class="totals" aria-label="Totals by currency">${totals.map(card).join('')}</ul>`;
}

/** How the page is shown: `tv` is the wall display (large type, firing first, nothing to click). */
export interface BoardView {
  readonly tv: boolean;
}

/** The chart column says what it covers: a day, or the time since the history began. */
function chartHeading(board: Board, time: (ms: number) => string): string {
  let oldest = board.generatedAt;
  for (const r of board.rows) if (r.points.length > 0) oldest = Math.min(oldest, r.points[0]!.at);
  return board.generatedAt - oldest >= DAY_MS - 60_000 || oldest === board.generatedAt ? 'Last 24 h' : `Since ${time(oldest)}`;
}

/** The inside of <main>: what the script swaps in when something changed. */
export function renderBoardMain(board: Board, view: BoardView = { tv: false }): string {
  const time = timeFormatter(board.timezone, board.generatedAt);
  const now = board.generatedAt;
  const zone = escapeHtml(board.timezone ?? systemZone());
  const role = board.role === 'follower' ? ` · this replica follows${board.leader ? ` ${escapeHtml(board.leader)}` : ''}; the leader acts` : '';
  const levels = levelsFormatter();
  const hold = readingHoldsMs(board.intervalMs);
  const svg = (r: BoardRow) => chartSvg(r.points, r.thresholds, now, hold);
  const rows = board.rows.map((r) => row(r, time, now, levels, svg, view)).join('\n');
  const table = `<table class="balances"><thead><tr><th>State</th><th>Rule</th><th>Account</th><th>Source</th><th>Balance</th><th>Change, 24 h</th><th>Levels</th><th>Headroom</th><th>Runway</th><th>${escapeHtml(chartHeading(board, time))}</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  const summary = `<p class="meta">Updated <time id="updated" data-at="${now}">${escapeHtml(time(now))}</time> (${zone})${role}</p>
<p class="counts">${board.rows.length === 0 ? 'No balances yet: the first cycle has not finished.' : counts(board)}</p>
${totalsStrip(board)}`;
  if (view.tv) return `${summary}\n${table}`;
  const events = board.events.length === 0 ? '<p>Nothing happened in the last 24 hours.</p>' : `<ol class="events">${board.events.map((e) => event(e, time)).join('')}</ol>`;
  const channels =
    board.channels.length === 0
      ? '<p>No deliveries yet.</p>'
      : `<table><thead><tr><th>Channel</th><th>State</th><th>Last delivered</th><th>Last failure</th><th class="n">Waiting</th><th class="n">Given up (24 h)</th></tr></thead><tbody>${board.channels.map((h) => channel(h, time)).join('')}</tbody></table>`;
  return `${summary}
${table}
<div class="below"><section><h2>Recent events</h2>${events}</section><section><h2>Channels</h2>${channels}<h2>Sources</h2>${sources(board, time)}</section></div>`;
}

/** The whole page: readable with JavaScript off (it reloads every minute then), live with it on. */
export function renderBoardPage(board: Board, options: PageOptions): string {
  const v = encodeURIComponent(options.assetVersion);
  const tv = options.tv === true;
  const ranges = tv ? '' : RANGE_NAV;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(pageTitle(board))}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/uplot.css?v=${v}"><link rel="stylesheet" href="/board.css?v=${v}"><script src="/uplot.js?v=${v}" defer></script><script src="/board.js?v=${v}" defer></script>
<noscript><meta http-equiv="refresh" content="60"></noscript></head>
<body${tv ? ' class="tv"' : ''} data-refresh-ms="${Math.round(options.refreshMs)}" data-timezone="${escapeHtml(board.timezone ?? '')}"><header><h1>balance-watch</h1><span id="live" class="live"></span>${ranges}</header>
<main id="board">
${renderBoardMain(board, { tv })}
</main></body></html>
`;
}
