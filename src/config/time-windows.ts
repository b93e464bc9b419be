import { z } from 'zod';
import type { TimeWindow } from '../notify/time-window.js';
import { idField } from './fields.js';
import { isKnownZone } from './zone.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const dayNumber = (name: string): number | undefined => {
  const index = DAYS.indexOf(name.toLowerCase() as (typeof DAYS)[number]);
  return index < 0 ? undefined : index + 1;
};

/** "monday:friday" or "saturday" → ISO weekdays; a range may wrap ("friday:monday"). */
export function parseWeekdays(text: string): number[] | string {
  const [from = '', to = from, extra] = text.split(':');
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (extra !== undefined || start === undefined || end === undefined) return `"${text}" is not a day or a range of days; write monday, or monday:friday`;
  const days: number[] = [];
  for (let day = start; ; day = (day % 7) + 1) {
    days.push(day);
    if (day === end) return days;
  }
}

/** "HH:MM" → minutes of the day; "24:00" only as an end. */
function parseTime(text: string, end: boolean): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > 1440 || (minutes === 1440 && !end) ? undefined : minutes;
}

/** "09:00-18:00" (or "22:00-06:00", across midnight) → [start, end) in minutes. */
export function parseTimeRange(text: string): [number, number] | string {
  const [from, to, extra] = text.split('-');
  const start = parseTime(from ?? '', false);
  const end = parseTime(to ?? '', true);
  if (extra !== undefined || start === undefined || end === undefined) return `"${text}" is not a range of times; write 09:00-18:00 (24-hour clock; 22:00-06:00 crosses midnight)`;
  if (start === end) return `"${text}" is empty; for all day leave times out, or write 00:00-24:00`;
  return [start, end];
}

/** A real calendar date written YYYY-MM-DD. */
const isDate = (text: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

const checked = <T>(parse: (text: string) => T | string) =>
  z.string({ error: 'must be text' }).superRefine((text, ctx) => {
    const result = parse(text);
    if (typeof result === 'string') ctx.addIssue({ code: 'custom', message: result });
  });

export const timeWindowSchema = z
  .strictObject({
    name: idField('How channels refer to this window (`active_in: office-hours`).'),
    timezone: z
      .string()
      .refine(isKnownZone, 'is not an IANA time zone; use a name such as Asia/Dhaka or UTC')
      .optional()
      .describe("The window's time zone (default: the config's timezone, else the host's)."),
    weekdays: z.array(checked(parseWeekdays)).min(1).optional().describe('Days it is open: ranges such as "monday:friday", or single days (default every day).'),
    times: z.array(checked(parseTimeRange)).min(1).optional().describe('Times of day it is open, such as "09:00-18:00"; "22:00-06:00" crosses midnight (default all day).'),
    except_dates: z
      .array(z.string().refine(isDate, 'must be a date such as 2026-12-25 (YYYY-MM-DD)'))
      .optional()
      .describe('Dates it stays closed all day (holidays), such as "2026-12-25".'),
  })
  .describe('A named time window: a channel with active_in holds its messages while the window is closed, and sends one catch-up message when it opens.');

export type WrittenTimeWindow = z.output<typeof timeWindowSchema>;

/** A window as the notifier uses it; its zone defaults to the config's, else the host's. */
export function resolveTimeWindow(written: WrittenTimeWindow, configZone: string | undefined): TimeWindow {
  const weekdays = new Set((written.weekdays ?? ['monday:sunday']).flatMap((text) => parseWeekdays(text) as number[]));
  const times = (written.times ?? ['00:00-24:00']).map((text) => parseTimeRange(text) as [number, number]);
  return {
    name: written.name,
    timezone: written.timezone ?? configZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    weekdays,
    times,
    exceptDates: new Set(written.except_dates ?? []),
  };
}

export const ACTIVE_IN_DESCRIPTION =
  'The name of a time window (under time_windows): outside it, messages are held and the channel gets one catch-up message when it opens.';
