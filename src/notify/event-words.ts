import type { EventKind } from '../rules/alert.js';

/** What happened, in a word or two, for timelines: the board's, and a catch-up's "fired 02:10, resolved 04:30". */
export const EVENT_WORDS: Readonly<Record<EventKind, string>> = {
  firing: 'fired',
  escalation: 'escalated',
  improvement: 'improved',
  resolved: 'resolved',
  repeat: 'still firing',
  no_data: 'no data',
  no_data_resolved: 'data again',
  runway: 'runway short',
  runway_resolved: 'runway ok',
  drop: 'fell fast',
  drop_resolved: 'drop over',
  escalated: 'escalated to more people (not acknowledged)',
};
