import { err, ok, type Result } from '../result.js';

/**
 * An exact decimal number: `units / 10^scale`. Balances and thresholds are
 * never held as JS numbers, so no binary rounding can decide a comparison.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** More digits than any real balance needs; guards against absurd inputs. */
const MAX_DIGITS = 40;
/** Up to this many digits the value is built in a double, exactly (10^15 < 2^53), without a digit string. */
const EXACT_DOUBLE_DIGITS = 15;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

export function decimal(units: bigint, scale = 0): Decimal {
  return { units, scale };
}

/**
 * Reads a plain decimal such as `1000`, `-12.50` or `0.005`: an optional sign,
 * digits, and optionally a point followed by digits. The text is the source of
 * truth: a YAML number is passed here as the characters the user typed.
 * Scanned by hand, not with a regular expression: every balance of every cycle
 * passes through here, and a match allocates its groups.
 */
export function parseDecimal(text: string): Result<Decimal> {
  const trimmed = text.trim();
  const first = trimmed.charCodeAt(0);
  const start = first === PLUS || first === MINUS ? 1 : 0;
  let digits = 0;
  let point = -1;
  let value = 0;
  for (let i = start; i < trimmed.length; i += 1) {
    const c = trimmed.charCodeAt(i);
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      digits += 1;
      value = value * 10 + (c - DIGIT_0);
    } else if (c === DOT && point < 0 && i > start) point = i;
    else return notPlain(text);
  }
  if (digits === 0 || point === trimmed.length - 1) return notPlain(text);
  if (digits > MAX_DIGITS) return err(`"${text}" has more than ${MAX_DIGITS} digits`);
  const scale = point < 0 ? 0 : trimmed.length - point - 1;
  const magnitude = digits <= EXACT_DOUBLE_DIGITS ? BigInt(value) : BigInt(point < 0 ? trimmed.slice(start) : trimmed.slice(start, point) + trimmed.slice(point + 1));
  return ok({ units: first === MINUS ? -magnitude : magnitude, scale });
}

function notPlain(text: string): Result<Decimal> {
  return err(`"${text}" is not a plain decimal number; write it like 1000 or 1000.50 (no thousands separators or exponents)`);
}

/** Powers of ten up to the longest decimal accepted, computed once: comparisons run for every balance every cycle. */
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 2 * MAX_DIGITS + 1 }, (_, n) => 10n ** BigInt(n));

function pow10(n: number): bigint {
  return POWERS_OF_TEN[n] ?? 10n ** BigInt(n);
}

/** The same value at a larger scale (more fractional digits); exact by construction. */
function widen(d: Decimal, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

/** Zero, for comparisons and sums. */
export const ZERO: Decimal = { units: 0n, scale: 0 };

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  // The common case: a balance and a threshold in the same currency share a scale.
  if (a.scale === b.scale) return a.units < b.units ? -1 : a.units > b.units ? 1 : 0;
  const scale = Math.max(a.scale, b.scale);
  const x = widen(a, scale);
  const y = widen(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: widen(a, scale) + widen(b, scale), scale };
}

export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { units: -b.units, scale: b.scale });
}

/** The fewest fractional digits that still hold the value exactly. */
export function significantScale(d: Decimal): number {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale;
}

/** Re-expresses `d` with exactly `scale` fractional digits, or fails if that would lose a digit. */
export function rescale(d: Decimal, scale: number): Result<Decimal, { needed: number }> {
  if (scale === d.scale) return ok(d);
  if (scale > d.scale) return ok({ units: widen(d, scale), scale });
  const needed = significantScale(d);
  if (needed > scale) return err({ needed });
  return ok({ units: d.units / pow10(d.scale - scale), scale });
}

/** Divides with rounding towards positive infinity, for bands that must be at least as wide as asked. */
function divideCeil(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n === d > 0n ? q + 1n : q;
}

/**
 * `percent`% of `base`. With `scale` given, the result has that many fractional
 * digits and is rounded up, so a hysteresis band is never narrower than asked;
 * without it, the result is exact.
 */
export function percentOf(base: Decimal, percent: Decimal, scale?: number): Decimal {
  const exactScale = base.scale + percent.scale + 2;
  const exact = base.units * percent.units;
  if (scale === undefined || scale >= exactScale) {
    return { units: exact * pow10((scale ?? exactScale) - exactScale), scale: scale ?? exactScale };
  }
  return { units: divideCeil(exact, pow10(exactScale - scale)), scale };
}

/** Whether `d` is below, at or above zero. */
export const signOf = (d: Decimal): -1 | 0 | 1 => compareDecimal(d, ZERO);

/** `d` with exactly `scale` fractional digits, rounded towards positive infinity where digits are dropped (an amount owed is never short). */
export function ceilToScale(d: Decimal, scale: number): Decimal {
  if (d.scale <= scale) return { units: widen(d, scale), scale };
  return { units: divideCeil(d.units, pow10(d.scale - scale)), scale };
}

/** `1234567.5` at scale 2 becomes `1,234,567.50`. */
export function formatDecimal(d: Decimal, options: { grouping?: boolean } = {}): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale);
  const grouped = options.grouping === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${d.scale > 0 ? `.${fraction}` : ''}`;
}

/** Plain machine text (`-1234.50`), for JSON and metrics labels. */
export function decimalToString(d: Decimal): string {
  return formatDecimal(d, { grouping: false });
}

/**
 * A float approximation for places that need a number (Prometheus gauges, trend
 * maths). Never use it to decide a threshold.
 */
export function decimalToNumber(d: Decimal): number {
  // Both operands are exact doubles, and IEEE division rounds correctly: the same double as parsing the text, without making it.
  const power = EXACT_POWERS_OF_TEN[d.scale];
  if (power !== undefined && d.units <= MAX_EXACT_UNITS && d.units >= -MAX_EXACT_UNITS) return Number(d.units) / power;
  return Number(decimalToString(d));
}

const MAX_EXACT_UNITS = BigInt(Number.MAX_SAFE_INTEGER);
/** 10^0 to 10^22, the powers of ten a double holds exactly; read from text, which rounds correctly, rather than trusting `**`. */
const EXACT_POWERS_OF_TEN: readonly number[] = Array.from({ length: 23 }, (_, n) => Number(`1e${n}`));
