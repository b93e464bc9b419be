import { DateTime } from 'luxon';

/*
 * When a channel is open: named windows of weekdays, times of day and closed
 * dates in a time zone, with Alertmanager's shape where it fits. Zone
 * arithmetic (DST gaps and repeats) is Luxon's. Pure: `now` is passed in.
 */

/** A window as the config has it, checked: weekdays 1 (Monday) to 7, minutes of the day, ISO dates. */
export interface TimeWindow {
  readonly name: string;
  readonly timezone: string;
  /** ISO weekdays the window opens on (1 = Monday … 7 = Sunday). */
  readonly weekdays: ReadonlySet<number>;
  /** [start, end) in minutes of the day; end ≤ start crosses midnight into the next day; end may be 1440 ("24:00"). */
  readonly times: readonly (readonly [start: number, end: number])[];
  /** "2026-12-16": closed all day, whatever the weekday and times say. */
  readonly exceptDates: ReadonlySet<string>;
}

/** How far ahead an opening is looked for: a window closed longer than this is treated as never opening. */
const HORIZON_DAYS = 400;

interface Interval {
  readonly from: number;
  readonly to: number;
}

/** The open intervals of the window that start on `day` (a local date), cut at any closed date they run into. */
function intervalsOn(window: TimeWindow, day: DateTime): Interval[] {
  if (!window.weekdays.has(day.weekday) || window.exceptDates.has(day.toISODate()!)) return [];
  const next = day.plus({ days: 1 });
  const at = (date: DateTime, minutes: number) => (minutes === 1440 ? date.plus({ days: 1 }).toMillis() : localTime(date, minutes));
  return window.times.map(([start, end]) => {
    const crosses = end <= start;
    const from = at(day, start);
    let to = crosses ? at(next, end) : at(day, end);
    // A range that runs past midnight into a closed date stops at that midnight.
    if (crosses && window.exceptDates.has(next.toISODate()!)) to = Math.min(to, next.toMillis());
    return { from, to };
  });
}

/**
 * The instant of a time of day on a local date. A time the clocks skip (02:30
 * on a spring-forward night) is the first minute that exists after it: the
 * moment the clock jumps, not Luxon's shift by the gap's length.
 */
function localTime(date: DateTime, minutes: number): number {
  const shifted = date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  const over = shifted.hour * 60 + shifted.minute - minutes;
  if (over <= 0 || !shifted.hasSame(date, 'day')) return shifted.toMillis();
  let first = shifted.toMillis();
  for (let back = 1; back <= over; back += 1) {
    const earlier = DateTime.fromMillis(shifted.toMillis() - back * 60_000, { zone: date.zone });
    if (earlier.hour * 60 + earlier.minute < minutes) break;
    first = earlier.toMillis();
  }
  return first;
}

/** The local midnight of the day `at` falls on, in the window's zone. */
const dayOf = (window: TimeWindow, at: number): DateTime => DateTime.fromMillis(at, { zone: window.timezone }).startOf('day');

/** Every interval that could hold `at` or open after it, day by day from the day before `at`. */
function* intervalsFrom(window: TimeWindow, at: number, days = HORIZON_DAYS): Generator<Interval> {
  let day = dayOf(window, at).minus({ days: 1 });
  for (let i = 0; i <= days + 1; i += 1, day = day.plus({ days: 1 })) yield* intervalsOn(window, day);
}

/** Whether the window is open at `at`. */
export function isOpen(window: TimeWindow, at: number): boolean {
  for (const interval of intervalsFrom(window, at, 1)) if (interval.from <= at && at < interval.to) return true;
  return false;
}

/** The first instant at or after `at` when the window is open (`at` itself while it is); undefined if it does not open within the horizon. */
export function nextOpening(window: TimeWindow, at: number): number | undefined {
  if (isOpen(window, at)) return at;
  let earliest: number | undefined;
  for (const interval of intervalsFrom(window, at)) {
    if (interval.from > at && interval.to > interval.from && (earliest === undefined || interval.from < earliest)) earliest = interval.from;
    // Intervals come in day order: once one starts past the earliest found plus a day, none later can be earlier.
    if (earliest !== undefined && interval.from > earliest + 2 * 86_400_000) break;
  }
  return earliest;
}

/** While open: when it closes (touching and overlapping intervals run on); undefined when it is closed now or stays open past the horizon. */
export function nextClosing(window: TimeWindow, at: number): number | undefined {
  if (!isOpen(window, at)) return undefined;
  let closes = at;
  const intervals = [...intervalsFrom(window, at, 14)].filter((i) => i.to > at).sort((a, b) => a.from - b.from);
  for (const interval of intervals) {
    if (interval.from > closes) break;
    closes = Math.max(closes, interval.to);
  }
  return closes;
}

/** While closed: when it last closed (within the last fortnight); undefined when it is open now or was not open lately. */
export function lastClosing(window: TimeWindow, at: number): number | undefined {
  if (isOpen(window, at)) return undefined;
  let day = dayOf(window, at).minus({ days: 15 });
  let closed: number | undefined;
  for (let i = 0; i <= 15; i += 1, day = day.plus({ days: 1 })) {
    for (const interval of intervalsOn(window, day)) if (interval.to <= at && interval.to > interval.from && (closed === undefined || interval.to > closed)) closed = interval.to;
  }
  // An interval that ends where the next begins is no closing: walk back to the true end.
  return closed !== undefined && !isOpen(window, closed) ? closed : undefined;
}
