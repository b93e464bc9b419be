import { createRequire } from 'node:module';
import type { DateTime as LuxonDateTime } from 'luxon';
import type { ActionSettings } from '../config/types.js';
import { humanDuration } from '../notify/time.js';

/**
 * Luxon, on the first message with action links: a daemon without them (and
 * every start) does not pay its 12 ms of loading.
 */
let dateTime: typeof LuxonDateTime | undefined;
const luxon = (): typeof LuxonDateTime => (dateTime ??= (createRequire(import.meta.url)('luxon') as typeof import('luxon')).DateTime);

/** One "Silence …" link: what it says, and when the silence it adds ends. */
export interface SilenceChoice {
  readonly label: string;
  readonly until: number;
}

/**
 * The silences a message offers at `now`: each of actions.silence_choices,
 * and until tomorrow at actions.silence_until in the config's zone (a day that
 * is 23 or 25 hours long across a DST change is still "tomorrow, 09:00").
 */
export function silenceChoices(actions: Pick<ActionSettings, 'silenceChoices' | 'silenceUntil'>, timezone: string | undefined, now: number): SilenceChoice[] {
  const [hour, minute] = actions.silenceUntil.split(':').map(Number) as [number, number];
  const tomorrow = luxon().fromMillis(now, { zone: timezone ?? 'system' }).plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return [
    ...actions.silenceChoices.map((ms) => ({ label: `Silence ${humanDuration(ms)}`, until: now + ms })),
    { label: `Silence until tomorrow ${actions.silenceUntil}`, until: tomorrow.toMillis() },
  ];
}
