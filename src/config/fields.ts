import { z } from 'zod';
import { isKnownCurrency } from '../money/currency.js';
import { type Decimal, parseDecimal } from '../money/decimal.js';
import { parseDuration } from './duration.js';

/**
 * Zod builders for the value kinds that recur across the config: amounts,
 * durations, ids, URLs. Sources and channels build their schemas from these.
 */

function fail(ctx: { issues: unknown[] }, input: unknown, message: string): typeof z.NEVER {
  (ctx.issues as { code: string; message: string; input: unknown }[]).push({ code: 'custom', message, input });
  return z.NEVER;
}

/** An amount in major units, written as a YAML number or a decimal string; read exactly. */
export function amountField(description: string) {
  return z
    .union([z.number(), z.string()], { error: 'must be an amount such as 5000 or "1000.50"' })
    .transform((value, ctx): Decimal => {
      const parsed = parseDecimal(String(value));
      return parsed.ok ? parsed.value : fail(ctx, value, parsed.error);
    })
    .describe(description);
}

export type Hysteresis = { readonly kind: 'percent'; readonly percent: Decimal } | { readonly kind: 'amount'; readonly amount: Decimal };

export function hysteresisField(description: string) {
  return z
    .union([z.number(), z.string()], { error: 'must be a percentage such as 10% or an amount such as 5000' })
    .transform((value, ctx): Hysteresis => {
      const text = String(value).trim();
      const isPercent = text.endsWith('%');
      const parsed = parseDecimal(isPercent ? text.slice(0, -1) : text);
      if (!parsed.ok) return fail(ctx, value, `"${text}" is neither a percentage such as 10% nor an amount such as 5000`);
      if (parsed.value.units < 0n) return fail(ctx, value, 'must not be negative');
      return isPercent ? { kind: 'percent', percent: parsed.value } : { kind: 'amount', amount: parsed.value };
    })
    .describe(description);
}

/** How far a balance may fall: a percentage of where it stood (30%, at most 100%) or an amount (50000); never zero. */
export function dropField(description: string) {
  return hysteresisField(description).transform((value, ctx): Hysteresis => {
    const size = value.kind === 'percent' ? value.percent : value.amount;
    if (size.units === 0n) return fail(ctx, value, 'must be more than zero, e.g. 30% or 50000');
    if (value.kind === 'percent' && size.units > 100n * 10n ** BigInt(size.scale)) return fail(ctx, value, 'a balance cannot fall more than 100%');
    return value;
  });
}

/** A duration such as `30s`, `5m`, `4h`, `1d` or `1h30m`, in milliseconds. */
export function durationField(description: string, options: { allowZero?: boolean } = {}) {
  return z
    .union([z.literal(0), z.string()], { error: `must be a duration such as 30s, 5m, 4h or 1h30m${options.allowZero ? ', or 0' : ''}` })
    .transform((value, ctx): number => {
      const parsed = parseDuration(String(value), options);
      return parsed.ok ? parsed.value : fail(ctx, value, parsed.error);
    })
    .describe(description);
}

/** A whole number, also accepted as digits in a string (what `${VAR}` produces). */
export function integerField(description: string, bounds: { min: number; max?: number }) {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  return z
    .union([z.number(), z.string()], { error: 'must be a whole number' })
    .transform((value, ctx): number => {
      const text = String(value).trim();
      if (!/^-?\d+$/.test(text)) return fail(ctx, value, `must be a whole number, not "${text}"`);
      const number = Number(text);
      if (!Number.isSafeInteger(number) || number < bounds.min || number > max) {
        return fail(ctx, value, `must be a whole number from ${bounds.min}${bounds.max ? ` to ${bounds.max}` : ' up'}`);
      }
      return number;
    })
    .describe(description);
}

/** Text that may be written as a number (an account number, a shop id): always read as the text typed. */
export function textOrNumberField(description: string) {
  return z.union([z.string(), z.number()], { error: 'must be text or a number' }).transform(String).describe(description);
}

/** An id that rules and `notify` lists refer to. */
export function idField(description: string) {
  return z
    .string({ error: 'must be a name such as treasury' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must start with a letter or digit and use only letters, digits, _ . -')
    .describe(description);
}

export function currencyField(description: string) {
  return z
    .string({ error: 'must be an ISO 4217 currency code such as USD' })
    .refine(isKnownCurrency, { message: 'must be an ISO 4217 currency code such as USD, BDT or INR (upper case)' })
    .describe(description);
}

/** A URL; https is checked later with the loopback exception, so that the rule lives in one place. */
export function urlField(description: string) {
  return z
    .string({ error: 'must be a URL' })
    .refine((value) => URL.canParse(value), { message: 'must be a full URL such as https://host.example.com' })
    .describe(description);
}

export const SUMMARY_DESCRIPTION =
  'When this channel gets a summary of every balance, its state and its change since the last summary (cron in the config timezone), e.g. "0 9 * * 1-5".';

/** A cron schedule: 5 fields, or 6 with seconds first; its validity is checked with the other cross-checks. */
export function cronField(description: string) {
  return z.string({ error: 'must be a cron expression such as "0 9 * * 1-5"' }).describe(description);
}

/** A setting that holds a credential: never echoed in any message. */
export function secretField(description: string) {
  return z.string({ error: 'must be text (use ${VAR} to read it from the environment)' }).min(1, 'must not be empty').describe(description);
}

export function nonEmptyText(description: string) {
  return z.string({ error: 'must be text' }).min(1, 'must not be empty').describe(description);
}
