import { isGlob, nameMatcher } from '../glob.js';

/** A payment system's currency from an A-Pay `currencies` map: an exact entry wins over a glob. */
export function currencyFor(currencies: Readonly<Record<string, string>>, paymentSystem: string): string | undefined {
  if (Object.hasOwn(currencies, paymentSystem)) return currencies[paymentSystem];
  const glob = Object.keys(currencies).find((pattern) => isGlob(pattern) && nameMatcher(pattern)(paymentSystem));
  return glob === undefined ? undefined : currencies[glob];
}
