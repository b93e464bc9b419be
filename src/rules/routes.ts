import type { AlertEvent, AlertState, EventKind, Level, Told, Track } from './alert.js';

/*
 * Who hears of an alert. A rule's `notify` is one list (every event) or a list
 * per level; an alert remembers, per kind of trouble, which channels were told
 * of this episode, so that its improvement and its resolve go exactly to them:
 * never to a channel that never heard of it, and always to one added later
 * (an escalation to critical, an escalation step). Pure.
 */

/** A rule's channels per kind of trouble, defaults filled in. */
export interface NotifyRoutes {
  readonly warning: readonly string[];
  readonly critical: readonly string[];
  readonly no_data: readonly string[];
  readonly runway: readonly string[];
  readonly drop: readonly string[];
}

/** `notify` as written: a list for every event, or a map by level. */
export type WrittenNotify = readonly string[] | Readonly<Partial<Record<keyof NotifyRoutes, readonly string[]>>>;

/**
 * The routes of a written `notify`: a list is every level's; in a map, critical
 * defaults to the warning list, and no_data, runway and drop to the warning
 * list (or, without one, the critical list), so that no trouble goes unheard
 * because its key was left out.
 */
export function routesOf(written: WrittenNotify): NotifyRoutes {
  if (isList(written)) return { warning: written, critical: written, no_data: written, runway: written, drop: written };
  const warning = written.warning ?? [];
  const critical = written.critical ?? warning;
  const fallback = written.warning ?? critical;
  return { warning, critical, no_data: written.no_data ?? fallback, runway: written.runway ?? fallback, drop: written.drop ?? fallback };
}

const isList = (written: WrittenNotify): written is readonly string[] => Array.isArray(written);

/** Every channel a rule may notify, in first-seen order: for notices about a failed channel, and echoes of an answer. */
export function everyRoute(routes: NotifyRoutes): readonly string[] {
  return [...new Set([...routes.warning, ...routes.critical, ...routes.no_data, ...routes.runway, ...routes.drop])];
}

const TRACK_OF: Readonly<Record<EventKind, Track>> = {
  firing: 'level',
  escalation: 'level',
  improvement: 'level',
  resolved: 'level',
  repeat: 'level',
  no_data: 'no_data',
  no_data_resolved: 'no_data',
  runway: 'runway',
  runway_resolved: 'runway',
  drop: 'drop',
  drop_resolved: 'drop',
  escalated: 'level',
};

/** A repeat of a no-data alert (level ok, data missing) belongs to no_data. */
export const trackOf = (event: Pick<AlertEvent, 'kind' | 'level' | 'noData'>): Track => (event.kind === 'repeat' && event.level === 'ok' && event.noData ? 'no_data' : TRACK_OF[event.kind]);

/** Events that report on what was told already, rather than raise something: they go to those told, and no other. */
const TO_THOSE_TOLD: ReadonlySet<EventKind> = new Set(['improvement', 'resolved', 'no_data_resolved', 'runway_resolved', 'drop_resolved']);
const ENDS_TRACK: ReadonlySet<EventKind> = new Set(['resolved', 'no_data_resolved', 'runway_resolved', 'drop_resolved']);

function levelList(routes: NotifyRoutes, level: Level): readonly string[] {
  return level === 'critical' ? routes.critical : routes.warning;
}

/** The channels one event goes to, given who was told of its episode. */
export function channelsFor(routes: NotifyRoutes, event: Pick<AlertEvent, 'kind' | 'level' | 'previousLevel' | 'noData' | 'to'>, told: Told | undefined): readonly string[] {
  const track = trackOf(event);
  // An escalation step goes to its own list, who then hear the improvement and the resolve too.
  if (event.kind === 'escalated') return event.to ?? [];
  if (TO_THOSE_TOLD.has(event.kind)) {
    // A state from before routing knows nobody told: its episode's list stands in, as every channel heard then.
    return told?.[track] ?? (track === 'level' ? levelList(routes, event.previousLevel) : routes[track]);
  }
  if (track === 'level') return levelList(routes, event.level);
  return routes[track];
}

/** Who has been told once the event is sent: its channels join its track, and a resolve ends the track. */
export function toldAfter(told: Told | undefined, event: Pick<AlertEvent, 'kind' | 'level' | 'noData'>, channels: readonly string[]): Told | undefined {
  const track = trackOf(event);
  if (ENDS_TRACK.has(event.kind)) {
    if (!told?.[track]) return told;
    const { [track]: _ended, ...rest } = told;
    return Object.keys(rest).length === 0 ? undefined : rest;
  }
  const before = told?.[track] ?? [];
  const joined = channels.filter((channel) => !before.includes(channel));
  if (joined.length === 0 && told?.[track]) return told;
  return { ...told, [track]: [...before, ...joined] };
}

/**
 * Routes one alert's events of a check: each gets the channels it is owed
 * to, and the state records who was told. A silenced event counts as told: a
 * silence is its channels' own decision, and the resolve that ends it reaches them.
 */
export function routeAlert(routes: NotifyRoutes, state: AlertState, events: readonly AlertEvent[]): { readonly state: AlertState; readonly events: readonly AlertEvent[] } {
  if (events.length === 0) return { state, events };
  let told = state.told;
  const routed = events.map((event) => {
    const to = channelsFor(routes, event, told);
    told = toldAfter(told, event, to);
    return { ...event, to };
  });
  if (told === state.told) return { state, events: routed };
  const { told: _before, ...rest } = state;
  return { state: told === undefined ? rest : { ...rest, told }, events: routed };
}
