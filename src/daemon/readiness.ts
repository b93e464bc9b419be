import { sourceLateAfterMs } from '../sources/source.js';
import { type ChannelHealth, isChannelFailing, isChannelUp } from '../store/store.js';

export interface ChannelReadiness {
  /** False while the channel has given a notification up and delivered nothing since. */
  readonly ok: boolean;
  /** Whether its latest attempt delivered (balance_watch_channel_up). */
  readonly up: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastFailure: string | null;
  readonly waiting: number;
}

export interface SourceReadiness {
  readonly lastCycleAt: string | null;
  readonly deadline: string | null;
  readonly ok: boolean;
}

/** What /readyz answers. */
export interface Readiness {
  readonly ready: boolean;
  /** leader: this replica fetches and sends; follower: another does, and this one waits to take over. */
  readonly role: 'leader' | 'follower';
  /** While following: which replica leads, if the store says. */
  readonly leader?: string;
  readonly sources: Readonly<Record<string, SourceReadiness>>;
  readonly channels: Readonly<Record<string, ChannelReadiness>>;
  readonly reason?: string;
}

/** What readiness is judged from, gathered by the daemon. */
export type ReadinessFacts =
  | { readonly role: 'follower'; readonly leader?: string }
  | { readonly role: 'leader'; readonly running: false; readonly stopping: boolean }
  | {
      readonly role: 'leader';
      readonly running: true;
      readonly sources: readonly string[];
      readonly lastCycleAt: (source: string) => number | undefined;
      /** The longest gap between scheduled cycles: a source is late after two of them. */
      readonly intervalMs: number;
      readonly channels: readonly string[];
      /** What the store holds of each channel's deliveries (empty when it cannot be read). */
      readonly health: readonly ChannelHealth[];
    };


const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * A follower is ready: it serves and stands by. The leader is ready once every
 * source finished a cycle within two schedule intervals, and no channel has
 * given a message up without delivering anything since.
 */
export function readinessOf(facts: ReadinessFacts, now: number): Readiness {
  if (facts.role === 'follower') return { ready: true, role: 'follower', ...(facts.leader === undefined ? {} : { leader: facts.leader }), sources: {}, channels: {} };
  if (!facts.running) return { ready: false, role: 'leader', sources: {}, channels: {}, reason: facts.stopping ? 'stopping' : 'not started' };
  const allowance = sourceLateAfterMs(facts.intervalMs);
  const sources: Record<string, SourceReadiness> = {};
  for (const id of facts.sources) {
    const last = facts.lastCycleAt(id);
    sources[id] = { lastCycleAt: iso(last), deadline: last === undefined ? null : iso(last + allowance), ok: last !== undefined && now - last <= allowance };
  }
  const known = new Map(facts.health.map((h) => [h.channel, h]));
  const channels: Record<string, ChannelReadiness> = {};
  for (const id of facts.channels) {
    const h = known.get(id);
    channels[id] = h
      ? { ok: !isChannelFailing(h), up: isChannelUp(h), lastSuccessAt: iso(h.lastSuccessAt), lastFailureAt: iso(h.lastFailureAt), lastFailure: h.lastFailure, waiting: h.waiting }
      : { ok: true, up: true, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, waiting: 0 };
  }
  const late = Object.entries(sources).filter(([, s]) => !s.ok).map(([id]) => id);
  const failing = Object.entries(channels).filter(([, c]) => !c.ok);
  const problems = [
    ...(late.length > 0 ? [`no recent cycle of: ${late.join(', ')}`] : []),
    ...failing.map(([id, c]) => `channel ${id} is failing: ${c.lastFailure ?? 'it gave a notification up'}`),
  ];
  return problems.length === 0 ? { ready: true, role: 'leader', sources, channels } : { ready: false, role: 'leader', sources, channels, reason: problems.join('; ') };
}
