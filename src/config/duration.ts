import { err, ok, type Result } from '../result.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS_IN_ORDER: readonly Unit[] = ['d', 'h', 'm', 's'];
const DURATION_TEXT = /^(?:\d+[dhms])+$/;
const PART = /(\d+)([dhms])/g;

/**
 * Reads `30s`, `5m`, `4h`, `1d` and combinations such as `1h30m` (largest unit
 * first, each unit once). `0` means "never" where a setting allows it.
 */
export function parseDuration(text: string, options: { allowZero?: boolean } = {}): Result<number> {
  const value = text.trim();
  if (value === '0') {
    return options.allowZero ? ok(0) : err('must be longer than 0');
  }
  if (!DURATION_TEXT.test(value)) {
    return err(`"${text}" is not a duration; write it like 30s, 5m, 4h, 1d or 1h30m`);
  }
  let total = 0;
  let previous = -1;
  for (const [, count, unit] of value.matchAll(PART)) {
    const rank = UNITS_IN_ORDER.indexOf(unit as Unit);
    if (rank <= previous) {
      return err(`"${text}" repeats or misorders a unit; write the largest unit first, e.g. 1h30m`);
    }
    previous = rank;
    total += Number(count) * UNIT_MS[unit as Unit];
  }
  if (!Number.isSafeInteger(total)) return err(`"${text}" is too long`);
  if (total === 0 && !options.allowZero) return err('must be longer than 0');
  return ok(total);
}
