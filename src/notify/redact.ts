/** Removes every occurrence of the given secrets from a text meant for logs or people. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return secrets.reduce<string>((result, secret) => (secret && secret.length >= 4 ? result.split(secret).join('[redacted]') : result), text);
}

/** The secret parts of a URL: the whole URL, its password, its path and query (a webhook's token lives there). */
export function urlSecrets(url: string): string[] {
  if (!URL.canParse(url)) return [url];
  const parsed = new URL(url);
  return [url, parsed.password && decodeURIComponent(parsed.password), parsed.password, parsed.pathname.length > 1 ? parsed.pathname : '', parsed.search].filter(
    (s): s is string => Boolean(s),
  );
}
