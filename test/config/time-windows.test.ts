import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostic.js';
import { parseConfigText } from '../../src/config/load.js';
import { TEST_ENV, VALID_CONFIG } from '../helpers/config-text.js';

const WINDOWS = `time_windows:
  - name: office-hours
    timezone: Asia/Dhaka
    weekdays: ["monday:friday", saturday]
    times: ["09:00-13:00", "14:00-18:00"]
    except_dates: ["2026-12-16"]
  - name: nights
    times: ["22:00-06:00"]
`;
const withWindows = (windows = WINDOWS, activeIn = 'office-hours') =>
  VALID_CONFIG.replace('    webhook_url: ${SLACK_WEBHOOK_URL}\n', `    webhook_url: \${SLACK_WEBHOOK_URL}\n    active_in: ${activeIn}\n`).replace('rules:', `${windows}rules:`);
const load = (text: string) => parseConfigText(text, { file: 'c.yaml', env: TEST_ENV });
const lines = (text: string) => {
  const result = load(text);
  return [...result.errors, ...result.warnings].map((d) => formatDiagnostic('c.yaml', d));
};

describe('time_windows', () => {
  it('load with weekdays, times and closed dates; the zone defaults to the config timezone', () => {
    const { config, errors } = load(withWindows().replace('sources:', 'timezone: Europe/Minsk\nsources:'));
    expect(errors).toEqual([]);
    expect(config!.timeWindows.get('office-hours')).toEqual({
      name: 'office-hours',
      timezone: 'Asia/Dhaka',
      weekdays: new Set([1, 2, 3, 4, 5, 6]),
      times: [
        [540, 780],
        [840, 1080],
      ],
      exceptDates: new Set(['2026-12-16']),
    });
    expect(config!.timeWindows.get('nights')).toMatchObject({ timezone: 'Europe/Minsk', weekdays: new Set([1, 2, 3, 4, 5, 6, 7]), times: [[1320, 360]] });
  });

  it.each([
    ['a misspelt day', WINDOWS.replace('"monday:friday"', '"monday:fryday"'), 'c.yaml:27:16 error: time_windows[0].weekdays[0]: "monday:fryday" is not a day or a range of days; write monday, or monday:friday'],
    ['a time out of range', WINDOWS.replace('"14:00-18:00"', '"14:00-25:00"'), 'c.yaml:28:28 error: time_windows[0].times[1]: "14:00-25:00" is not a range of times; write 09:00-18:00 (24-hour clock; 22:00-06:00 crosses midnight)'],
    ['an empty range', WINDOWS.replace('"22:00-06:00"', '"06:00-06:00"'), 'c.yaml:31:13 error: time_windows[1].times[0]: "06:00-06:00" is empty; for all day leave times out, or write 00:00-24:00'],
    ['a date that does not exist', WINDOWS.replace('2026-12-16', '2026-02-30'), 'c.yaml:29:20 error: time_windows[0].except_dates[0]: must be a date such as 2026-12-25 (YYYY-MM-DD)'],
    ['an unknown zone', WINDOWS.replace('Asia/Dhaka', 'Asia/Dacca2'), 'c.yaml:26:15 error: time_windows[0].timezone: is not an IANA time zone; use a name such as Asia/Dhaka or UTC'],
    ['a window declared twice', WINDOWS.replace('name: nights', 'name: office-hours'), 'c.yaml:30:11 error: time window "office-hours" is declared twice; names must be unique'],
  ])('refuse %s, at its line and column', (_name, windows, expected) => {
    expect(lines(withWindows(windows)), lines(withWindows(windows)).join('\n')).toContain(expected);
  });

  it('refuse a channel active in a window nobody declared', () => {
    expect(lines(withWindows(WINDOWS, 'office')), lines(withWindows(WINDOWS, 'office')).join('\n')).toContain('c.yaml:23:16 error: no time window is named "office" (windows: office-hours, nights)');
  });
});
