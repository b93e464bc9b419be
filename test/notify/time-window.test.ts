import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isOpen, nextClosing, nextOpening, type TimeWindow } from '../../src/notify/time-window.js';

const WEEKDAYS = new Set([1, 2, 3, 4, 5]);
const window = (overrides: Partial<TimeWindow> = {}): TimeWindow => ({
  name: 'office-hours',
  timezone: 'Asia/Dhaka',
  weekdays: WEEKDAYS,
  times: [[9 * 60, 18 * 60]],
  exceptDates: new Set(),
  ...overrides,
});
const at = (local: string, zone = 'Asia/Dhaka') => DateTime.fromISO(local, { zone }).toMillis();
const local = (ms: number | undefined, zone = 'Asia/Dhaka') => (ms === undefined ? undefined : DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd HH:mm"));

describe('office hours in Dhaka', () => {
  it.each([
    ['Friday 10:00 is open', '2026-12-04T10:00', true],
    ['Friday 18:00 is closed (the end is exclusive)', '2026-12-04T18:00', false],
    ['Saturday noon is closed', '2026-12-05T12:00', false],
    ['Monday 09:00 is open', '2026-12-07T09:00', true],
  ])('%s', (_name, time, open) => {
    expect(isOpen(window(), at(time))).toBe(open);
  });

  it('opens next on Monday 09:00 from Friday evening', () => {
    expect(local(nextOpening(window(), at('2026-12-04T18:30')))).toBe('Mon 2026-12-07 09:00');
  });

  it('skips a holiday, all day', () => {
    const holiday = window({ exceptDates: new Set(['2026-12-16']) });
    expect(isOpen(holiday, at('2026-12-16T10:00'))).toBe(false);
    expect(local(nextOpening(holiday, at('2026-12-15T19:00')))).toBe('Thu 2026-12-17 09:00');
  });

  it('says when it closes while open', () => {
    expect(local(nextClosing(window(), at('2026-12-04T10:00')))).toBe('Fri 2026-12-04 18:00');
    expect(nextClosing(window(), at('2026-12-05T10:00'))).toBeUndefined();
  });
});

describe('windows that cross midnight', () => {
  const night = window({ weekdays: new Set([5]), times: [[22 * 60, 6 * 60]] });

  it('a Friday 22:00-06:00 range runs into Saturday morning', () => {
    expect(isOpen(night, at('2026-12-04T23:00'))).toBe(true);
    expect(isOpen(night, at('2026-12-05T05:59'))).toBe(true);
    expect(isOpen(night, at('2026-12-05T06:00'))).toBe(false);
    expect(isOpen(night, at('2026-12-04T05:00'))).toBe(false); // Friday early morning belongs to Thursday's night
    expect(local(nextClosing(night, at('2026-12-04T23:00')))).toBe('Sat 2026-12-05 06:00');
  });

  it('stops at the midnight of a closed date', () => {
    const cut = window({ weekdays: new Set([5]), times: [[22 * 60, 6 * 60]], exceptDates: new Set(['2026-12-05']) });
    expect(isOpen(cut, at('2026-12-04T23:30'))).toBe(true);
    expect(isOpen(cut, at('2026-12-05T01:00'))).toBe(false);
  });

  it('all day every day never closes within the look-ahead', () => {
    const always = window({ weekdays: new Set([1, 2, 3, 4, 5, 6, 7]), times: [[0, 1440]] });
    expect(isOpen(always, at('2026-12-05T00:00'))).toBe(true);
    expect(nextClosing(always, at('2026-12-05T00:00'))! - at('2026-12-05T00:00')).toBeGreaterThanOrEqual(13 * 86_400_000);
  });
});

describe('DST changes (Europe/Berlin)', () => {
  const zone = 'Europe/Berlin';
  const berlin = window({ timezone: zone, weekdays: new Set([7]), times: [[2 * 60 + 30, 3 * 60 + 30]] });

  it('a window that starts in the spring-forward gap opens when the clock jumps', () => {
    // 2026-03-29: 02:00 becomes 03:00; 02:30 does not exist.
    const opens = nextOpening(berlin, at('2026-03-29T01:00', zone));
    expect(DateTime.fromMillis(opens!, { zone }).toISO()).toBe('2026-03-29T03:00:00.000+02:00');
  });

  it('office hours are 9 hours long on the day the clocks go back', () => {
    const office = window({ timezone: zone, weekdays: new Set([7]), times: [[9 * 60, 18 * 60]] });
    const opens = nextOpening(office, at('2026-10-25T00:00', zone))!;
    expect(nextClosing(office, opens)! - opens).toBe(9 * 3_600_000);
    // The night the clocks go back is 25 hours long: a 22:00-06:00 range lasts 9 hours of real time.
    const night = window({ timezone: zone, weekdays: new Set([6]), times: [[22 * 60, 6 * 60]] });
    const dusk = nextOpening(night, at('2026-10-24T12:00', zone))!;
    expect(nextClosing(night, dusk)! - dusk).toBe(9 * 3_600_000);
  });
});

describe('every window', () => {
  const minute = fc.integer({ min: 0, max: 1439 });
  const windows = fc.record({
    weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    times: fc.array(fc.tuple(minute, fc.integer({ min: 1, max: 1440 })).filter(([s, e]) => s !== e), { minLength: 1, maxLength: 3 }),
    zone: fc.constantFrom('Asia/Dhaka', 'Europe/Berlin', 'America/New_York', 'UTC'),
    except: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }),
  });
  const base = at('2026-10-20T00:00', 'UTC');

  it("a window's next opening is open, and no earlier instant after t is", () => {
    fc.assert(
      fc.property(windows, fc.integer({ min: 0, max: 20 * 86_400_000 }), ({ weekdays, times, zone, except }, offset) => {
        const w = window({
          timezone: zone,
          weekdays: new Set(weekdays),
          times,
          exceptDates: new Set(except.map((d) => DateTime.fromMillis(base + d * 86_400_000, { zone }).toISODate()!)),
        });
        const t = base + offset;
        const opens = nextOpening(w, t);
        if (opens === undefined) return;
        expect(opens).toBeGreaterThanOrEqual(t);
        expect(isOpen(w, opens)).toBe(true);
        // Sampled every 7 minutes (and the minute before): nothing between t and the opening is open.
        for (let probe = t; probe < opens; probe += 7 * 60_000) expect(isOpen(w, probe)).toBe(false);
        if (opens > t) expect(isOpen(w, opens - 60_000)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
