import type { RenderOptions } from './message.js';

/** `3 h 20 min`, `2 d 4 h`, `45 s`: a duration for people, two units at most. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 && parts.length < 2) {
      parts.push(`${count} ${name}`);
      rest -= count * size;
    } else if (parts.length > 0) break;
  }
  return parts.join(' ') || '0 s';
}

/**
 * One formatter per zone and style, made once: an Intl.DateTimeFormat holds
 * ICU objects outside the JavaScript heap, which a small wrapper lets pile up
 * until a major GC (a backtest report of 1,000 alerts made 60 MB of them).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const STYLES = {
  long: ['en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
  /** The board's: `2026-11-21, 14:05:09`. */
  seconds: ['en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }],
  short: ['en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
} as const satisfies Record<string, readonly [string, Intl.DateTimeFormatOptions]>;

export function formatterOf(style: keyof typeof STYLES, zone: string): Intl.DateTimeFormat {
  const key = `${style} ${zone}`;
  let found = formatters.get(key);
  if (!found) {
    const [locale, options] = STYLES[style];
    found = new Intl.DateTimeFormat(locale, { timeZone: zone, ...options });
    formatters.set(key, found);
  }
  return found;
}

let machineZone: string | undefined;
/** The machine's time zone, asked once. */
export const systemZone = (): string => (machineZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

/** The zone times are shown in: the configured one, else the machine's. */
const zoneOf = (options: RenderOptions): string => options.timezone ?? systemZone();

/** `2026-11-21 14:05 Europe/Minsk`: a timestamp in the configured zone. */
export function formatTime(ms: number, options: RenderOptions): string {
  const zone = zoneOf(options);
  const parts = formatterOf('long', zone).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${zone}`;
}

/** `Fri 18:00`: a time within the last days, with its weekday, in the configured zone. */
export function formatShortTime(ms: number, options: RenderOptions): string {
  const parts = formatterOf('short', zoneOf(options)).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('hour')}:${get('minute')}`;
}
