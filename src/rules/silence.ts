import { nameMatcher } from '../glob.js';
import type { AlertEvent } from './alert.js';

/** A mute on one alert's notifications (or several, with globs), until it expires or the alert resolves. */
export interface Silence {
  readonly id: number;
  /** A rule name or glob. */
  readonly rule: string;
  /** An account name or glob; null for every account of the rule. */
  readonly account: string | null;
  /** `warning`: a critical still gets through; `critical`: everything is muted. */
  readonly level: 'warning' | 'critical';
  readonly reason: string;
  readonly createdAt: number;
  readonly until: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
}

export function isActive(silence: Silence, now: number): boolean {
  return silence.endedAt === null && silence.until > now;
}

export function silenceCovers(silence: Silence, rule: string, account: string): boolean {
  return nameMatcher(silence.rule)(rule) && (silence.account === null || nameMatcher(silence.account)(account));
}

export interface SilenceDecision {
  /** Events to notify (a resolve that ended a silence is marked so). */
  readonly send: readonly AlertEvent[];
  readonly muted: readonly AlertEvent[];
  /** Silences that ended because their alert resolved. */
  readonly ended: readonly number[];
}

/**
 * Which events active silences mute. State, history and metrics are not
 * affected: only notifications. A resolve ends the silence and is still sent;
 * a critical gets through a silence that did not say `critical`.
 */
export function applySilences(events: readonly AlertEvent[], silences: readonly Silence[], now: number): SilenceDecision {
  const active = silences.filter((s) => isActive(s, now));
  const send: AlertEvent[] = [];
  const muted: AlertEvent[] = [];
  const ended = new Set<number>();
  for (const event of events) {
    const covering = active.filter((s) => silenceCovers(s, event.rule, event.account));
    if (covering.length === 0) {
      send.push(event);
    } else if (event.kind === 'resolved') {
      covering.forEach((s) => ended.add(s.id));
      send.push({ ...event, silenceEnded: true });
    } else if (event.level === 'critical' && event.kind !== 'improvement' && !covering.some((s) => s.level === 'critical')) {
      send.push(event);
    } else {
      muted.push(event);
    }
  }
  return { send, muted, ended: [...ended] };
}

/** `RULE` or `RULE/ACCOUNT` (split at the last slash, so a rule name may contain one when an account is given). */
export function parseSilenceTarget(target: string): { rule: string; account: string | null } {
  const at = target.lastIndexOf('/');
  if (at <= 0 || at === target.length - 1) return { rule: target, account: null };
  return { rule: target.slice(0, at), account: target.slice(at + 1) };
}

/** The longest silence: one longer is an alert switched off, which is the rule's to say. */
export const MAX_SILENCE_MS = 90 * 86_400_000;

/** The level a person's silence of an alert mutes: of a warning, it lets an escalation to critical through; of a critical, both. */
export const silenceLevelFor = (level: 'ok' | 'warning' | 'critical'): Silence['level'] => (level === 'critical' ? 'critical' : 'warning');
