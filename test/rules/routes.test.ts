import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertState, EventKind, Level } from '../../src/rules/alert.js';
import { channelsFor, everyRoute, routeAlert, routesOf, toldAfter } from '../../src/rules/routes.js';

const ROUTES = routesOf({ warning: ['treasury'], critical: ['treasury', 'finance'] });
const event = (kind: EventKind, level: Level, previousLevel: Level = 'ok', extra: Partial<AlertEvent> = {}): AlertEvent => ({
  kind,
  level,
  previousLevel,
  rule: 'bKash agent float',
  source: 'apay',
  account: 'bkash_a',
  target: 'bkash_a',
  thresholds: {},
  since: 0,
  at: 0,
  ...extra,
});
const state: AlertState = { level: 'ok', since: 0, warnStreak: 0, criticalStreak: 0, failures: 0 };

describe('routesOf', () => {
  it.each([
    ['a list: every level', ['a', 'b'], { warning: ['a', 'b'], critical: ['a', 'b'], no_data: ['a', 'b'], runway: ['a', 'b'], drop: ['a', 'b'] }],
    ['critical defaults to the warning list, the rest to it too', { warning: ['a'] }, { warning: ['a'], critical: ['a'], no_data: ['a'], runway: ['a'], drop: ['a'] }],
    ['only criticals: no data and the rest go to the critical list', { critical: ['f'] }, { warning: [], critical: ['f'], no_data: ['f'], runway: ['f'], drop: ['f'] }],
    ['each key as written', { warning: ['a'], critical: ['a', 'f'], no_data: ['ops'], runway: [], drop: ['f'] }, { warning: ['a'], critical: ['a', 'f'], no_data: ['ops'], runway: [], drop: ['f'] }],
  ])('%s', (_name, written, expected) => {
    expect(routesOf(written)).toEqual(expected);
  });

  it('every route, once each', () => {
    expect(everyRoute(routesOf({ warning: ['a'], critical: ['a', 'f'], no_data: ['ops'] }))).toEqual(['a', 'f', 'ops']);
  });
});

describe('routing an episode', () => {
  /** Routes a sequence of one alert's events, carrying who was told: the channels of each. */
  const route = (events: readonly AlertEvent[], routes = ROUTES) => {
    let current = state;
    return events.map((e) => {
      const routed = routeAlert(routes, current, [e]);
      current = routed.state;
      return routed.events[0]!.to;
    });
  };

  it('a warning reaches treasury only; the escalation to critical reaches both; the improvement and resolve reach both', () => {
    expect(route([event('firing', 'warning'), event('escalation', 'critical', 'warning'), event('improvement', 'warning', 'critical'), event('resolved', 'ok', 'warning')])).toEqual([
      ['treasury'],
      ['treasury', 'finance'],
      ['treasury', 'finance'],
      ['treasury', 'finance'],
    ]);
  });

  it('an escalation step reaches its own list, who then hear the resolve too', () => {
    expect(route([event('firing', 'warning'), event('escalated', 'warning', 'warning', { to: ['cfo'] }), event('resolved', 'ok', 'warning')])).toEqual([['treasury'], ['cfo'], ['treasury', 'cfo']]);
  });

  it('a warning that resolves never reaches finance', () => {
    expect(route([event('firing', 'warning'), event('repeat', 'warning', 'warning'), event('resolved', 'ok', 'warning')])).toEqual([['treasury'], ['treasury'], ['treasury']]);
  });

  it('tracks no data, runway and drops apart from the level', () => {
    const routes = routesOf({ warning: ['treasury'], critical: ['finance'], no_data: ['ops'] });
    expect(
      route(
        [event('firing', 'critical'), event('no_data', 'critical', 'critical'), event('no_data_resolved', 'critical', 'critical'), event('drop', 'critical', 'critical'), event('resolved', 'ok', 'critical')],
        routes,
      ),
    ).toEqual([['finance'], ['ops'], ['ops'], ['treasury'], ['finance']]);
  });

  it('a state from before routing (nobody recorded) resolves to the list of the level it had', () => {
    expect(channelsFor(ROUTES, event('resolved', 'ok', 'critical'), undefined)).toEqual(['treasury', 'finance']);
    expect(channelsFor(ROUTES, event('resolved', 'ok', 'warning'), undefined)).toEqual(['treasury']);
  });

  it('forgets who was told once the episode resolves', () => {
    const told = toldAfter(toldAfter(undefined, event('firing', 'critical'), ['treasury', 'finance']), event('resolved', 'ok', 'critical'), ['treasury', 'finance']);
    expect(told).toBeUndefined();
  });

  const kinds: readonly [EventKind, Level][] = [
    ['firing', 'warning'],
    ['firing', 'critical'],
    ['escalation', 'critical'],
    ['improvement', 'warning'],
    ['repeat', 'warning'],
    ['repeat', 'critical'],
    ['no_data', 'warning'],
    ['runway', 'warning'],
    ['drop', 'warning'],
  ];
  const channel = fc.constantFrom('a', 'b', 'c', 'd');
  const written = fc.record({ warning: fc.uniqueArray(channel), critical: fc.uniqueArray(channel), no_data: fc.uniqueArray(channel), runway: fc.uniqueArray(channel), drop: fc.uniqueArray(channel) }, { requiredKeys: [] });

  it('every resolve goes exactly to the channels that heard of its firing', () => {
    fc.assert(
      fc.property(written, fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 8 }), (notify, steps) => {
        const routes = routesOf(notify);
        let current = state;
        const heard = new Map<string, Set<string>>();
        for (const [kind, level] of steps) {
          const routed = routeAlert(routes, current, [event(kind, level, 'warning')]);
          current = routed.state;
          const track = kind === 'no_data' ? 'no_data' : kind === 'runway' ? 'runway' : kind === 'drop' ? 'drop' : 'level';
          const set = heard.get(track) ?? new Set();
          for (const c of routed.events[0]!.to ?? []) set.add(c);
          heard.set(track, set);
        }
        for (const [track, resolve] of [['level', 'resolved'], ['no_data', 'no_data_resolved'], ['runway', 'runway_resolved'], ['drop', 'drop_resolved']] as const) {
          if (!heard.has(track)) continue;
          const to = routeAlert(routes, current, [event(resolve, 'ok', 'warning')]).events[0]!.to ?? [];
          expect(new Set(to)).toEqual(heard.get(track));
        }
      }),
    );
  });
});
