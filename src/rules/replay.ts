import type { Config, Rule, SourceConfig } from '../config/types.js';
import { compareDecimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { catalogOf } from '../sources/index.js';
import { coverageMatcher } from '../sources/source.js';
import type { AlertEvent, AlertState, EventKind, Level, Observation } from './alert.js';
import { checkAlert, type HistoryLookup, type PolicyIn, policiesOf } from './cycle.js';
import { STANDING_LOOKBACK_MS } from './drop.js';
import { ReadingBuffer } from './reading-buffer.js';
import { isTotalSource, TOTAL_ACCOUNT } from './total.js';

/*
 * backtest's core: the stored history, observation by observation in time
 * order, through the evaluator the daemon uses (checkAlert: hysteresis, for,
 * repeat, runway, drops, routing, escalation), with a clock that follows the
 * history. Nothing is sent or written: what would have been sent is tallied.
 * Pure and incremental, so the history can be streamed through it.
 */

/** One stored observation, as the replay reads it. */
export interface ReplayedObservation {
  readonly source: string;
  readonly account: string;
  readonly at: number;
  readonly value: Money;
}

/** What one rule on one account would have done over the period. */
export interface AlertTally {
  readonly rule: string;
  readonly source: string;
  readonly account: string;
  /** Notifications by kind (an escalation step counts as `escalated`). */
  readonly notifications: Partial<Record<EventKind, number>>;
  /** Messages each channel would have had (one per event routed to it). */
  readonly byChannel: Readonly<Record<string, number>>;
  readonly warningMs: number;
  readonly criticalMs: number;
  /** Times it left ok for warning or critical. */
  readonly episodes: number;
  readonly longestEpisodeMs: number;
  readonly lowest: { readonly value: Money; readonly at: number } | null;
  /** The first firings (and escalations to critical), with time and balance. */
  readonly firstFirings: readonly { readonly at: number; readonly level: Level; readonly value: Money | null }[];
  /** Stored observations read for it. */
  readonly observations: number;
  /** Every notification it would have sent, in order (the first TIMELINE_LIMIT): when, what, and to whom. */
  readonly timeline: readonly { readonly at: number; readonly kind: EventKind; readonly level: Level; readonly to: readonly string[] }[];
}

export interface RuleTally {
  readonly rule: string;
  readonly alerts: readonly AlertTally[];
  /** Accounts the config names that have no history in the period (or, for a glob, that nothing matched). */
  readonly noHistory: readonly string[];
  /** Alerts the history cannot judge, and why (fewer observations than `for`). */
  readonly unjudged: readonly { readonly account: string; readonly why: string }[];
}

export interface ReplayResult {
  readonly since: number;
  readonly until: number;
  readonly rules: readonly RuleTally[];
  /** Said once each under the report: what the replay could not reproduce exactly. */
  readonly footnotes: readonly string[];
}

export interface ReplayOptions {
  /** The schedule's interval: how often the daemon would have checked. */
  readonly intervalMs: number;
  /** How long a stored reading stands for the balance (the heartbeat allowance, see readingHoldsMs). */
  readonly holdsMs: number;
  /** Only these rules (by name); all when absent. */
  readonly rules?: ReadonlySet<string>;
  /** Told of every event the replay produces, in order (to compare a replay with what a daemon sent). */
  readonly onEvent?: (event: AlertEvent) => void;
}

/** The first few firings each alert lists. */
const FIRST_FIRINGS = 5;
/** Each alert's timeline is cut here: a rule that would have sent more is plain from its counts. */
const TIMELINE_LIMIT = 200;
/** At least this much of each account's history is kept: enough for an event's sparkline and its trend. */
const MIN_KEEP_MS = 3_600_000;

interface MutableTally {
  rule: string;
  source: string;
  account: string;
  notifications: Partial<Record<EventKind, number>>;
  byChannel: Record<string, number>;
  warningMs: number;
  criticalMs: number;
  episodes: number;
  longestEpisodeMs: number;
  lowest: { value: Money; at: number } | null;
  firstFirings: { at: number; level: Level; value: Money | null }[];
  observations: number;
  timeline: { at: number; kind: EventKind; level: Level; to: readonly string[] }[];
  /** When the level was last checked, and what it was then: time is added to a level up to the next check. */
  checkedAt: number;
  level: Level;
}

/** One rule on one account: its policy, its state as the replay goes, and what it would have done. */
interface Slot {
  readonly rule: Rule;
  readonly policyIn: PolicyIn;
  state: AlertState | undefined;
  tally: MutableTally | undefined;
}

/** One stored account the replay has met: the rules that cover it, its recent readings, and when it was last read. */
interface Watched {
  readonly source: string;
  readonly account: string;
  readonly slots: readonly Slot[];
  readonly readings: ReadingBuffer;
  lastSeen: number | undefined;
}

export class Replay {
  /** By source, then account: looked up once per observation without building a key. */
  private readonly watched = new Map<string, Map<string, Watched>>();
  private readonly sources: ReadonlyMap<string, SourceConfig>;
  private readonly rules: readonly Rule[];
  private readonly keepMs: number;
  private sparse = false;
  private gaps = 0;
  private first: number | undefined;

  constructor(
    config: Config,
    private readonly options: ReplayOptions,
  ) {
    this.sources = new Map(config.sources.map((s) => [s.id, s]));
    this.rules = config.rules.filter((rule) => !options.rules || options.rules.has(rule.name));
    // Only as far back as a rule looks (the runway's window, a drop's): a day of 1,000 accounts would be a million readings held.
    let keep = MIN_KEEP_MS;
    for (const rule of this.rules) {
      keep = Math.max(keep, rule.runway_window);
      if (rule.drop_by !== undefined) keep = Math.max(keep, rule.drop_within + STANDING_LOOKBACK_MS);
    }
    this.keepMs = keep;
  }

  /** Replays one stored observation; they must come in time order. */
  observe(o: ReplayedObservation): void {
    this.first ??= o.at;
    const watched = this.watchedOf(o.source, o.account);
    if (watched.slots.length === 0) return;
    const previous = watched.lastSeen;
    watched.lastSeen = o.at;
    if (previous !== undefined) {
      const gap = o.at - previous;
      if (gap > this.options.intervalMs * 1.5) this.sparse = true;
      if (gap > this.options.holdsMs) this.replayGap(watched, previous, o.at);
    }
    const readings = watched.readings;
    const historyOf: HistoryLookup = (_account, since) => readings.since(since, o.at);
    const observation: Observation = { kind: 'value', value: o.value };
    for (const slot of watched.slots) this.check(slot, watched, observation, o.at, historyOf);
    // The observation is a reading already (a time and a value): held as it is, not copied into a new object.
    readings.push(o, this.keepMs);
  }

  /**
   * A gap longer than a stored reading stands for: the daemon was down or the
   * source failed. Each schedule interval past the reading's hold is a failed
   * check, up to `stale_after` of them (then a no-data alert fires, as it would have).
   */
  private replayGap(watched: Watched, from: number, to: number): void {
    this.gaps += 1;
    const failure: Observation = { kind: 'failure', reason: 'no reading in the stored history' };
    for (const slot of watched.slots) {
      for (let k = 1; k <= slot.rule.stale_after; k += 1) {
        const at = from + this.options.holdsMs + k * this.options.intervalMs;
        if (at >= to) break;
        this.check(slot, watched, failure, at, () => []);
      }
    }
  }

  private check(slot: Slot, watched: Watched, observation: Observation, now: number, historyOf: HistoryLookup): void {
    const checked = checkAlert(slot.rule, slot.policyIn, watched.source, watched.account, slot.state, observation, now, historyOf, () => null);
    slot.state = checked.state;
    const tally = (slot.tally ??= newTally(slot.rule.name, watched.source, watched.account, now));
    addLevelTime(tally, now);
    tally.level = checked.state.level;
    if (observation.kind === 'value') {
      tally.observations += 1;
      if (!tally.lowest || compareDecimal(observation.value.amount, tally.lowest.value.amount) < 0) tally.lowest = { value: observation.value, at: now };
    }
    for (const event of checked.events) {
      tallyEvent(tally, event);
      this.options.onEvent?.(event);
    }
  }

  private watchedOf(source: string, account: string): Watched {
    let accounts = this.watched.get(source);
    if (!accounts) this.watched.set(source, (accounts = new Map()));
    let found = accounts.get(account);
    if (found) return found;
    const slots = this.rules
      .filter((rule) => covers(rule, this.sources.get(rule.source), source, account))
      .map((rule): Slot => ({ rule, policyIn: this.policyOf(rule, source), state: undefined, tally: undefined }));
    found = { source, account, slots, readings: new ReadingBuffer(), lastSeen: undefined };
    accounts.set(account, found);
    return found;
  }

  private readonly policies = new Map<Rule, PolicyIn>();

  /** One policy per rule, shared by its accounts (it caches the levels per currency). */
  private policyOf(rule: Rule, source: string): PolicyIn {
    let found = this.policies.get(rule);
    if (!found) this.policies.set(rule, (found = policiesOf(rule, source)));
    return found;
  }

  /** The tallies up to `until`: open episodes and levels are counted to it (or to where their history ends). */
  finish(until: number): ReplayResult {
    const rules = this.rules.map((rule): RuleTally => {
      const alerts: AlertTally[] = [];
      const unjudged: { account: string; why: string }[] = [];
      for (const accounts of this.watched.values()) {
        for (const watched of accounts.values()) {
          const slot = watched.slots.find((s) => s.rule === rule);
          const tally = slot?.tally;
          if (!tally) continue;
          const lastSeen = watched.lastSeen ?? tally.checkedAt;
          addLevelTime(tally, Math.min(until, lastSeen + this.options.holdsMs));
          const state = slot.state;
          if (state && state.level !== 'ok') tally.longestEpisodeMs = Math.max(tally.longestEpisodeMs, Math.min(until, lastSeen) - state.since);
          const { checkedAt: _at, level: _level, ...rest } = tally;
          alerts.push(rest);
          if (tally.observations < rule.for) unjudged.push({ account: tally.account, why: `${tally.observations} observation${tally.observations === 1 ? '' : 's'} in the period, fewer than for: ${rule.for}` });
        }
      }
      alerts.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
      unjudged.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
      return { rule: rule.name, alerts, noHistory: this.unseenTargets(rule, alerts), unjudged };
    });
    const footnotes: string[] = [];
    if (this.sparse) {
      footnotes.push(
        'The history holds every change and a heartbeat every 5 minutes, not every check: where stored observations are further apart than the schedule, `for` counts observations, not schedule ticks, and repeats fall on observations.',
      );
    }
    if (this.gaps > 0) footnotes.push(`${this.gaps} gap${this.gaps === 1 ? '' : 's'} in the history (the daemon down, or a source failing) were replayed as failed checks, one per schedule interval: no data after stale_after of them.`);
    return { since: this.first ?? until, until, rules, footnotes };
  }

  private unseenTargets(rule: Rule, alerts: readonly AlertTally[]): string[] {
    if (rule.total) return alerts.length === 0 ? [TOTAL_ACCOUNT] : [];
    const source = this.sources.get(rule.source);
    if (!source) return [];
    const covered = catalogOf(source).covers(source, rule);
    if (covered.kind === 'pattern') return alerts.length === 0 ? [covered.pattern] : [];
    return covered.accounts.filter((account) => !alerts.some((a) => a.account === account));
  }
}

/** Whether a rule covers a stored observation's account: the same accounts the daemon's cycle would check. */
function covers(rule: Rule, sourceConfig: SourceConfig | undefined, source: string, account: string): boolean {
  if (rule.source !== source) return false;
  if (isTotalSource(source)) return account === TOTAL_ACCOUNT;
  if (!sourceConfig) return false;
  return coverageMatcher(catalogOf(sourceConfig).covers(sourceConfig, rule))(account);
}

function newTally(rule: string, source: string, account: string, now: number): MutableTally {
  return { rule, source, account, notifications: {}, byChannel: {}, warningMs: 0, criticalMs: 0, episodes: 0, longestEpisodeMs: 0, lowest: null, firstFirings: [], observations: 0, timeline: [], checkedAt: now, level: 'ok' };
}

function addLevelTime(tally: MutableTally, now: number): void {
  const ms = Math.max(0, now - tally.checkedAt);
  if (tally.level === 'warning') tally.warningMs += ms;
  else if (tally.level === 'critical') tally.criticalMs += ms;
  tally.checkedAt = Math.max(tally.checkedAt, now);
}

function tallyEvent(tally: MutableTally, event: AlertEvent): void {
  tally.notifications[event.kind] = (tally.notifications[event.kind] ?? 0) + 1;
  if (tally.timeline.length < TIMELINE_LIMIT) tally.timeline.push({ at: event.at, kind: event.kind, level: event.level, to: event.to ?? [] });
  for (const channel of event.to ?? []) tally.byChannel[channel] = (tally.byChannel[channel] ?? 0) + 1;
  if (event.kind === 'firing') tally.episodes += 1;
  if (event.kind === 'resolved') tally.longestEpisodeMs = Math.max(tally.longestEpisodeMs, event.at - event.since);
  if ((event.kind === 'firing' || event.kind === 'escalation') && tally.firstFirings.length < FIRST_FIRINGS) {
    tally.firstFirings.push({ at: event.at, level: event.level, value: event.value ?? null });
  }
}
