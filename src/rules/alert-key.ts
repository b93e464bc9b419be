/** An alert is one rule on one account; its state is stored under this key. */
export function alertKey(rule: string, account: string): string {
  return `${rule}${KEY_SEPARATOR}${account}`;
}

/** A character no rule name or account contains, so that a key splits back unambiguously. */
const KEY_SEPARATOR = '\u0000';

export function splitAlertKey(key: string): { rule: string; account: string } {
  const at = key.indexOf(KEY_SEPARATOR);
  return { rule: key.slice(0, at), account: key.slice(at + 1) };
}

/** The account of a key when it belongs to `rule`, without splitting every key of a source into new strings. */
export function accountOfKey(key: string, rule: string): string | undefined {
  return key[rule.length] === KEY_SEPARATOR && key.startsWith(rule) ? key.slice(rule.length + 1) : undefined;
}
