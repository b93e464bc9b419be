import { isGlob, nameMatcher } from '../glob.js';

type CurrencyMap = Readonly<Record<string, string>>;

/** One resolver per map: a cycle asks for every payment system's currency, and the map's globs are the same each time. */
const resolvers = new WeakMap<CurrencyMap, (paymentSystem: string) => string | undefined>();

function resolverFor(currencies: CurrencyMap): (paymentSystem: string) => string | undefined {
  const globs = Object.keys(currencies)
    .filter(isGlob)
    .map((pattern) => ({ matches: nameMatcher(pattern), currency: currencies[pattern]! }));
  return (paymentSystem) => {
    if (Object.hasOwn(currencies, paymentSystem)) return currencies[paymentSystem];
    for (const glob of globs) if (glob.matches(paymentSystem)) return glob.currency;
    return undefined;
  };
}

/** A payment system's currency from an A-Pay `currencies` map: an exact entry wins over a glob, and globs are tried in the map's order. */
export function currencyFor(currencies: CurrencyMap | undefined, paymentSystem: string): string | undefined {
  if (currencies === undefined) return undefined;
  let resolve = resolvers.get(currencies);
  if (!resolve) resolvers.set(currencies, (resolve = resolverFor(currencies)));
  return resolve(paymentSystem);
}
