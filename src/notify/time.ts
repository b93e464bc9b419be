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
function formatterOf(style: 'long' | 'short', zone: string): Intl.DateTimeFormat {
  const key = `${style} ${zone}`;
  let found = formatters.get(key);
  if (!found) {
    found =
      style === 'long'
        ? new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        : new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(key, found);
  }
  return found;
}

let systemZone: string | undefined;
/** The zone times are shown in: the configured one, else the machine's. */
const zoneOf = (options: RenderOptions): string => options.timezone ?? (systemZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

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
